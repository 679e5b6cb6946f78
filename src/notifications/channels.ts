/**
 * Delivery channels: how a rendered message leaves the app. One small interface; the channel
 * is chosen from the config (`config.mail.channel`): `smtp` (nodemailer) when SMTP_URL is set,
 * `log` in development without it, none otherwise (emails are suppressed; the inbox works).
 *
 * A real provider's adapter (an SMS gateway, Zalo ZNS) implements `Channel` the same way:
 * `send` resolves once the provider accepted the message and rejects otherwise (an error with
 * `permanent: true` when retrying cannot help, e.g. the address was refused). It is chosen in
 * `channelFor` from its own validated config variables. No such adapter is shipped.
 */
import nodemailer from 'nodemailer';
import type { Logger } from 'pino';
import type { Config } from '../config';

/** One message ready to leave: addressed, in the recipient's language, with its headers. */
export interface RenderedMessage {
  notificationId: string;
  to: string;
  from: string;
  subject: string;
  text: string;
  html: string;
  /** `List-Unsubscribe`, `List-Unsubscribe-Post`, … */
  headers: Record<string, string>;
  attachments: { filename: string; path: string; contentType: string }[];
}

export interface Channel {
  name: string;
  /** Resolves when the message was accepted; rejects otherwise. */
  send(message: RenderedMessage): Promise<void>;
}

/**
 * How long one SMTP exchange may take at most. Each of these bounds a phase of nodemailer's
 * exchange; together they stay well under the delivery lease (delivery.ts), so a live
 * process always finishes (or gives up) before another may take its message over.
 */
export const SMTP_TIMEOUTS = { connectionTimeout: 20_000, greetingTimeout: 20_000, socketTimeout: 45_000, dnsTimeout: 10_000 };

/** A permanent refusal (SMTP 5xx): retrying cannot help. */
export function isPermanent(err: unknown): boolean {
  if (typeof err !== 'object' || err === null) return false;
  const e = err as { permanent?: unknown; responseCode?: unknown };
  return e.permanent === true || (typeof e.responseCode === 'number' && e.responseCode >= 500 && e.responseCode < 600);
}

/** Email through SMTP (nodemailer), one connection per message. */
export function smtpChannel(smtpUrl: string): Channel {
  const u = new URL(smtpUrl);
  const secure = u.protocol === 'smtps:';
  const transport = nodemailer.createTransport({
    host: u.hostname,
    port: u.port ? Number(u.port) : secure ? 465 : 587,
    secure,
    auth: u.username ? { user: decodeURIComponent(u.username), pass: decodeURIComponent(u.password) } : undefined,
    ...SMTP_TIMEOUTS,
  });
  return {
    name: 'email',
    async send(m) {
      await transport.sendMail({
        from: m.from,
        to: m.to,
        subject: m.subject,
        text: m.text,
        html: m.html,
        headers: m.headers,
        attachments: m.attachments.map((a) => ({ filename: a.filename, path: a.path, contentType: a.contentType })),
      });
    },
  };
}

/** Development: each message written to the log, nothing sent. */
export function logChannel(logger: Pick<Logger, 'info'>): Channel {
  return {
    name: 'log',
    send(m) {
      logger.info({ to: m.to, subject: m.subject, notification: m.notificationId, attachments: m.attachments.map((a) => a.filename) }, `email (log channel, not sent):\n${m.text}`);
      return Promise.resolve();
    },
  };
}

/** The channel the config names, or null: no email leaves (suppressed). */
export function channelFor(config: Config, logger: Pick<Logger, 'info'>): Channel | null {
  if (config.mail.channel === 'smtp' && config.mail.smtpUrl) return smtpChannel(config.mail.smtpUrl);
  if (config.mail.channel === 'log') return logChannel(logger);
  return null;
}
