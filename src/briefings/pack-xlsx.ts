/**
 * The pack's workbook, the detail behind the PDF, in the reader's words (the readable form
 * of the app's files): the unit and each child unit with their figures (the dashboard's
 * roll-up file), the weekly snapshots, then the field reports' week as the field summary
 * file has it (each child unit, every difficulty, the teams that did not report).
 */
import type { Writable } from 'node:stream';
import type { Locale } from '../config';
import { summarySheets } from '../fieldreports';
import { headerOf, percent, rollupCells, ROLLUP_COLUMNS, sheetName, writeXlsxSheets, type FileStyle } from '../reports';
import { formatWeek, translate } from '../shared/i18n';
import type { PackContent } from './pack-pdf';

const ROLLUP_WIDTHS = [12, 36, 18, 10, 16, 16, 14, 12];
const TREND_WIDTHS = [30, 12, 14, 12];

export async function writePackXlsx(out: Writable, c: PackContent, locale: Locale): Promise<void> {
  const style: FileStyle = { form: 'readable', locale, xlsx: true };
  const b = c.briefing;
  const trendHeader = ['week', 'people', 'compliant', 'pct'].map((k) => translate(locale, `briefings.xlsx.${k}`));
  await writeXlsxSheets(out, [
    { name: sheetName('rollup', style), header: headerOf(ROLLUP_COLUMNS, 'rollup', style), rows: [{ unit: b.unit, figures: b.total }, ...b.children].map((r) => rollupCells(r, style)), widths: ROLLUP_WIDTHS },
    { name: translate(locale, 'briefings.xlsx.trendSheet'), header: trendHeader, rows: c.trend.map((s) => [formatWeek(locale, s.week), s.people, s.compliant, percent(s)]), widths: TREND_WIDTHS },
    ...summarySheets(c.summary, style),
  ]);
}
