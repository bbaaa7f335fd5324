import type { AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';

/** A message the test SMTP server accepted: the envelope and the parsed MIME message. */
export interface ReceivedMail {
  from: string | undefined;
  to: string[];
  user: string | undefined;
  mail: ParsedMail;
}

/** A real SMTP server on 127.0.0.1 (port 0) for tests: optional AUTH, scripted RCPT rejections. */
export async function startSmtpServer(
  options: {
    /** When set, AUTH is required and only this user and password are accepted. */
    auth?: { user: string; pass: string };
    /** Reply to RCPT TO with this code (451: try later, 550: no such mailbox). */
    rejectRecipients?: { code: number; message: string };
    /** Listen on this port (default: any free one). */
    port?: number;
  } = {},
): Promise<{
  port: number;
  received: ReceivedMail[];
  connections: () => number;
  close: () => Promise<void>;
}> {
  const received: ReceivedMail[] = [];
  let connections = 0;
  const { auth, rejectRecipients } = options;
  const server = new SMTPServer({
    // No TLS on the loopback test server: STARTTLS off, so AUTH over plain text must be allowed.
    disabledCommands: auth ? ['STARTTLS'] : ['STARTTLS', 'AUTH'],
    allowInsecureAuth: true,
    authOptional: !auth,
    logger: false,
    disableReverseLookup: true,
    closeTimeout: 1_000,
    onConnect(_session, callback) {
      connections += 1;
      callback();
    },
    onAuth(credentials, _session, callback) {
      if (auth && credentials.username === auth.user && credentials.password === auth.pass)
        callback(null, { user: credentials.username });
      else callback(Object.assign(new Error('Authentication credentials invalid'), { responseCode: 535 }));
    },
    onRcptTo(_address, _session, callback) {
      if (!rejectRecipients) return callback();
      callback(Object.assign(new Error(rejectRecipients.message), { responseCode: rejectRecipients.code }));
    },
    onData(stream, session, callback) {
      // Answer 250 only once the message is parsed, so it is recorded before sendMail resolves.
      simpleParser(stream).then(
        (mail) => {
          received.push({
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : undefined,
            to: session.envelope.rcptTo.map((r) => r.address),
            user: typeof session.user === 'string' ? session.user : undefined,
            mail,
          });
          callback();
        },
        (err: Error) => callback(err),
      );
    },
  });
  const port = await new Promise<number>((resolve, reject) => {
    const listening = server.listen(options.port ?? 0, '127.0.0.1', () =>
      resolve((listening.address() as AddressInfo).port),
    );
    listening.once('error', reject);
  });
  return {
    port,
    received,
    connections: () => connections,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
