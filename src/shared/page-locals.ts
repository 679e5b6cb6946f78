import fs from 'node:fs';
import path from 'node:path';
import type { NextFunction, Request, Response } from 'express';
import { projectRoot } from './paths';

const { version } = JSON.parse(fs.readFileSync(path.join(projectRoot, 'package.json'), 'utf8')) as { version: string };

/** What every page's layout needs: where we are (for the language switch) and the asset version. */
export function pageLocals() {
  return (req: Request, res: Response, next: NextFunction) => {
    res.locals.currentPath = safeLocalPath(req.originalUrl);
    res.locals.assetVersion = version;
    // Set again by navigation() once the person is known; an error raised before that still renders the layout.
    res.locals.currentUser = null;
    res.locals.nav = [] as { href: string; key: string }[];
    res.locals.navMore = [] as { href: string; key: string }[];
    next();
  };
}

/**
 * A same-site relative path to redirect to, or `fallback`. Refuses absolute URLs,
 * protocol-relative `//host`, backslash tricks and control characters.
 */
export function safeLocalPath(candidate: unknown, fallback = '/'): string {
  if (typeof candidate !== 'string' || candidate.length > 2000) return fallback;
  if (!candidate.startsWith('/') || candidate.startsWith('//') || candidate.startsWith('/\\')) return fallback;
  // eslint-disable-next-line no-control-regex -- refusing control characters is the point
  if (/[\u0000-\u001f\u007f\\]/.test(candidate)) return fallback;
  return candidate;
}
