import type { Locale } from '../config';

declare global {
  namespace Express {
    interface Request {
      /** The language this request is answered in. */
      locale: Locale;
    }
  }
}

export {};
