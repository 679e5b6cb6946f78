import { takeWeeklySnapshot, trendOf, trendSvg, weekOf } from '../../src/reports';
import { Rollup } from '../../src/reports/rollup.model';
import { CLAIM_LEASE_MS, Snapshot, SnapshotRun } from '../../src/reports/snapshot';
import { findUnitByCode } from '../../src/org';
import { useTestDatabase } from '../helpers/db';
import { createTree, createUser } from '../helpers/factories';
import { freshPlace } from '../helpers/reports-fixtures';

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

/**
 * The unit and cascade roll-ups of the build made at `builtAt` (a snapshot copies the build it
 * makes). The tests' runs are dated in several weeks, in whatever order they run: a build older
 * than one already stored leaves that one in place, so only the build's own date picks its roll-ups.
 */
async function trendedOf(builtAt: Date): Promise<string[]> {
  return (await Rollup.find({ builtAt }).lean()).map((r) => r.key).filter((key) => /^(unit|trainer):/.test(key));
}

describe('weekly snapshot', () => {
  it('with two schedulers at once, should be taken exactly once, and feed the trend', async () => {
    // a team of this test's own: no snapshot of another test's week has its figures
    const place = await freshPlace();
    await createUser('volunteer', place.team);
    const now = new Date('2026-11-23T00:05:00+07:00');
    const results = await Promise.all([takeWeeklySnapshot(now), takeWeeklySnapshot(now)]);
    expect(results.filter(Boolean)).toHaveLength(1);
    // every unit's and cascade's figures of the build the snapshot took (not a cascade's levels, nor the generation marker)
    const trended = await trendedOf(now);
    expect(trended.length).toBeGreaterThan(0);
    expect(await Snapshot.countDocuments({ week: '2026-W48' })).toBe(trended.length);
    expect(await takeWeeklySnapshot(new Date('2026-11-26T10:00:00+07:00'))).toBe(false);
    await takeWeeklySnapshot(new Date('2026-11-30T00:01:00+07:00'));
    const key = `unit:${(await findUnitByCode(place.team))!._id}`;
    expect(trended).toContain(key);
    const trend = await trendOf(key);
    expect(trend.map((t) => t.week)).toEqual(['2026-W48', '2026-W49']);
    const svg = trendSvg(trend, 'Tỷ lệ');
    expect(svg).toMatch(/^<svg [^>]*role="img" aria-label="Tỷ lệ"/);
    expect(svg).toContain('<polyline');
  });
});

describe('a weekly snapshot that fails', () => {
  const trendedCount = async (builtAt: Date) => (await trendedOf(builtAt)).length;

  /** The next insert of snapshot rows writes half of them, then the store goes away. */
  function failHalfWay(): jest.SpyInstance {
    const real = Snapshot.insertMany.bind(Snapshot) as (docs: object[], opts: object) => Promise<unknown>;
    return jest.spyOn(Snapshot, 'insertMany').mockImplementationOnce((async (docs: object[], opts: object) => {
      await real(docs.slice(0, Math.ceil(docs.length / 2)), opts);
      throw new Error('the store went away');
    }) as never);
  }

  beforeAll(async () => {
    await createTree();
    await createUser('volunteer', 'T-CB');
  });

  it('when a run throws half-way, should be retried by the next tick and completed exactly once', async () => {
    const spy = failHalfWay();
    const failedAt = new Date('2026-12-07T00:05:00+07:00');
    await expect(takeWeeklySnapshot(failedAt)).rejects.toThrow('the store went away');
    spy.mockRestore();
    const half = await Snapshot.countDocuments({ week: '2026-W50' });
    expect(half).toBeGreaterThan(0);
    const all = await trendedCount(failedAt);
    expect(half).toBeLessThan(all);
    expect(await takeWeeklySnapshot(new Date('2026-12-07T00:10:00+07:00'))).toBe(true);
    expect(await Snapshot.countDocuments({ week: '2026-W50' })).toBe(all);
    expect(await takeWeeklySnapshot(new Date('2026-12-07T00:15:00+07:00'))).toBe(false);
    expect(await SnapshotRun.findOne({ week: '2026-W50' }).lean()).toMatchObject({ state: 'done' });
  });

  it('when two processes retry a failed run at once, should write one set of snapshots', async () => {
    const spy = failHalfWay();
    await expect(takeWeeklySnapshot(new Date('2026-12-14T00:05:00+07:00'))).rejects.toThrow('the store went away');
    spy.mockRestore();
    const at = new Date('2026-12-14T00:10:00+07:00');
    const results = await Promise.all([takeWeeklySnapshot(at), takeWeeklySnapshot(at)]);
    expect(results.filter(Boolean)).toHaveLength(1);
    expect(await Snapshot.countDocuments({ week: '2026-W51' })).toBe(await trendedCount(at));
  });

  it('when the process that claimed the week stopped mid-run, should be taken over once its claim is older than the lease', async () => {
    const claimedAt = new Date('2026-12-21T00:05:00+07:00');
    await SnapshotRun.create({ week: '2026-W52', at: claimedAt, state: 'running' }); // and the process died
    expect(await takeWeeklySnapshot(new Date(claimedAt.getTime() + CLAIM_LEASE_MS - 60_000))).toBe(false);
    expect(await Snapshot.countDocuments({ week: '2026-W52' })).toBe(0);
    const later = new Date(claimedAt.getTime() + CLAIM_LEASE_MS + 60_000);
    const results = await Promise.all([takeWeeklySnapshot(later), takeWeeklySnapshot(later)]);
    expect(results.filter(Boolean)).toHaveLength(1);
    expect(await Snapshot.countDocuments({ week: '2026-W52' })).toBe(await trendedCount(later));
  });

  it('when a run was recorded before runs had a state, should count it as done', async () => {
    await SnapshotRun.create({ week: '2026-W53', at: new Date('2026-12-28T00:05:00+07:00') });
    expect(await takeWeeklySnapshot(new Date('2026-12-28T08:00:00+07:00'))).toBe(false);
  });
});
