/**
 * The one pager of the app's long lists (people, certificates, the audit log): the `?page=`
 * query field, the page size, "is there a next page" by fetching one row more than a page,
 * and the previous/next links shown by views/partials/pager.ejs.
 */
import { z } from 'zod';

/** Rows on one page of every paged list. */
export const PAGE_SIZE = 50;
/** The furthest page a link may ask for. */
export const MAX_PAGE = 10000;

/** A page number from the query string: a whole number 1..MAX_PAGE, else 1. */
export function pageNumber(value: unknown): number {
  if (typeof value !== 'string' || !/^[0-9]{1,6}$/.test(value)) return 1;
  const n = Number(value);
  return n >= 1 && n <= MAX_PAGE ? n : 1;
}

/**
 * `page` of a list's query schema. Anything but a page number (absent, text, 0, negative,
 * beyond MAX_PAGE, given twice) is page 1, never an error: an old or hand-edited link
 * still shows the list.
 */
export const pageField = z.unknown().optional().transform(pageNumber);

export interface Page<T> {
  items: T[];
  hasMore: boolean;
}

/** Skip and limit for a query of `page`: one row more than a page, to know whether there is a next one. */
export function pageWindow(page: number, size = PAGE_SIZE): { skip: number; limit: number } {
  return { skip: (page - 1) * size, limit: size + 1 };
}

/** The rows of a query made with pageWindow, as a page. */
export function pageOfWindow<T>(rows: readonly T[], size = PAGE_SIZE): Page<T> {
  return { items: rows.slice(0, size), hasMore: rows.length > size };
}

/** How many rows from the top a list must gather to show `page` and know whether there is a next. */
export function rowsNeeded(page: number, size = PAGE_SIZE): number {
  return pageWindow(page, size).skip + pageWindow(page, size).limit;
}

/** `page` of a list gathered (and sorted) whole, or its first rowsNeeded rows. */
export function pageOf<T>(all: readonly T[], page: number, size = PAGE_SIZE): Page<T> {
  const { skip } = pageWindow(page, size);
  return pageOfWindow(all.slice(skip), size);
}

export interface PagerLinks {
  previous: string | null;
  next: string | null;
}

/**
 * The previous and next links of `path` with the list's filters (in this order, empty ones
 * kept: the links keep the filters the person chose) and `page=`.
 */
export function pagerLinks(path: string, filters: Record<string, string>, page: number, hasMore: boolean): PagerLinks {
  const base = path + '?' + Object.entries(filters).map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}&`).join('');
  return { previous: page > 1 ? `${base}page=${page - 1}` : null, next: hasMore ? `${base}page=${page + 1}` : null };
}
