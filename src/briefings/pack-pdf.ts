/**
 * The pack's one PDF: A4 portrait with the union's title block, the unit's compliance against
 * 100% (the reports' own briefing block), the trend of the weekly snapshots, each child unit
 * and those furthest behind (the reports' tables), the field reports of the week just ended
 * with the difficulties that still wait for help, and the signature block. The detail (every
 * difficulty, the teams that did not report) is in the pack's XLSX; the PDF names the first
 * DIFFICULTIES_SHOWN waiting ones so that a national pack stays a few pages.
 */
import type { Writable } from 'node:stream';
import type { Locale } from '../config';
import { unitName } from '../org';
import type { WeekSummary } from '../fieldreports';
import { childrenSections, complianceBlock, percent, PDF_MUTED, PrintedDoc, type Briefing, type Figures } from '../reports';
import { dateTimeText, dayText, weekStartOf } from '../shared/dates';
import { formatWeek, translator, type TranslateFn } from '../shared/i18n';

/** How many waiting difficulties the PDF lists (all are in the XLSX). */
export const DIFFICULTIES_SHOWN = 40;

export interface PackContent {
  /** The ISO week the pack is for (its Monday). */
  week: string;
  briefing: Briefing;
  /** The unit's weekly snapshots, oldest first. */
  trend: ({ week: string } & Figures)[];
  /** The field reports of the week just ended. */
  summary: WeekSummary;
  /** When the pack was prepared. */
  now: Date;
}

export async function writePackPdf(out: Writable, c: PackContent, locale: Locale): Promise<void> {
  const t = translator(locale);
  const p = new PrintedDoc(out, t, locale);
  const { briefing: b } = c;
  const lines = [t('briefings.pdf.subtitle', { week: formatWeek(locale, c.week) }), t('exports.briefing.courses'), ...(b.builtAt ? [t('exports.briefing.figuresAt', { when: dateTimeText(b.builtAt) })] : [])];
  p.titleBlock(b.unit, t('briefings.pdf.title'), lines, c.now);
  p.heading(t('briefings.pdf.complianceTitle'));
  complianceBlock(p, b, t);
  trendChart(p, c.trend, t);
  childrenSections(p, b, t, locale);
  fieldSection(p, c.summary, t, locale);
  p.signatures(b.unit, c.now);
  await p.finish();
}

/** Compliance % by week from the weekly snapshots: a line over a 0–100% grid, each point with its value. */
function trendChart(p: PrintedDoc, trend: ({ week: string } & Figures)[], t: TranslateFn): void {
  const { doc, left, width } = p;
  p.heading(t('briefings.pdf.trendTitle'), 150);
  if (trend.length === 0) {
    p.paragraph(t('briefings.pdf.noTrend'), { size: 9.5, gap: 14 });
    return;
  }
  const box = { x: left + 34, y: p.y + 8, w: width - 50, h: 110 };
  const x = (i: number) => box.x + (trend.length === 1 ? box.w / 2 : (i * box.w) / (trend.length - 1));
  const y = (pct: number) => box.y + ((100 - pct) * box.h) / 100;
  for (const g of [0, 50, 100]) {
    doc.save().moveTo(box.x, y(g)).lineTo(box.x + box.w, y(g)).lineWidth(0.4).stroke('#d8dee6').restore();
    p.write(`${g}%`, left, y(g) - 5, 30, { size: 7.5, color: PDF_MUTED, align: 'right' });
  }
  if (trend.length > 1) {
    doc.save().moveTo(x(0), y(percent(trend[0]!)));
    trend.forEach((s, i) => i > 0 && doc.lineTo(x(i), y(percent(s))));
    doc.lineWidth(2).stroke('#1e7a3c').restore();
  }
  trend.forEach((s, i) => {
    doc.save().circle(x(i), y(percent(s)), 2.5).fill('#1e7a3c').restore();
    p.write(`${percent(s)}%`, x(i) - 20, y(percent(s)) - 13, 40, { size: 7, align: 'center' });
    p.write(dayText(weekStartOf(s.week)).slice(0, 5), x(i) - 20, box.y + box.h + 4, 40, { size: 7, color: PDF_MUTED, align: 'center' });
  });
  p.y = box.y + box.h + 16;
  p.y += p.write(t('briefings.pdf.trendCaption'), left, p.y, width, { size: 8, color: PDF_MUTED }) + 16;
}

/** The week just ended in the field: totals, each child unit, the difficulties still waiting for help, who did not report. */
function fieldSection(p: PrintedDoc, s: WeekSummary, t: TranslateFn, locale: Locale): void {
  const f = s.total;
  const name = (u: { nameVi: string; nameEn: string }) => unitName(u, locale);
  p.heading(t('briefings.pdf.fieldTitle', { week: formatWeek(locale, s.week) }));
  p.paragraph(t('fieldReports.pdfTotals', { reported: f.reported, teams: f.teams, helped: f.helped, difficulties: f.difficulties, help: f.helpNeeded }), { bold: true, size: 10, gap: 8 });
  const children = s.children.filter((c) => c.figures.teams > 0);
  if (children.length > 0) {
    const cols = [
      { header: t('briefings.pdf.unitCol'), width: p.width - 240 },
      { header: t('fieldReports.reportedShort'), width: 70, align: 'right' as const },
      { header: t('fieldReports.helpedShort'), width: 80, align: 'right' as const },
      { header: t('briefings.pdf.helpCol'), width: 90, align: 'right' as const },
    ];
    const rows = children.map((c, i) => ({
      cells: [[{ text: name(c.unit) }, { text: c.unit.code, size: 8, color: PDF_MUTED }], `${c.figures.reported}/${c.figures.teams}`, String(c.figures.helped), `${c.figures.difficulties} (${c.figures.helpNeeded})`],
      shade: i % 2 === 1,
    }));
    p.table(cols, rows, t('briefings.pdf.continued', { what: t('briefings.pdf.fieldChildren') }), [{ text: t('briefings.pdf.fieldChildren'), bold: true, size: 10, gap: 4 }]);
    p.y += 12;
  }
  waitingDifficulties(p, s, t, name);
  p.paragraph(t('briefings.pdf.missing', { n: s.missing.length, teams: f.teams }), { size: 9.5, gap: 16 });
}

/** The difficulties whose team asked for help and nobody took up yet, the first DIFFICULTIES_SHOWN. */
function waitingDifficulties(p: PrintedDoc, s: WeekSummary, t: TranslateFn, name: (u: { nameVi: string; nameEn: string }) => string): void {
  const waiting = s.byCategory.flatMap((g) => g.rows.filter((r) => r.difficulty.helpNeeded && !r.difficulty.takenUpAt).map((r) => ({ ...r, category: g.category })));
  const title = t('briefings.pdf.waitingTitle', { n: waiting.length });
  if (waiting.length === 0) {
    p.heading(title, 20);
    p.paragraph(t('briefings.pdf.noneWaiting'), { size: 9.5, gap: 12 });
    return;
  }
  const place = (r: (typeof waiting)[number]) => [r.commune, r.province].filter((u): u is NonNullable<typeof u> => Boolean(u) && String(u!._id) !== String(s.unit._id)).map((u) => ({ text: name(u), size: 8, color: PDF_MUTED }));
  p.table(
    [
      { header: t('briefings.pdf.teamCol'), width: 150 },
      { header: t('briefings.pdf.categoryCol'), width: 110 },
      { header: t('briefings.pdf.descriptionCol'), width: p.width - 260 },
    ],
    waiting.slice(0, DIFFICULTIES_SHOWN).map((r, i) => ({ cells: [[{ text: name(r.team), bold: true }, ...place(r)], t(`fieldReports.categories.${r.category}`), r.difficulty.description], shade: i % 2 === 1 })),
    t('briefings.pdf.continued', { what: title }),
    [PrintedDoc.heading(title)],
  );
  p.y += 6;
  if (waiting.length > DIFFICULTIES_SHOWN) p.paragraph(t('briefings.pdf.moreInXlsx', { n: waiting.length - DIFFICULTIES_SHOWN }), { size: 9, color: PDF_MUTED });
  p.y += 8;
}
