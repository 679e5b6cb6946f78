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
import { foldForSearch, normalizeName } from '../shared/text';

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

type RosterField = keyof Omit<RosterRow, 'line' | 'unreadable'>;

/**
 * The columns of a roster and the headings accepted for each, as officials write them: the
 * contract's names (English and Vietnamese codes) and the usual Vietnamese headings. A
 * heading is compared folded (any case, with or without diacritics, spaces, `_`, `.` and
 * `-` ignored), so "Họ và tên", "HO VA TEN" and "ho_va_ten" are the same heading.
 * `heading` is the one the template uses; the page lists them all.
 */
export const ROSTER_COLUMNS: readonly { field: RosterField; code: string; heading: string; names: readonly string[]; required: boolean; example: string }[] = [
  { field: 'fullName', code: 'full_name', heading: 'Họ và tên', names: ['Họ và tên', 'Họ tên', 'ho_ten', 'full_name'], required: true, example: 'Nguyễn Thị Hoa' },
  { field: 'username', code: 'username', heading: 'Tên đăng nhập', names: ['Tên đăng nhập', 'ten_dang_nhap', 'username'], required: true, example: 'nguyen.hoa' },
  { field: 'unitCode', code: 'unit_code', heading: 'Mã đơn vị', names: ['Mã đơn vị', 'Mã ĐV', 'ma_don_vi', 'unit_code'], required: true, example: 'T-HN' },
  { field: 'phone', code: 'phone', heading: 'Số điện thoại', names: ['Số điện thoại', 'SĐT', 'Điện thoại', 'so_dien_thoai', 'phone'], required: false, example: '0912345678' },
  { field: 'role', code: 'role', heading: 'Vai trò', names: ['Vai trò', 'vai_tro', 'role'], required: false, example: 'tình nguyện viên' },
  { field: 'trainerUsername', code: 'trainer_username', heading: 'Người tập huấn', names: ['Người tập huấn', 'nguoi_tap_huan', 'trainer_username'], required: false, example: '' },
];

/** A heading folded for comparison: "  Họ  và Tên " → "hovaten", "SĐT" → "sdt", "full_name" → "fullname". */
export function foldHeading(cell: string): string {
  return foldForSearch(cell.replace(/^\uFEFF/, '')).replace(/[\s_.\-:*()]/g, '');
}

/** Folded heading → column (a Map: a heading such as `__proto__` is just an unknown heading). */
const HEADINGS = new Map<string, RosterField>(ROSTER_COLUMNS.flatMap((c) => c.names.map((n) => [foldHeading(n), c.field] as const)));

function headerKey(cell: string): RosterField | undefined {
  return HEADINGS.get(foldHeading(cell));
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
  let columns: (RosterField | undefined)[] | null = null;
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
      const missing = ROSTER_COLUMNS.filter((c) => c.required && !columns!.includes(c.field));
      // the codes of the missing columns; the page names them in the reader's language (missingColumnsText)
      if (missing.length > 0) throw new RosterFileError('roster.missingColumns', { n: missing.length, columns: missing.map((c) => c.code).join(', ') });
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
