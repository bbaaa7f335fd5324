import type { Channel, SmtpConfig } from '@linewatch/schema';
import type { DeliveryOutcome, NotificationMessage } from '../notify/notification.ts';
import { ChannelConfigError } from './ChannelConfigError.ts';
import { createMailTransport, type MailTransport, type SecretLookup } from './createMailTransport.ts';
import { renderEmail } from './renderEmail.ts';
import { signWebhook } from './signWebhook.ts';
import { slackPayload } from './slackPayload.ts';
import { teamsPayload } from './teamsPayload.ts';
import { webhookBody } from './webhookBody.ts';

// The I/O edge of channels: one `send(channel, message)` for e-mail (SMTP via nodemailer), the generic
// webhook (signed JSON), Slack and Teams incoming webhooks. Rendering is pure (renderEmail, webhookBody,
// slackPayload, teamsPayload); this file only moves bytes and turns what happened into a
// DeliveryOutcome whose error text is safe to store and show: no URL (Slack and Teams URLs are
// credentials), no secret, no body.

/** What the sender needs. */
export interface ChannelSenderOptions {
  /** `alerting.smtp`; undefined: e-mail channels fail with a configuration error. */
  smtp: SmtpConfig | undefined;
  /** Resolves `urlEnv`, `secretEnv` and the SMTP `passwordEnv`. */
  secret: SecretLookup;
  /** Per attempt: connect, send and answer. */
  timeoutMs: number;
  /** The wall clock, for the signature timestamp. */
  now: () => number;
}

/** The header a receiver deduplicates on: the same id for every retry of one notification. */
export const NOTIFICATION_ID_HEADER = 'Linewatch-Notification-Id';
export const SIGNATURE_HEADER = 'Linewatch-Signature';

const fail = (error: string, retryable: boolean, retryAfterMs?: number): DeliveryOutcome => ({
  ok: false,
  retryable,
  error,
  ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
});

/** Retry-After as seconds or an HTTP date, in milliseconds from `now`. */
export function parseRetryAfter(value: string | null, now: number): number | undefined {
  if (!value) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isFinite(at) ? Math.max(0, at - now) : undefined;
}

/** An HTTP answer as an outcome: 2xx sent; 408, 425, 429 and 5xx worth retrying; other 4xx not. */
export function httpOutcome(status: number, retryAfter: string | null, now: number): DeliveryOutcome {
  if (status >= 200 && status < 300) return { ok: true, detail: `HTTP ${status}` };
  const retryable = status === 408 || status === 425 || status === 429 || status >= 500;
  return fail(`HTTP ${status}`, retryable, retryable ? parseRetryAfter(retryAfter, now) : undefined);
}

/** A network failure without the URL: Node's fetch puts the reason in `cause` (ECONNREFUSED, …). */
function networkError(err: unknown, timeoutMs: number): string {
  const e = err as Error & { cause?: { code?: string; errors?: { code?: string }[] } };
  if (e.name === 'TimeoutError' || e.name === 'AbortError') return `no answer within ${timeoutMs} ms`;
  const code = e.cause?.code ?? e.cause?.errors?.find((x) => x.code)?.code;
  return code ? `network error: ${code}` : 'network error';
}

/** An SMTP failure: 4xx replies and connection trouble are temporary, 5xx replies permanent. */
function smtpOutcome(err: unknown): DeliveryOutcome {
  const e = err as Error & { responseCode?: number; code?: string; command?: string };
  if (e instanceof ChannelConfigError) return fail(e.message, false);
  if (typeof e.responseCode === 'number') {
    const reply = `SMTP ${e.responseCode}${e.command ? ` on ${e.command.split(' ')[0]}` : ''}`;
    return fail(reply, e.responseCode < 500);
  }
  if (e.code === 'EAUTH') return fail('SMTP authentication failed', false);
  return fail(`SMTP ${e.code ?? 'error'}`, true);
}

/**
 * Sends notifications to channels.
 * @example
 * const sender = createChannelSender({ smtp: config.alerting.smtp, secret, timeoutMs: 10_000, now: Date.now });
 * await sender.send({ type: 'webhook', url, secretEnv: 'HOOK_SECRET' }, message); // { ok: true, detail: 'HTTP 200' }
 * sender.close();
 */
export function createChannelSender(options: ChannelSenderOptions) {
  let transport: MailTransport | undefined;
  const mail = () => {
    if (!options.smtp)
      throw new ChannelConfigError('an e-mail channel needs alerting.smtp in linewatch.yaml');
    transport ??= createMailTransport(options.smtp, options.secret, { timeoutMs: options.timeoutMs });
    return transport;
  };

  const urlOf = (channel: Extract<Channel, { url?: string }>): string => {
    if (channel.url) return channel.url;
    const name = channel.urlEnv ?? '';
    const url = options.secret(name);
    if (!url)
      throw new ChannelConfigError(`${channel.type} channel: the variable ${name} (urlEnv) is not set`);
    return url;
  };

  const post = async (
    url: string,
    body: string,
    headers: Record<string, string>,
  ): Promise<DeliveryOutcome> => {
    try {
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'user-agent': 'Linewatch', ...headers },
        body,
        redirect: 'error',
        signal: AbortSignal.timeout(options.timeoutMs),
      });
      // Drain the answer so the connection can be reused; its content is not kept.
      await res.arrayBuffer().catch(() => undefined);
      return httpOutcome(res.status, res.headers.get('retry-after'), options.now());
    } catch (err) {
      return fail(networkError(err, options.timeoutMs), true);
    }
  };

  return {
    async send(channel: Channel, message: NotificationMessage): Promise<DeliveryOutcome> {
      try {
        switch (channel.type) {
          case 'email': {
            const { subject, text, html } = renderEmail(message);
            try {
              const info = await mail().sendMail({
                to: channel.to,
                subject,
                text,
                html,
                headers: { [NOTIFICATION_ID_HEADER]: message.id },
              });
              return { ok: true, detail: `SMTP accepted for ${info.accepted.length} recipient(s)` };
            } catch (err) {
              return smtpOutcome(err);
            }
          }
          case 'webhook': {
            const body = JSON.stringify(webhookBody(message));
            const headers: Record<string, string> = { [NOTIFICATION_ID_HEADER]: message.id };
            if (channel.secretEnv) {
              const secret = options.secret(channel.secretEnv);
              if (!secret)
                throw new ChannelConfigError(
                  `webhook channel: the variable ${channel.secretEnv} (secretEnv) is not set`,
                );
              headers[SIGNATURE_HEADER] = signWebhook(secret, body, Math.floor(options.now() / 1000));
            }
            return await post(urlOf(channel), body, headers);
          }
          case 'slack':
            return await post(urlOf(channel), JSON.stringify(slackPayload(message)), {});
          case 'teams':
            return await post(urlOf(channel), JSON.stringify(teamsPayload(message)), {});
        }
      } catch (err) {
        if (err instanceof ChannelConfigError) return fail(err.message, false);
        throw err;
      }
    },
    /** Closes the pooled SMTP connections. */
    close(): void {
      transport?.close();
      transport = undefined;
    },
  };
}
export type ChannelSender = ReturnType<typeof createChannelSender>;
