/**
 * The week's summary as files for the weekly briefing: CSV (the unit and its children),
 * CSV of the difficulties, XLSX with both and the teams that did not report, and a
 * one-page PDF. Like the compliance exports, a file reads in its reader's words by default
 * (headers and values in their language, weeks as "Tuần 49 (…)", times in Vietnam time) and
 * keeps the snake_case codes with `?format=codes`.
 */
import type { Writable } from 'node:stream';
import { unitName } from '../org';
import { formatWeek } from '../shared/i18n';
import { fileDate, fileWord, fileYesNo, headerOf, openPdf, sheetName, type FileRow, type FileStyle } from '../reports';
import { WORK_KINDS } from './field-report.model';
import type { Figures, WeekSummary } from './summary';

type Row = FileRow;
type T = (key: string, params?: Record<string, string | number>) => string;

export const SUMMARY_COLUMNS = ['week', 'unit_code', 'unit_name', 'level', 'teams', 'teams_reported', 'vneid', 'online_service', 'dossier', 'digitise', 'other', 'people_helped', 'difficulties', 'help_needed'] as const;
export const DIFFICULTY_COLUMNS = ['week', 'province_code', 'commune_code', 'team_code', 'team_name', 'category', 'description', 'help_needed', 'taken_up', 'taken_up_by', 'taken_up_at', 'taken_up_note'] as const;
export const MISSING_COLUMNS = ['week', 'province_code', 'commune_code', 'team_code', 'team_name'] as const;

const figureCells = (f: Figures): Row => [f.teams, f.reported, ...WORK_KINDS.map((k) => f.counts[k]), f.helped, f.difficulties, f.helpNeeded];

/** The week: its ISO label (codes), or "Tuần 49 (30/11–06/12/2026)" (readable). */
const weekCell = (s: WeekSummary, style: FileStyle) => (style.form === 'codes' ? s.week.label : formatWeek(style.locale, s.week));

/** The unit's own total first, then each child unit. */
export function summaryRows(s: WeekSummary, style: FileStyle): Row[] {
  const week = weekCell(s, style);
  const level = (l: string) => fileWord(l, 'org.levels', style);
  return [
    [week, s.unit.code, unitName(s.unit, style.locale), level(s.unit.level), ...figureCells(s.total)],
    ...s.children.map((c) => [week, c.unit.code, unitName(c.unit, style.locale), level(c.unit.level), ...figureCells(c.figures)]),
  ];
}

export function difficultyRows(s: WeekSummary, style: FileStyle): Row[] {
  const week = weekCell(s, style);
  return s.byCategory.flatMap((g) =>
    g.rows.map((r) => [
      week,
      r.province?.code ?? '',
      r.commune?.code ?? '',
      r.team.code,
      unitName(r.team, style.locale),
      fileWord(g.category, 'fieldReports.categories', style),
      r.difficulty.description,
      fileYesNo(Boolean(r.difficulty.helpNeeded), style),
      fileYesNo(Boolean(r.difficulty.takenUpAt), style),
      r.difficulty.takenUpByUsername ?? '',
      fileDate(r.difficulty.takenUpAt, style),
      r.difficulty.takenUpNote ?? '',
    ]),
  );
}

export function missingRows(s: WeekSummary, style: FileStyle): Row[] {
  const week = weekCell(s, style);
  return s.missing.map((m) => [week, m.province?.code ?? '', m.commune?.code ?? '', m.team.code, unitName(m.team, style.locale)]);
}

/** Readable workbooks' column widths (characters), per sheet. */
const WIDTHS = {
  summary: [26, 12, 30, 16, 8, 10, 10, 12, 10, 10, 10, 12, 10, 12],
  difficulties: [26, 10, 12, 12, 26, 20, 40, 10, 10, 18, 17, 30],
  not_reported: [26, 10, 12, 12, 30],
};

/** The week's workbook: the summary, the difficulties and the teams that did not report. */
export function summarySheets(s: WeekSummary, style: FileStyle) {
  const sheet = (code: keyof typeof WIDTHS, table: string, columns: readonly string[], rows: Row[]) => ({
    name: sheetName(code, style),
    header: headerOf(columns, table, style),
    rows,
    widths: style.form === 'readable' ? WIDTHS[code] : undefined,
  });
  return [
    sheet('summary', 'fieldSummary', SUMMARY_COLUMNS, summaryRows(s, style)),
    sheet('difficulties', 'difficulties', DIFFICULTY_COLUMNS, difficultyRows(s, style)),
    sheet('not_reported', 'missing', MISSING_COLUMNS, missingRows(s, style)),
  ];
}

/**
 * One A4 page for the briefing: the totals, the children (as many as fit), the
 * difficulties needing help first, and the teams that did not report.
 */
export async function writeSummaryPdf(out: Writable, s: WeekSummary, t: T, locale: 'vi' | 'en', subtitle: string): Promise<void> {
  const { doc, features, cell, finish } = openPdf(out, t('fieldReports.pdfTitle', { week: formatWeek(locale, s.week), unit: unitName(s.unit, locale) }), subtitle);
  const bottom = doc.page.height - 36;
  const text = (str: string, x: number, y: number, width: number, bold = false, size = 9) => cell(str, x, y, width, { bold, size });
  let y = doc.y + 8;
  const f = s.total;
  text(t('fieldReports.pdfTotals', { reported: f.reported, teams: f.teams, helped: f.helped, difficulties: f.difficulties, help: f.helpNeeded }), 36, y, 770, true, 10);
  y += 18;

  // The table: unit, teams reported, each kind of work, total, difficulties.
  const widths = [190, 80, 70, 80, 70, 70, 60, 70, 80];
  const header = [t('fieldReports.unit'), t('fieldReports.reportedShort'), ...WORK_KINDS.map((k) => t(`fieldReports.kindsShort.${k}`)), t('fieldReports.helpedShort'), t('fieldReports.difficultiesShort')];
  // Units without a team have nothing to report; the centre's 34 provinces fit in small type.
  const children = s.children.filter((c) => c.figures.teams > 0);
  const small = children.length > 16;
  const room = Math.min(children.length, 36);
  const row = (cells: string[], bold: boolean) => {
    let x = 36;
    cells.forEach((c, i) => {
      text(c, x, y, widths[i]! - 4, bold, small ? 7.5 : 8.5);
      x += widths[i]!;
    });
    y += small ? 10 : 12;
  };
  const cells = (name: string, g: Figures) => [name, `${g.reported}/${g.teams}`, ...WORK_KINDS.map((k) => String(g.counts[k])), String(g.helped), `${g.difficulties} (${g.helpNeeded})`];
  row(header, true);
  for (const c of children.slice(0, room)) row(cells(unitName(c.unit, locale), c.figures), false);
  if (children.length > room) row([t('reports.pdfMore', { n: children.length - room }), '', '', '', '', '', '', '', ''], false);
  row(cells(t('fieldReports.total'), f), true);
  y += 8;

  // Difficulties: help needed and not yet taken up first (the summary's order).
  text(t('fieldReports.difficultiesTitle'), 36, y, 770, true, 11);
  y += 16;
  const all = s.byCategory.flatMap((g) => g.rows.map((r) => ({ category: g.category, r })));
  all.sort((a, b) => Number(Boolean(b.r.difficulty.helpNeeded && !b.r.difficulty.takenUpAt)) - Number(Boolean(a.r.difficulty.helpNeeded && !a.r.difficulty.takenUpAt)));
  const reserve = 40; // for the teams that did not report
  let shown = 0;
  for (const { category, r } of all) {
    if (y + 12 > bottom - reserve) break;
    const flags = [r.difficulty.helpNeeded ? t('fieldReports.helpNeeded') : '', r.difficulty.takenUpAt ? t('fieldReports.takenUp') : ''].filter(Boolean).join(' · ');
    text(`${t(`fieldReports.categories.${category}`)} — ${unitName(r.team, locale)}${flags ? ` [${flags}]` : ''}: ${r.difficulty.description}`, 36, y, 770, false, 8.5);
    y += 12;
    shown += 1;
  }
  if (all.length === 0) {
    text(t('fieldReports.noDifficulties'), 36, y, 770, false, 8.5);
    y += 12;
  } else if (shown < all.length) {
    text(t('reports.pdfMore', { n: all.length - shown }), 36, y, 770, false, 8.5);
    y += 12;
  }
  y += 8;
  const names = s.missing.map((m) => unitName(m.team, locale)).join(', ');
  text(t('fieldReports.missingTitle', { n: s.missing.length }), 36, Math.min(y, bottom - 28), 770, true, 10);
  if (names) doc.font('r').fontSize(8.5).text(names, 36, Math.min(y, bottom - 28) + 14, { width: 770, height: 14, lineBreak: false, ellipsis: true, features });
  await finish();
}
