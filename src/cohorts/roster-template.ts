/**
 * The roster template a trainer downloads: the first sheet has the Vietnamese headings
 * officials use and an example row, the second sheet says how to fill it in.
 */
import ExcelJS from 'exceljs';
import type { TranslateFn } from '../shared/i18n';
import { ROSTER_COLUMNS, ROSTER_MAX_ROWS } from './roster-file';

/** "Full name" (Họ và tên, Họ tên, ho_ten, full_name): a column as the reader calls it, with the headings accepted for it. */
export function columnText(t: TranslateFn, code: string): string {
  const column = ROSTER_COLUMNS.find((c) => c.code === code);
  return column ? `"${t(`roster.columns.${code}`)}" (${column.names.join(', ')})` : code;
}

/** The text of a missing-columns refusal: its codes named in the reader's language. */
export function missingColumnsText(t: TranslateFn, codes: string): string {
  const list = codes.split(', ');
  return t('roster.missingColumns', { n: list.length, columns: list.map((c) => columnText(t, c)).join('; ') });
}

export async function rosterTemplate(t: TranslateFn): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const list = wb.addWorksheet(t('roster.template.listSheet'));
  list.columns = ROSTER_COLUMNS.map((c) => ({ header: c.heading, key: c.code, width: Math.max(18, c.heading.length + 4) }));
  list.getRow(1).font = { bold: true };
  list.addRow(Object.fromEntries(ROSTER_COLUMNS.map((c) => [c.code, c.example])));
  // codes and phone numbers are text (a leading 0 kept)
  for (const code of ['unit_code', 'phone', 'username']) list.getColumn(code).numFmt = '@';
  list.views = [{ state: 'frozen', ySplit: 1 }];

  const help = wb.addWorksheet(t('roster.template.helpSheet'));
  help.columns = [
    { header: t('roster.template.column'), width: 22 },
    { header: t('roster.template.required'), width: 14 },
    { header: t('roster.template.accepted'), width: 44 },
    { header: t('roster.template.meaning'), width: 70 },
  ];
  help.getRow(1).font = { bold: true };
  for (const c of ROSTER_COLUMNS) {
    help.addRow([c.heading, t(c.required ? 'roster.template.yes' : 'roster.template.no'), c.names.join(', '), t(`roster.columnHelp.${c.code}`)]);
  }
  help.addRow([]);
  for (const key of ['rule1', 'rule2', 'rule3', 'rule4']) help.addRow([t(`roster.template.${key}`, { max: ROSTER_MAX_ROWS })]);
  help.getColumn(4).alignment = { wrapText: true, vertical: 'top' };
  help.getColumn(3).alignment = { wrapText: true, vertical: 'top' };
  return Buffer.from(await wb.xlsx.writeBuffer());
}
