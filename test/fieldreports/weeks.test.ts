import { currentWeek, isOpen, parseWeek, shiftWeek, weeksEndingWith } from '../../src/fieldreports';

const vn = (iso: string) => new Date(`${iso}+07:00`);

describe('report weeks', () => {
  it('when a label names a real ISO week, should give its Monday in Vietnam time and close the next Monday at noon', () => {
    const w = parseWeek('2026-W48')!;
    expect(w.start.toISOString()).toBe(vn('2026-11-23T00:00:00').toISOString());
    expect(w.lastDay.toISOString()).toBe(vn('2026-11-29T00:00:00').toISOString());
    expect(w.closesAt.toISOString()).toBe(vn('2026-11-30T12:00:00').toISOString());
    expect(currentWeek(vn('2026-11-29T23:59:00')).label).toBe('2026-W48');
    expect(currentWeek(vn('2026-11-30T00:00:00')).label).toBe('2026-W49');
  });

  it('when a label is not a week, should refuse it', () => {
    for (const bad of ['2026-48', '2026-W00', '2026-W54', '2025-W53', 'W48', '', '2026-W4', '1999-W10']) expect(parseWeek(bad)).toBeNull();
    expect(parseWeek('2026-W53')).not.toBeNull(); // 2026 starts on a Thursday: it has 53 weeks
    expect(parseWeek(['2026-W48'])).toBeNull();
  });

  it('when the week has ended, should stay open until Monday 12:00 and close then', () => {
    const w = parseWeek('2026-W48')!;
    expect(isOpen(w, vn('2026-11-22T23:59:59'))).toBe(false); // not started
    expect(isOpen(w, vn('2026-11-23T00:00:00'))).toBe(true);
    expect(isOpen(w, vn('2026-11-30T11:59:59'))).toBe(true);
    expect(isOpen(w, vn('2026-11-30T12:00:00'))).toBe(false);
  });

  it('when shifting across a year end, should follow ISO week numbering', () => {
    expect(shiftWeek(parseWeek('2026-W53')!, 1).label).toBe('2027-W01');
    expect(shiftWeek(parseWeek('2027-W01')!, -1).label).toBe('2026-W53');
    expect(weeksEndingWith(parseWeek('2027-W02')!, 4).map((w) => w.label)).toEqual(['2026-W52', '2026-W53', '2027-W01', '2027-W02']);
  });
});
