/**
 * How an exported file speaks. By default ("readable") it reads like the union's own
 * documents: column headers and values in the reader's language, dates and times in
 * Vietnam time as dd/mm/yyyy HH:mm. With `?format=codes` it keeps the contract's
 * machine-readable form (CONTRACT.md): snake_case columns, code values, ISO 8601 dates,
 * booleans as true/false, so that programs reading the files do not break.
 *
 * In a readable XLSX, dates are real Excel dates (Vietnam wall-clock time, shown as
 * dd/mm/yyyy hh:mm whatever the reader's Excel locale): an official can sort and filter
 * by them, and they still read the same as on screen.
 */
import { z } from 'zod';
import type { Locale } from '../config';
import type { Row } from '../shared/csv';
import { dateTimeText } from '../shared/dates';
import { translate } from '../shared/i18n';
import { VN_OFFSET_MS } from '../shared/vn-time';

export const FILE_FORMS = ['readable', 'codes'] as const;
export type FileForm = (typeof FILE_FORMS)[number];

/** `?format=codes` on a file's address (anything else is refused with a 400). */
export const fileFormQuery = z.enum(['codes']).optional();

export function formOf(format: 'codes' | undefined): FileForm {
  return format === 'codes' ? 'codes' : 'readable';
}

/** Who reads the file, and in what: the form, the language, and whether it is a workbook. */
export interface FileStyle {
  form: FileForm;
  locale: Locale;
  xlsx: boolean;
}

/** A cell of an exported row (a Date only in a readable workbook). */
export type FileCell = Row[number];
export type FileRow = Row;

/** A file's column headers: the contract's names, or their words under `exports.<table>.` */
export function headerOf(columns: readonly string[], table: string, style: FileStyle): string[] {
  return style.form === 'codes' ? [...columns] : columns.map((c) => translate(style.locale, `exports.${table}.${c}`));
}

/** A sheet's name: the code, or its word under `exports.sheets.` */
export function sheetName(code: string, style: FileStyle): string {
  return style.form === 'codes' ? code : translate(style.locale, `exports.sheets.${code}`);
}

/** An instant: ISO 8601 (codes), dd/mm/yyyy HH:mm in Vietnam (readable CSV), an Excel date in Vietnam time (readable XLSX). */
export function fileDate(d: Date | null | undefined, style: FileStyle): FileCell {
  if (!(d instanceof Date) || Number.isNaN(d.getTime())) return '';
  if (style.form === 'codes') return d.toISOString();
  // Excel dates have no zone: the wall-clock time in Vietnam is what the reader expects to see.
  return style.xlsx ? new Date(d.getTime() + VN_OFFSET_MS) : dateTimeText(d);
}

/** Yes or no: true/false (codes), "Có"/"Không" (readable). */
export function fileYesNo(b: boolean, style: FileStyle): FileCell {
  return style.form === 'codes' ? b : translate(style.locale, b ? 'exports.yes' : 'exports.no');
}

/** A code value (a status, a level, a category): itself (codes), or its word under `prefix` (readable). */
export function fileWord(code: string, prefix: string, style: FileStyle): string {
  return style.form === 'codes' ? code : translate(style.locale, `${prefix}.${code}`);
}
