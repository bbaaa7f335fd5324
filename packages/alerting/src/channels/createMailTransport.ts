import type { SmtpConfig } from '@linewatch/schema';
import nodemailer, { type SMTPPoolOptions, type SMTPPoolSentMessageInfo, type Transporter } from 'nodemailer';
import { ChannelConfigError } from './ChannelConfigError.ts';

/** Looks up a secret by the environment variable name the config gives (`passwordEnv`, `secretEnv`, `urlEnv`). */
export type SecretLookup = (envName: string) => string | undefined;

/** The pooled SMTP transport alert e-mails and reports are sent through. */
export type MailTransport = Transporter<SMTPPoolSentMessageInfo, SMTPPoolOptions>;

/**
 * A pooled nodemailer transport for `alerting.smtp`, the password read through `secret(smtp.passwordEnv)`.
 * Throws ChannelConfigError when a user is configured but the password variable is unset.
 * @example
 * const transport = createMailTransport(config.alerting.smtp, (name) => env[name]);
 * await transport.sendMail({ from: smtp.from, to, subject, text, attachments: [{ filename, content }] });
 * transport.close();
 */
export function createMailTransport(
  smtp: SmtpConfig,
  secret: SecretLookup,
  options: { timeoutMs?: number | undefined } = {},
): MailTransport {
  let auth: { user: string; pass: string } | undefined;
  if (smtp.user !== undefined) {
    const pass = secret(smtp.passwordEnv);
    if (pass === undefined || pass === '')
      throw new ChannelConfigError(
        `alerting.smtp.user is set but the password variable ${smtp.passwordEnv} (alerting.smtp.passwordEnv) is not`,
      );
    auth = { user: smtp.user, pass };
  }
  const timeoutMs = options.timeoutMs;
  return nodemailer.createTransport(
    {
      pool: true,
      // Alert mail is a trickle; two connections keep a burst of notifications moving without
      // tripping per-client connection limits of corporate relays.
      maxConnections: 2,
      host: smtp.host,
      port: smtp.port,
      secure: smtp.secure,
      requireTLS: smtp.requireTLS,
      auth,
      ...(timeoutMs !== undefined
        ? { connectionTimeout: timeoutMs, greetingTimeout: timeoutMs, socketTimeout: timeoutMs }
        : {}),
      // nodemailer logs nothing unless asked; its debug log would carry message bodies.
      logger: false,
    },
    { from: smtp.from },
  );
}
