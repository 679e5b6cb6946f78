import { Rollup, Snapshot, takeWeeklySnapshot, trendOf, trendSvg, weekOf } from '../../src/reports';
import { useTestDatabase } from '../helpers/db';
import { createTree, createUser } from '../helpers/factories';

useTestDatabase(__filename);

describe('weeks in Vietnam', () => {
  it.each([
    ['2026-11-22T16:59:59Z', '2026-W47'], // Sunday 23:59:59 in Vietnam
    ['2026-11-22T17:00:00Z', '2026-W48'], // Monday 00:00 in Vietnam
    ['2026-11-25T09:00:00Z', '2026-W48'],
    ['2027-01-01T00:00:00Z', '2026-W53'],
    ['2026-01-01T00:00:00Z', '2026-W01'],
  ])('%s is in week %s', (iso, label) => {
    expect(weekOf(new Date(iso)).label).toBe(label);
  });

  it('the week starts on Monday 00:00 in Vietnam', () => {
    expect(weekOf(new Date('2026-11-25T09:00:00Z')).monday.toISOString()).toBe('2026-11-22T17:00:00.000Z');
  });
});

describe('weekly snapshot', () => {
  it('with two schedulers at once, should be taken exactly once, and feed the trend', async () => {
    await createTree();
    await createUser('volunteer', 'T-HN');
    const now = new Date('2026-11-23T00:05:00+07:00');
    const results = await Promise.all([takeWeeklySnapshot(now), takeWeeklySnapshot(now)]);
    expect(results.filter(Boolean)).toHaveLength(1);
    // every unit's and cascade's figures (not a cascade's levels, nor the generation marker)
    const trended = (await Rollup.find({}).lean()).filter((r) => /^(unit|trainer):/.test(r.key));
    expect(trended.length).toBeGreaterThan(0);
    expect(await Snapshot.countDocuments({ week: '2026-W48' })).toBe(trended.length);
    expect(await takeWeeklySnapshot(new Date('2026-11-26T10:00:00+07:00'))).toBe(false);
    await takeWeeklySnapshot(new Date('2026-11-30T00:01:00+07:00'));
    const key = trended[0]!.key;
    const trend = await trendOf(key);
    expect(trend.map((t) => t.week)).toEqual(['2026-W48', '2026-W49']);
    const svg = trendSvg(trend, 'Tỷ lệ');
    expect(svg).toMatch(/^<svg [^>]*role="img" aria-label="Tỷ lệ"/);
    expect(svg).toContain('<polyline');
  });
});
