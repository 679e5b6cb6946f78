/**
 * Reading a roster file (contract: "Roster import"): CSV (UTF-8 with or without BOM; comma,
 * semicolon or tab) or XLSX (first sheet), one header row, English or Vietnamese headers in
 * any order. The file type is decided by its bytes, not its name; an XLSX's zip entries and
 * uncompressed size are checked before it is parsed, and its rows are read as a stream.
 */
import { Readable } from 'node:stream';
import { parse } from 'csv-parse';
import ExcelJS from 'exceljs';
import yauzl from 'yauzl';
import { Refused } from '../shared/errors';
import { normalizeName } from '../shared/text';

export const ROSTER_MAX_BYTES = 5 * 1024 * 1024;
export const ROSTER_MAX_ROWS = 20_000;
const XLSX_MAX_ENTRIES = 200;
const XLSX_MAX_UNCOMPRESSED = 50 * 1024 * 1024;
const XLSX_MAX_RATIO = 100;

/** A file-level refusal: nothing from the file is used. */
export class RosterFileError extends Refused {
  constructor(messageKey: string, params: Record<string, string | number> = {}, status = 400) {
    super(messageKey, params, status);
  }
}

export interface RosterRow {
  line: number;
  username: string;
  fullName: string;
  unitCode: string;
  role: string;
  trainerUsername: string;
  phone: string;
  /** The line could not be parsed (e.g. a quote left open): reported as invalid, the rest of the file goes on. */
  unreadable?: boolean;
}

const HEADERS: Record<string, keyof Omit<RosterRow, 'line' | 'unreadable'>> = {
  username: 'username',
  ten_dang_nhap: 'username',
  full_name: 'fullName',
  ho_ten: 'fullName',
  unit_code: 'unitCode',
  ma_don_vi: 'unitCode',
  role: 'role',
  vai_tro: 'role',
  trainer_username: 'trainerUsername',
  nguoi_tap_huan: 'trainerUsername',
  phone: 'phone',
  so_dien_thoai: 'phone',
  // the headings an official types in Vietnamese
  'tên đăng nhập': 'username',
  'họ và tên': 'fullName',
  'họ tên': 'fullName',
  'mã đơn vị': 'unitCode',
  'vai trò': 'role',
  'người tập huấn': 'trainerUsername',
  'số điện thoại': 'phone',
};
const REQUIRED: (keyof RosterRow)[] = ['username', 'fullName', 'unitCode'];

function headerKey(cell: string): keyof Omit<RosterRow, 'line' | 'unreadable'> | undefined {
  const key = cell.replace(/^\uFEFF/, '').trim().toLowerCase().normalize('NFC');
  return Object.prototype.hasOwnProperty.call(HEADERS, key) ? HEADERS[key] : undefined;
}

function cellText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'object') {
    const v = value as { text?: unknown; result?: unknown; richText?: { text: string }[] };
    if (Array.isArray(v.richText)) return v.richText.map((r) => r.text).join('');
    if (v.text !== undefined) return cellText(v.text);
    if (v.result !== undefined) return cellText(v.result);
    return '';
  }
  return String(value);
}

/** Turns header + data rows into roster rows; the header decides which column is which. */
async function* toRows(records: AsyncIterable<{ line: number; cells: unknown[] | null }>): AsyncGenerator<RosterRow> {
  let columns: (keyof Omit<RosterRow, 'line' | 'unreadable'> | undefined)[] | null = null;
  let count = 0;
  for await (const { line, cells } of records) {
    if (cells === null) {
      if (!columns) throw new RosterFileError('roster.unreadableCsv', { detail: `line ${line}` });
      count += 1;
      if (count > ROSTER_MAX_ROWS) throw new RosterFileError('roster.tooManyRows', { max: ROSTER_MAX_ROWS });
      yield { line, username: '', fullName: '', unitCode: '', role: '', trainerUsername: '', phone: '', unreadable: true };
      continue;
    }
    const texts = cells.map(cellText);
    if (!columns) {
      if (texts.every((t) => t.trim() === '')) continue;
      columns = texts.map(headerKey);
      const missing = REQUIRED.filter((r) => !columns!.includes(r as keyof Omit<RosterRow, 'line' | 'unreadable'>));
      if (missing.length > 0) throw new RosterFileError('roster.missingColumns', { columns: missing.map((m) => ({ username: 'username', fullName: 'full_name', unitCode: 'unit_code' })[m as string]).join(', ') });
      continue;
    }
    if (texts.every((t) => t.trim() === '')) continue;
    count += 1;
    if (count > ROSTER_MAX_ROWS) throw new RosterFileError('roster.tooManyRows', { max: ROSTER_MAX_ROWS });
    const row: RosterRow = { line, username: '', fullName: '', unitCode: '', role: '', trainerUsername: '', phone: '' };
    columns.forEach((key, i) => {
      if (key) row[key] = (texts[i] ?? '').trim();
    });
    row.fullName = normalizeName(row.fullName);
    row.username = row.username.toLowerCase();
    row.trainerUsername = row.trainerUsername.toLowerCase();
    row.role = row.role.toLowerCase();
    yield row;
  }
  if (!columns) throw new RosterFileError('roster.empty');
}

function detectDelimiter(text: string): string {
  const firstLine = text.slice(0, text.search(/\r?\n|$/));
  const counts = [',', ';', '\t'].map((d) => [d, firstLine.split(d).length - 1] as const);
  return counts.sort((a, b) => b[1] - a[1])[0]![1] > 0 ? counts[0]![0] : ',';
}

async function* csvRecords(buffer: Buffer): AsyncGenerator<{ line: number; cells: unknown[] | null }> {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(buffer);
  } catch {
    throw new RosterFileError('roster.notUtf8', {}, 415);
  }
  if (text.includes('\u0000')) throw new RosterFileError('roster.wrongType', {}, 415);
  text = text.replace(/^\uFEFF/, '');
  // A quote inside a field (`=HYPERLINK("…")`) is taken as text; a line that still cannot be
  // parsed is skipped and reported with its number, and the rest of the file is read.
  const parser = Readable.from([text]).pipe(
    parse({ delimiter: detectDelimiter(text), relax_column_count: true, relax_quotes: true, skip_records_with_error: true, skip_empty_lines: false, info: true, bom: true }),
  );
  const skipped: number[] = [];
  parser.on('skip', (err: { lines?: number }) => skipped.push(err.lines ?? Number.MAX_SAFE_INTEGER));
  try {
    for await (const rec of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
      // the parser runs ahead of this loop: a skipped line is given in its place among the records
      while (skipped.length > 0 && skipped[0]! < rec.info.lines) yield { line: skipped.shift()!, cells: null };
      yield { line: rec.info.lines, cells: rec.record };
    }
    while (skipped.length > 0) yield { line: skipped.shift()!, cells: null };
  } catch (err) {
    if (err instanceof RosterFileError) throw err;
    throw new RosterFileError('roster.unreadableCsv', { detail: (err as Error).message.slice(0, 120) });
  }
}

/** Refuses zip bombs and odd archives before any XML is parsed. */
async function checkZip(buffer: Buffer): Promise<void> {
  const zip = await new Promise<yauzl.ZipFile>((resolve, reject) =>
    yauzl.fromBuffer(buffer, { lazyEntries: true }, (err, z) => (err || !z ? reject(err ?? new Error('no zip')) : resolve(z))),
  ).catch(() => {
    throw new RosterFileError('roster.wrongType', {}, 415);
  });
  let entries = 0;
  let total = 0;
  let inflated = 0;
  let hasSheet = false;
  const tooBig = () => new RosterFileError('roster.xlsxTooBig', {}, 413);
  await new Promise<void>((resolve, reject) => {
    zip.on('entry', (entry: yauzl.Entry) => {
      entries += 1;
      total += entry.uncompressedSize;
      if (/^xl\/worksheets\/sheet\d+\.xml$/.test(entry.fileName)) hasSheet = true;
      const ratio = entry.compressedSize > 0 ? entry.uncompressedSize / entry.compressedSize : 0;
      if (entries > XLSX_MAX_ENTRIES || total > XLSX_MAX_UNCOMPRESSED || ratio > XLSX_MAX_RATIO) {
        zip.close();
        reject(tooBig());
        return;
      }
      if (entry.fileName.endsWith('/')) {
        zip.readEntry();
        return;
      }
      // The sizes above are what the archive declares; the bytes actually inflated are counted
      // too (and yauzl stops an entry that inflates past its declared size), stopping at the limit.
      zip.openReadStream(entry, (err, stream) => {
        if (err || !stream) {
          zip.close();
          reject(new RosterFileError('roster.wrongType', {}, 415));
          return;
        }
        stream.on('data', (chunk: Buffer) => {
          inflated += chunk.length;
          if (inflated > XLSX_MAX_UNCOMPRESSED) {
            stream.destroy();
            zip.close();
            reject(tooBig());
          }
        });
        stream.on('error', () => {
          zip.close();
          reject(tooBig());
        });
        stream.on('end', () => zip.readEntry());
      });
    });
    zip.on('end', () => resolve());
    zip.on('error', () => reject(new RosterFileError('roster.wrongType', {}, 415)));
    zip.readEntry();
  });
  if (!hasSheet) throw new RosterFileError('roster.wrongType', {}, 415);
}

async function* xlsxRecords(buffer: Buffer): AsyncGenerator<{ line: number; cells: unknown[] }> {
  await checkZip(buffer);
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(Readable.from([buffer]), { sharedStrings: 'cache', worksheets: 'emit', hyperlinks: 'ignore', styles: 'ignore', entries: 'ignore' });
  try {
    for await (const sheet of reader) {
      for await (const row of sheet as AsyncIterable<ExcelJS.Row>) {
        const values = Array.isArray(row.values) ? (row.values as unknown[]).slice(1) : [];
        yield { line: row.number, cells: values };
      }
      break; // the first sheet only
    }
  } catch (err) {
    if (err instanceof RosterFileError) throw err;
    throw new RosterFileError('roster.unreadableXlsx');
  }
}

/** Reads a roster upload into rows; throws RosterFileError for a file that cannot be used at all. */
export async function readRoster(buffer: Buffer, fileName: string): Promise<RosterRow[]> {
  if (buffer.length === 0) throw new RosterFileError('roster.empty');
  if (buffer.length > ROSTER_MAX_BYTES) throw new RosterFileError('roster.tooBig', { mb: ROSTER_MAX_BYTES / 1024 / 1024 }, 413);
  const isZip = buffer.subarray(0, 4).equals(Buffer.from([0x50, 0x4b, 0x03, 0x04]));
  if (!isZip && /\.xlsx$/i.test(fileName)) throw new RosterFileError('roster.wrongType', {}, 415);
  const rows: RosterRow[] = [];
  for await (const row of toRows(isZip ? xlsxRecords(buffer) : csvRecords(buffer))) rows.push(row);
  return rows;
}
