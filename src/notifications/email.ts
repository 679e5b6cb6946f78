/**
 * A notification as an email: subject, plain text and simple HTML (every value escaped) in the
 * recipient's language, the app link made absolute with BASE_URL, a footer with the one-click
 * unsubscribe link, and the RFC 8058 headers that let a mail client unsubscribe in one click.
 */
import path from 'node:path';
import type { Locale } from '../config';
import { translate } from '../shared/i18n';
import type { RenderedMessage } from './channels';
import type { NotificationKind } from './notification.model';
import { renderText, type Renderable } from './render';
import { unsubscribeToken } from './token';

export interface EmailContext {
  baseUrl: string;
  from: string;
  /** Signs the unsubscribe link (the session secret). */
  secret: string;
  /** Attachments must be files under it. */
  dataDir: string;
}

export interface EmailNotification extends Renderable {
  _id: unknown;
  user: unknown;
  attachments?: { filename?: string | null; path?: string | null; contentType?: string | null }[] | null;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);
}

/** The files to attach: those under DATA_DIR only (a path elsewhere is left out). */
function attachmentsOf(n: EmailNotification, dataDir: string): RenderedMessage['attachments'] {
  const root = path.resolve(dataDir) + path.sep;
  return (n.attachments ?? [])
    .filter((a) => a.filename && a.path && path.resolve(dataDir, a.path).startsWith(root))
    .map((a) => ({ filename: a.filename as string, path: path.resolve(dataDir, a.path as string), contentType: a.contentType ?? 'application/octet-stream' }));
}

interface Parts {
  title: string;
  body: string[];
  lines: string[];
  link: string;
  unsubscribe: string;
  preferences: string;
  why: string;
}

function textOf(locale: Locale, p: Parts): string {
  const t = (key: string, params?: Record<string, string>) => translate(locale, key, params);
  return [
    p.title,
    '',
    ...p.body.flatMap((para) => [para, '']),
    ...(p.lines.length ? [...p.lines.map((l) => `- ${l}`), ''] : []),
    t('notifications.email.open', { url: p.link }),
    '',
    '-- ',
    p.why,
    t('notifications.email.unsubscribe', { url: p.unsubscribe }),
    t('notifications.email.preferences', { url: p.preferences }),
  ].join('\n');
}

function htmlOf(locale: Locale, p: Parts): string {
  const t = (key: string) => escapeHtml(translate(locale, key));
  const e = escapeHtml;
  return [
    `<!doctype html><html lang="${locale}"><head><meta charset="utf-8"><title>${e(p.title)}</title></head>`,
    '<body style="font-family:Arial,sans-serif;font-size:16px;line-height:1.5;color:#1a1a1a;max-width:600px">',
    `<h1 style="font-size:20px">${e(p.title)}</h1>`,
    ...p.body.map((para) => `<p>${e(para)}</p>`),
    p.lines.length ? `<ul>${p.lines.map((l) => `<li>${e(l)}</li>`).join('')}</ul>` : '',
    `<p><a href="${e(p.link)}" style="display:inline-block;padding:10px 16px;background:#0b5cad;color:#ffffff;text-decoration:none;border-radius:4px">${t('notifications.email.openButton')}</a></p>`,
    `<p style="font-size:14px">${e(p.link)}</p>`,
    '<hr>',
    `<p style="font-size:13px;color:#555">${e(p.why)}<br>`,
    `<a href="${e(p.unsubscribe)}">${t('notifications.email.unsubscribeLink')}</a> · <a href="${e(p.preferences)}">${t('notifications.email.preferencesLink')}</a></p>`,
    '</body></html>',
  ].join('\n');
}

/** The email of a notification to `to`, in `locale`. */
export function renderEmail(n: EmailNotification, to: string, locale: Locale, ctx: EmailContext): RenderedMessage {
  const text = renderText(n, locale);
  const kind = n.kind as NotificationKind;
  const unsubscribe = `${ctx.baseUrl}/unsubscribe?t=${unsubscribeToken(ctx.secret, String(n.user), kind)}`;
  const parts: Parts = {
    ...text,
    link: `${ctx.baseUrl}${n.link}`,
    unsubscribe,
    preferences: `${ctx.baseUrl}/account/notifications`,
    why: translate(locale, 'notifications.email.why', { kind: translate(locale, `notifications.kinds.${kind}`) }),
  };
  return {
    notificationId: String(n._id),
    to,
    from: ctx.from,
    subject: `${translate(locale, 'app.name')}: ${text.title}`,
    text: textOf(locale, parts),
    html: htmlOf(locale, parts),
    headers: { 'List-Unsubscribe': `<${unsubscribe}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' },
    attachments: attachmentsOf(n, ctx.dataDir),
  };
}
