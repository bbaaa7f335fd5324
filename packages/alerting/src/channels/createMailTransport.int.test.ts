import type { SmtpConfig } from '@linewatch/schema';
import { afterEach, describe, expect, it } from 'vitest';
import { ChannelConfigError } from './ChannelConfigError.ts';
import { createMailTransport, type MailTransport } from './createMailTransport.ts';
import { startSmtpServer } from './testing/startSmtpServer.ts';

const smtpAt = (port: number, over: Partial<SmtpConfig> = {}): SmtpConfig => ({
  host: '127.0.0.1',
  port,
  secure: false,
  requireTLS: false,
  passwordEnv: 'TEST_SMTP_PASSWORD',
  from: 'Linewatch <linewatch@plant.example>',
  ...over,
});

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function track(transport: MailTransport): MailTransport {
  cleanups.push(() => transport.close());
  return transport;
}

describe('createMailTransport', () => {
  it('logs in with the password it reads through secret and sends an attachment from the configured sender', async () => {
    const server = await startSmtpServer({ auth: { user: 'linewatch', pass: 's3cret-pw' } });
    cleanups.push(server.close);
    const looked: string[] = [];
    const transport = track(
      createMailTransport(smtpAt(server.port, { user: 'linewatch' }), (name) => {
        looked.push(name);
        return name === 'TEST_SMTP_PASSWORD' ? 's3cret-pw' : undefined;
      }),
    );

    await transport.sendMail({
      to: 'shift-lead@plant.example',
      subject: 'Weekly report',
      text: 'See the attachment.',
      attachments: [{ filename: 'report.csv', content: 'flow,late\nconfirmation,3\n' }],
    });

    expect(looked).toEqual(['TEST_SMTP_PASSWORD']);
    expect(server.received).toHaveLength(1);
    const [got] = server.received;
    expect(got?.user).toBe('linewatch');
    expect(got?.from).toBe('linewatch@plant.example');
    expect(got?.to).toEqual(['shift-lead@plant.example']);
    expect(got?.mail.subject).toBe('Weekly report');
    expect(got?.mail.attachments.map((a) => [a.filename, a.content.toString()])).toEqual([
      ['report.csv', 'flow,late\nconfirmation,3\n'],
    ]);
  });

  it('reuses one pooled connection for consecutive messages', async () => {
    const server = await startSmtpServer();
    cleanups.push(server.close);
    const transport = track(createMailTransport(smtpAt(server.port), () => undefined));

    for (const subject of ['one', 'two', 'three'])
      await transport.sendMail({ to: 'ops@plant.example', subject, text: subject });

    expect(server.received.map((r) => r.mail.subject)).toEqual(['one', 'two', 'three']);
    expect(server.connections()).toBe(1);
  });

  it('refuses a configured user whose password variable is unset, naming the variable', () => {
    const create = () => createMailTransport(smtpAt(25, { user: 'linewatch' }), () => undefined);
    expect(create).toThrow(ChannelConfigError);
    expect(create).toThrow(/TEST_SMTP_PASSWORD/);
  });
});
