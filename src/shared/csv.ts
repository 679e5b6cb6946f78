/**
 * CSV for people who open it in Excel: UTF-8 with a BOM, and no cell that a spreadsheet
 * would run as a formula (= + - @ tab CR get a leading apostrophe).
 */
import type { Writable } from 'node:stream';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { stringify } from 'csv-stringify/sync';

export type Row = (string | number | boolean | Date)[];

/** A cell that would start a formula (= + - @ tab CR) gets a leading apostrophe. */
export function neutralise<T extends string | number | boolean | Date>(value: T): T | string {
  return typeof value === 'string' && /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

/** Streams the CSV (UTF-8 with BOM) into `out`; pipeline() keeps to the reader's pace. */
export async function writeCsv(out: Writable, header: readonly string[], rows: AsyncIterable<Row> | Row[]): Promise<void> {
  async function* lines() {
    yield `\uFEFF${stringify([header as string[]])}`;
    // Booleans as the words true/false (csv-stringify would write 1 and an empty cell); a date
    // as ISO 8601 (the files that people read write their dates as text before this).
    for await (const row of rows) yield stringify([row.map((v) => (typeof v === 'boolean' ? String(v) : v instanceof Date ? v.toISOString() : neutralise(v)))]);
  }
  await pipeline(Readable.from(lines()), out);
}
