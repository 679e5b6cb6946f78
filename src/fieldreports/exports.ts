/**
 * The week's summary as files for the weekly briefing: CSV (the unit and its children),
 * CSV of the difficulties, XLSX with both and the teams that did not report, and a
 * printable PDF. Like the compliance exports, a file reads in its reader's words by default
 * (headers and values in their language, weeks as "Tuần 49 (…)", times in Vietnam time) and
 * keeps the snake_case codes with `?format=codes`.
 */
import type { Writable } from 'node:stream';
import { unitName } from '../org';
import { formatWeek } from '../shared/i18n';
import { fileDate, fileWord, fileYesNo, headerOf, PDF_MUTED, PrintedDoc, sheetName, type FileRow, type FileStyle, type PdfCell } from '../reports';
import { dateTimeText } from '../shared/dates';
import { WORK_KINDS, type DifficultyDoc } from './field-report.model';
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
 * The week as a document a province prints for its briefing: A4 portrait with the title
 * block, the week's totals by kind of work, each child unit's figures, the difficulties by
 * category (help needed and not yet taken up first) with who took each up, the teams that
 * did not report, and the signature block. Every name and description wraps; tables go on
 * over pages under their header again.
 */
export async function writeSummaryPdf(out: Writable, s: WeekSummary, t: T, locale: 'vi' | 'en', now = new Date()): Promise<void> {
  const p = new PrintedDoc(out, t, locale);
  const name = (u: { nameVi: string; nameEn: string }) => unitName(u, locale);
  const muted = (text: string) => ({ text, size: 8, color: PDF_MUTED });
  const above = new Set([String(s.unit._id), ...s.unit.lineage.map(String)]);
  const placeOf = (...units: ({ _id: unknown; nameVi: string; nameEn: string } | undefined)[]) =>
    units.filter((u): u is NonNullable<typeof u> => Boolean(u) && !above.has(String(u!._id))).map((u) => muted(name(u)));
  const ctx: SummaryPdf = { p, s, t, locale, name, muted, placeOf };
  p.titleBlock(s.unit, t('fieldReports.pdf.heading'), [t('fieldReports.pdfTitle', { week: formatWeek(locale, s.week), unit: name(s.unit) })], now);
  totalsTable(ctx);
  childrenTable(ctx);
  difficultiesTables(ctx);
  missingTable(ctx);
  p.signatures(s.unit, now);
  await p.finish();
}

/** What each part of the summary PDF draws with: the document, the week and the shared cell helpers. */
interface SummaryPdf {
  p: PrintedDoc;
  s: WeekSummary;
  t: T;
  locale: 'vi' | 'en';
  name: (u: { nameVi: string; nameEn: string }) => string;
  muted: (text: string) => { text: string; size: number; color: string };
  /** the places of a team below the summary's unit (the unit itself and those above go without saying) */
  placeOf: (...units: ({ _id: unknown; nameVi: string; nameEn: string } | undefined)[]) => { text: string; size: number; color: string }[];
}

/** The week's totals: teams reported, people helped by kind of work. */
function totalsTable({ p, s, t }: SummaryPdf): void {
  const f = s.total;
  const totalsTitle = t('fieldReports.pdf.totalsTitle');
  p.table(
    [
      { header: t('fieldReports.pdf.kindCol'), width: p.width - 130 },
      { header: t('fieldReports.pdf.peopleCol'), width: 130, align: 'right' },
    ],
    [...WORK_KINDS.map((k) => ({ cells: [t(`fieldReports.kinds.${k}`), String(f.counts[k])] })), { cells: [t('fieldReports.total'), String(f.helped)], bold: true }],
    t('fieldReports.pdf.continued', { what: totalsTitle }),
    [PrintedDoc.heading(totalsTitle), { text: t('fieldReports.pdfTotals', { reported: f.reported, teams: f.teams, helped: f.helped, difficulties: f.difficulties, help: f.helpNeeded }), bold: true, size: 10.5, gap: 8 }],
  );
  p.y += 16;
}

/** Each child unit with teams (a unit without a team has nothing to report). */
function childrenTable({ p, s, t, name, muted }: SummaryPdf): void {
  const f = s.total;
  const children = s.children.filter((c) => c.figures.teams > 0);
  if (children.length === 0) return;
  const title = t('fieldReports.pdf.childrenTitle');
  // The figures' columns as narrow as their headers' longest words allow; the unit's name takes the rest.
  const narrow = [
    { header: t('fieldReports.reportedShort'), width: 0, align: 'right' as const },
    ...WORK_KINDS.map((k) => ({ header: t(`fieldReports.kindsShort.${k}`), width: 0, align: 'right' as const })),
    { header: t('fieldReports.helpedShort'), width: 0, align: 'right' as const },
    { header: t('fieldReports.pdf.difficultiesCol'), width: 0, align: 'right' as const },
  ].map((c) => ({ ...c, width: p.columnFor(c.header, 42) }));
  const columns = [{ header: t('fieldReports.pdf.unitCol'), width: p.width - narrow.reduce((n, c) => n + c.width, 0) }, ...narrow];
  const figures = (g: Figures) => [`${g.reported}/${g.teams}`, ...WORK_KINDS.map((k) => String(g.counts[k])), String(g.helped), `${g.difficulties} (${g.helpNeeded})`];
  p.table(
    columns,
    [
      ...children.map((c, i) => ({ cells: [[{ text: name(c.unit) }, muted(c.unit.code)], ...figures(c.figures)], shade: i % 2 === 1 })),
      { cells: [t('fieldReports.total'), ...figures(f)], bold: true },
    ],
    t('fieldReports.pdf.continued', { what: `${name(s.unit)}: ${title}` }),
    [PrintedDoc.heading(title)],
  );
  p.y += 16;
}

/** The difficulties by category, help needed and not yet taken up first (the summary's order). */
function difficultiesTables({ p, s, t, locale, name, placeOf }: SummaryPdf): void {
  const difficultiesTitle = t('fieldReports.difficultiesTitle');
  if (s.byCategory.length === 0) {
    p.heading(difficultiesTitle);
    p.paragraph(t('fieldReports.noDifficulties'), { size: 9.5 });
  }
  const waiting = (d: DifficultyDoc) => Boolean(d.helpNeeded && !d.takenUpAt);
  s.byCategory.forEach((g, i) => {
    const category = t(`fieldReports.categories.${g.category}`);
    const line = { text: t('fieldReports.pdf.category', { category, n: g.rows.length, waiting: g.rows.filter((r) => waiting(r.difficulty)).length }), bold: true, size: 10 };
    p.table(
      [
        { header: t('fieldReports.pdf.teamCol'), width: 150 },
        { header: t('fieldReports.pdf.descriptionCol'), width: p.width - 320 },
        { header: t('fieldReports.pdf.takeUpCol'), width: 170 },
      ],
      [...g.rows].sort((a, b) => Number(waiting(b.difficulty)) - Number(waiting(a.difficulty))).map((r) => ({
        cells: [[{ text: name(r.team), bold: true }, ...placeOf(r.commune, r.province)], r.difficulty.description, takeUpCell(r.difficulty, t, locale)],
        shade: waiting(r.difficulty),
      })),
      t('fieldReports.pdf.continued', { what: category }),
      i === 0 ? [PrintedDoc.heading(difficultiesTitle), line] : [line],
    );
    p.y += 12;
  });
  p.y += 4;
}

/** The teams that did not report. */
function missingTable({ p, s, t, name, muted, placeOf }: SummaryPdf): void {
  const missingTitle = t('fieldReports.missingTitle', { n: s.missing.length });
  if (s.missing.length === 0) {
    p.heading(missingTitle);
    p.paragraph(t('fieldReports.noneMissing'), { size: 9.5 });
  } else {
    p.table(
      [
        { header: t('fieldReports.pdf.missingTeamCol'), width: 220 },
        { header: t('fieldReports.pdf.missingPlaceCol'), width: p.width - 220 },
      ],
      s.missing.map((m, i) => ({ cells: [[{ text: name(m.team) }, muted(m.team.code)], placeOf(m.commune, m.province).map((x) => ({ text: x.text }))], shade: i % 2 === 1 })),
      t('fieldReports.pdf.continued', { what: missingTitle }),
      [PrintedDoc.heading(missingTitle)],
    );
  }
  p.y += 20;
}

/** Whether help was asked for, and who took the difficulty up (name and post when kept, the username on older take-ups), when, with their note. */
function takeUpCell(d: DifficultyDoc, t: T, locale: 'vi' | 'en'): PdfCell {
  if (!d.takenUpAt) return d.helpNeeded ? [{ text: t('fieldReports.pdf.waiting'), bold: true, color: '#9a2a00' }] : [{ text: t('fieldReports.pdf.notAsked'), color: PDF_MUTED }];
  const who = d.takenUpByFullName || d.takenUpByUsername || '';
  const post = [d.takenUpByRole ? t(`roles.${d.takenUpByRole}`) : '', d.takenUpByUnit ? unitName(d.takenUpByUnit, locale) : ''].filter(Boolean).join(' · ');
  const when = dateTimeText(d.takenUpAt);
  return [
    ...(d.helpNeeded ? [{ text: t('fieldReports.helpNeeded'), color: PDF_MUTED, size: 8 }] : []),
    { text: t('fieldReports.takenUp'), bold: true },
    { text: post ? t('fieldReports.takenUpByPost', { who, post, when }) : t('fieldReports.takenUpBy', { who, when }) },
    ...(d.takenUpNote ? [{ text: t('fieldReports.pdf.takenUpNote', { note: d.takenUpNote }) }] : []),
  ];
}
