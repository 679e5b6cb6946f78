/** A small server-rendered SVG line chart of compliance % by week (no script, no library). */
import type { Figures } from './rollup.model';
import { percent } from './rollup.model';
import { dayText, weekStartOf } from '../shared/dates';

/** An axis label: the week's first day (30/11), short enough for a phone. */
const shortWeek = (label: string) => dayText(weekStartOf(label)).slice(0, 5) || label;
const esc = (s: string) => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);

export function trendSvg(points: ({ week: string } & Figures)[], label: string, weekLabel: (week: string) => string = (w) => w): string {
  const W = 320;
  const H = 140;
  const pad = { l: 30, r: 8, t: 10, b: 24 };
  const n = points.length;
  const x = (i: number) => pad.l + (n <= 1 ? (W - pad.l - pad.r) / 2 : (i * (W - pad.l - pad.r)) / (n - 1));
  const y = (pct: number) => pad.t + ((100 - pct) * (H - pad.t - pad.b)) / 100;
  const grid = [0, 50, 100].map((p) => `<line x1="${pad.l}" x2="${W - pad.r}" y1="${y(p)}" y2="${y(p)}" stroke="#d8dee6"/><text x="${pad.l - 4}" y="${y(p) + 4}" font-size="10" text-anchor="end" fill="#5a6470">${p}%</text>`).join('');
  const coords = points.map((p, i) => `${x(i).toFixed(1)},${y(percent(p)).toFixed(1)}`);
  const line = n > 1 ? `<polyline fill="none" stroke="#1e7a3c" stroke-width="2.5" points="${coords.join(' ')}"/>` : '';
  const dots = points.map((p, i) => `<circle cx="${x(i).toFixed(1)}" cy="${y(percent(p)).toFixed(1)}" r="3" fill="#1e7a3c"><title>${esc(weekLabel(p.week))}: ${percent(p)}%</title></circle>`).join('');
  const first = n ? `<text x="${x(0)}" y="${H - 6}" font-size="10" fill="#5a6470">${esc(shortWeek(points[0]!.week))}</text>` : '';
  const last = n > 1 ? `<text x="${x(n - 1)}" y="${H - 6}" font-size="10" text-anchor="end" fill="#5a6470">${esc(shortWeek(points[n - 1]!.week))}</text>` : '';
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" role="img" aria-label="${esc(label)}" class="trend">${grid}${line}${dots}${first}${last}</svg>`;
}

/** A small server-rendered SVG bar chart (e.g. people helped by week); each bar has its value on top. */
export function barChartSvg(bars: { label: string; value: number; title: string }[], label: string): string {
  const W = 320;
  const H = 140;
  const pad = { l: 8, r: 8, t: 16, b: 24 };
  const n = Math.max(bars.length, 1);
  const max = Math.max(1, ...bars.map((b) => b.value));
  const slot = (W - pad.l - pad.r) / n;
  const height = (v: number) => ((H - pad.t - pad.b) * v) / max;
  const body = bars
    .map((b, i) => {
      const x = pad.l + i * slot + slot * 0.15;
      const h = height(b.value);
      const y = H - pad.b - h;
      return (
        `<rect x="${x.toFixed(1)}" y="${y.toFixed(1)}" width="${(slot * 0.7).toFixed(1)}" height="${Math.max(h, 1).toFixed(1)}" fill="#1e7a3c"><title>${esc(b.title)}</title></rect>` +
        `<text x="${(x + slot * 0.35).toFixed(1)}" y="${(y - 3).toFixed(1)}" font-size="9" text-anchor="middle" fill="#1b2430">${b.value}</text>` +
        `<text x="${(x + slot * 0.35).toFixed(1)}" y="${H - 8}" font-size="9" text-anchor="middle" fill="#5a6470">${esc(b.label)}</text>`
      );
    })
    .join('');
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" role="img" aria-label="${esc(label)}" class="trend"><line x1="${pad.l}" x2="${W - pad.r}" y1="${H - pad.b}" y2="${H - pad.b}" stroke="#d8dee6"/>${body}</svg>`;
}
