/**
 * Two languages, Vietnamese first. The user's explicit choice (the `lang` cookie) wins;
 * without one, Accept-Language decides; without that, DEFAULT_LOCALE.
 * Every user-facing string lives in ./locales/<lang>.json. A message that changes with a
 * count is an object of plural forms ({ "one": "1 question", "other": "{n} questions" }),
 * chosen by the param `n` (or `count`) with Intl.PluralRules; Vietnamese has no plural forms
 * and keeps one string.
 */
import type { NextFunction, Request, Response } from 'express';
import type { Locale } from '../config';
import { dateTimeText, dayText, daysUntil, weekNumber, weekRangeText, weekStartOf } from './dates';
import vi from './locales/vi.json';
import en from './locales/en.json';

export const LOCALES: readonly Locale[] = ['vi', 'en'];
export const LANG_COOKIE = 'lang';

/** A message's forms by plural category (Intl.PluralRules); `other` is always there. */
type PluralForms = Partial<Record<Intl.LDMLPluralRule, string>> & { other: string };
type Message = string | PluralForms;
interface Catalog {
  [key: string]: Message | Catalog;
}
const catalogs: Record<Locale, Catalog> = { vi, en };
const PLURAL_RULES: Record<Locale, Intl.PluralRules> = { vi: new Intl.PluralRules('vi'), en: new Intl.PluralRules('en') };
const PLURAL_CATEGORIES: readonly string[] = ['zero', 'one', 'two', 'few', 'many', 'other'];

export type TranslateFn = (key: string, params?: Record<string, string | number>) => string;

export function isLocale(value: unknown): value is Locale {
  return typeof value === 'string' && (LOCALES as readonly string[]).includes(value);
}

/** Whether a catalog node is a message's plural forms (not a section of messages). */
export function isPluralForms(node: unknown): node is PluralForms {
  if (!node || typeof node !== 'object') return false;
  const entries = Object.entries(node);
  return entries.length > 0 && typeof (node as { other?: unknown }).other === 'string' && entries.every(([k, v]) => PLURAL_CATEGORIES.includes(k) && typeof v === 'string');
}

function lookup(catalog: unknown, key: string): Message | undefined {
  let node: unknown = catalog;
  for (const part of key.split('.')) {
    if (node && typeof node === 'object' && Object.prototype.hasOwnProperty.call(node, part)) {
      node = (node as Record<string, unknown>)[part];
    } else {
      return undefined;
    }
  }
  return typeof node === 'string' || isPluralForms(node) ? node : undefined;
}

/**
 * The count that chooses a plural form: the param `n`, else `count`; a number, or a number
 * as formatNumber wrote it ("1,234": its group separators are dropped). None: `other`.
 */
function countOf(params: Record<string, string | number> | undefined): number {
  const value = params?.n ?? params?.count;
  if (typeof value === 'number') return value;
  return typeof value === 'string' ? Number(value.replace(/[,\s\u00a0\u202f]/g, '')) : Number.NaN;
}

function pluralText(locale: Locale, forms: PluralForms, params: Record<string, string | number> | undefined): string {
  const n = countOf(params);
  return (Number.isFinite(n) ? forms[PLURAL_RULES[locale].select(n)] : undefined) ?? forms.other;
}

/** Translates `key`; a missing key falls back to Vietnamese, then to the key itself. */
export function translate(locale: Locale, key: string, params?: Record<string, string | number>): string {
  const own = lookup(catalogs[locale], key);
  const from: Locale = own === undefined ? 'vi' : locale;
  const message = own ?? lookup(catalogs.vi, key) ?? key;
  const text = typeof message === 'string' ? message : pluralText(from, message, params);
  if (!params) return text;
  return text.replace(/\{(\w+)\}/g, (whole, name: string) =>
    Object.prototype.hasOwnProperty.call(params, name) ? String(params[name]) : whole,
  );
}

export function translator(locale: Locale): TranslateFn {
  return (key, params) => translate(locale, key, params);
}

/** Every key path of a catalog (a message with plural forms is one key), for tests that keep the two languages in step. */
export function catalogKeys(locale: Locale): string[] {
  const out: string[] = [];
  const walk = (node: unknown, prefix: string) => {
    for (const [k, v] of Object.entries(node as Record<string, unknown>)) {
      const key = prefix ? `${prefix}.${k}` : k;
      if (v && typeof v === 'object' && !isPluralForms(v)) walk(v, key);
      else out.push(key);
    }
  };
  walk(catalogs[locale], '');
  return out.sort();
}

export function negotiateLocale(req: Request, defaultLocale: Locale): Locale {
  const chosen: unknown = req.cookies?.[LANG_COOKIE];
  if (isLocale(chosen)) return chosen;
  if (req.headers['accept-language']) {
    const accepted = req.acceptsLanguages(...LOCALES);
    if (isLocale(accepted)) return accepted;
  }
  return defaultLocale;
}

/** Numbers as each language writes them; dates are written one way in both (./dates). */
const NUMBERS: Record<Locale, Intl.NumberFormat> = { vi: new Intl.NumberFormat('vi-VN'), en: new Intl.NumberFormat('en-GB') };

/** A day as its readers write it: dd/mm/yyyy in Vietnam time. */
export function formatDay(_locale: Locale, d: Date): string {
  return dayText(d);
}

/** A report week as its readers say it: "Tuần 49 (01/12–07/12/2026)". */
export function formatWeek(locale: Locale, week: string | { label: string; start: Date }): string {
  const label = typeof week === 'string' ? week : week.label;
  const start = typeof week === 'string' ? weekStartOf(week) : week.start;
  if (!start) return label;
  return translate(locale, 'dates.week', { n: weekNumber(label) ?? label, range: weekRangeText(start) });
}

/** "còn 5 ngày", "hạn là hôm nay", "quá hạn 2 ngày" (Vietnam calendar days). */
export function formatDaysLeft(locale: Locale, due: Date, now = new Date()): string {
  const n = daysUntil(due, now);
  if (n === 0) return translate(locale, 'dates.dueToday');
  return n > 0 ? translate(locale, 'dates.daysLeft', { n }) : translate(locale, 'dates.daysOverdue', { n: -n });
}

function applyLocale(req: Request, res: Response, locale: Locale): void {
  const numbers = NUMBERS[locale];
  req.locale = locale;
  res.locals.locale = locale;
  res.locals.t = translator(locale);
  res.locals.formatNumber = (n: number) => numbers.format(n);
  res.locals.formatDateTime = (d: Date | null | undefined) => dateTimeText(d);
  res.locals.formatDate = (d: Date | null | undefined) => dayText(d);
  res.locals.formatWeek = (w: string | { label: string; start: Date }) => formatWeek(locale, w);
  res.locals.formatDaysLeft = (due: Date, now?: Date) => formatDaysLeft(locale, due, now);
  // Records named in both languages (units): the name in this language.
  res.locals.nameOf = (x: { nameVi: string; nameEn: string } | null | undefined) => (x ? (locale === 'en' ? x.nameEn : x.nameVi) : '');
}

/** Remembers the chosen language in this browser for a year. */
export function rememberLanguage(res: Response, locale: Locale, secure: boolean): void {
  res.cookie(LANG_COOKIE, locale, { maxAge: 365 * 24 * 3600 * 1000, httpOnly: true, sameSite: 'lax', secure });
}

/** After sign-in: the language saved on the account applies when this browser chose none. */
export function userLocale() {
  return (req: Request, res: Response, next: NextFunction) => {
    const saved = req.user?.locale;
    if (isLocale(saved) && !isLocale(req.cookies?.[LANG_COOKIE]) && saved !== req.locale) applyLocale(req, res, saved);
    next();
  };
}

/** Sets req.locale, res.locals.locale and res.locals.t for every request. */
export function i18nMiddleware(defaultLocale: Locale) {
  return (req: Request, res: Response, next: NextFunction) => {
    applyLocale(req, res, negotiateLocale(req, defaultLocale));
    res.vary('Accept-Language');
    res.vary('Cookie');
    next();
  };
}
