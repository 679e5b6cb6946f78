/**
 * A notification in words: title, body and lines rendered from their keys in the recipient's
 * language (their saved language, else DEFAULT_LOCALE), for the inbox and for email.
 */
import type { Locale } from '../config';
import { isLocale, translate } from '../shared/i18n';
import type { NotificationKind } from './notification.model';

type Params = Record<string, string | number>;

/** What rendering needs of a notification (the stored document fits). */
export interface Renderable {
  kind: NotificationKind | string;
  titleKey: string;
  bodyKey: string;
  params?: Params | null;
  lines?: { key: string; params?: Params | null }[] | null;
  link: string;
}

export interface RenderedText {
  title: string;
  /** Paragraphs: the body split at its line breaks. */
  body: string[];
  lines: string[];
}

/** The language a person reads in: their saved one, else the deployment's default. */
export function localeOf(saved: unknown, defaultLocale: Locale): Locale {
  return isLocale(saved) ? saved : defaultLocale;
}

/** Title, body paragraphs and lines in `locale`. */
export function renderText(n: Renderable, locale: Locale): RenderedText {
  const params = n.params ?? {};
  return {
    title: translate(locale, n.titleKey, params),
    body: translate(locale, n.bodyKey, params).split(/\r?\n/).map((p) => p.trim()).filter((p) => p !== ''),
    lines: (n.lines ?? []).map((l) => translate(locale, l.key, l.params ?? {})),
  };
}
