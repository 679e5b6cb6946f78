/**
 * The one place errors become responses: a page in the user's language (or JSON for
 * API clients), logged with the request id, never a stack trace.
 */
import type { ErrorRequestHandler, RequestHandler } from 'express';
import { isDatabaseUnavailable } from '../db/connection';
import { AppError, messageKeyOf, NotFound, Refused } from './errors';

interface Classified {
  status: number;
  messageKey: string;
  params?: Record<string, string | number>;
}

/** The page title says what kind of refusal it is; the message says which. */
const TITLE_BY_STATUS: Record<number, string> = { 400: 'invalid', 403: 'forbidden', 404: 'notFound', 409: 'conflict', 410: 'gone', 413: 'tooLarge', 429: 'tooMany', 503: 'unavailable' };

function classify(err: unknown): Classified {
  if (err instanceof Refused) return { status: err.status, messageKey: err.messageKey, params: err.params };
  if (err instanceof AppError) return { status: err.status, messageKey: err.messageKey };
  if (isDatabaseUnavailable(err)) return { status: 503, messageKey: 'unavailable' };
  const e = err as { name?: string; type?: string; status?: number; statusCode?: number };
  // A malformed id in a URL is a record that does not exist.
  if (e?.name === 'CastError') return { status: 404, messageKey: 'notFound' };
  // body-parser and friends mark client errors with a 4xx status.
  const status = e?.status ?? e?.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    if (status === 413) return { status, messageKey: 'tooLarge' };
    if (status === 404) return { status, messageKey: 'notFound' };
    if (status === 403) return { status, messageKey: 'forbidden' };
    return { status: 400, messageKey: 'invalid' };
  }
  return { status: 500, messageKey: 'server' };
}

export const notFoundHandler: RequestHandler = (_req, _res, next) => {
  next(new NotFound());
};

export const errorHandler: ErrorRequestHandler = (err, req, res, next) => {
  const { status, messageKey, params } = classify(err);
  if (status >= 500) {
    req.log?.error({ err }, 'request failed');
  } else {
    req.log?.info({ status, reason: (err as Error)?.message }, 'request refused');
  }
  if (res.headersSent) {
    // Typically the session store failing to save after the page was sent (database
    // down): the page is on its way, so let it finish rather than cut the connection.
    void next;
    return;
  }
  if (status === 503) {
    res.set('Retry-After', '5');
    // The database is away: do not try to save the session at the end of this response.
    (req as { session?: unknown }).session = undefined;
  }
  res.status(status);
  const t = res.locals.t as ((k: string, p?: Record<string, string | number>) => string) | undefined;
  const message = t ? t(messageKeyOf(messageKey), params) : messageKey;
  if (req.accepts(['html', 'json']) === 'json') {
    res.json({ error: messageKey, message });
    return;
  }
  const locals = { status, title: t ? t(`errors.${TITLE_BY_STATUS[status] ?? (status >= 500 ? 'server' : 'invalid')}Title`) : String(status), message, requestId: req.id };
  res.render('errors/error', locals, (renderErr: Error | null, html: string) => {
    if (renderErr) {
      // The error page itself failed: answer plain text rather than Express's default (which can show a stack).
      req.log?.error({ err: renderErr }, 'error page failed to render');
      res.type('text/plain').send(`${locals.title}\n${message}`);
      return;
    }
    res.send(html);
  });
};
