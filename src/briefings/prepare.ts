/**
 * Preparing the week's packs: every Monday from 07:00 Vietnam time, one pack for the centre
 * and one for each province with people. Several app processes (and the CLI) may run this at
 * once; nothing is built twice:
 * - a pack is claimed by inserting it as `building` (unique key unit + week) before its files
 *   are made; a second process finds the claim and goes on to the next unit;
 * - a build that fails gives its claim back, so the next run retries; a claim left `building`
 *   by a process that stopped is taken over once its lease (LEASE_MS) is over: the stale claim
 *   is deleted by its exact `leaseAt`, then claimed anew by insert (a second taker deletes nothing);
 * - files are written under a temporary name and renamed into place, then the pack is marked
 *   `ready` with its figures, only by the holder of the claim.
 * One unit at a time, each file streamed to disk: a national run holds one unit's briefing and
 * week summary in memory, and leaves the event loop between units.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { PassThrough } from 'node:stream';
import type { Locale } from '../config';
import { insertOnce } from '../db/insert-once';
import { currentWeek, shiftWeek, weekSummary } from '../fieldreports';
import { centralUnit, childrenOf, type UnitDoc } from '../org';
import { briefingOf, figuresUnder, percent, refreshRollupsIfChanged, takeWeeklySnapshot, trendOf } from '../reports';
import { LOCALES } from '../shared/i18n';
import { weekOf } from '../shared/vn-time';
import { BriefingPack, PACK_FORMATS, type PackFigures, type PackFormat } from './briefing-pack.model';
import { writePackPdf, type PackContent } from './pack-pdf';
import { writePackXlsx } from './pack-xlsx';

/** The hour of Monday (Vietnam time) from which the week's packs are prepared. */
export const PACK_HOUR = 7;
/** How long a claim may stay `building` before another run takes the pack over (far above one province's build). */
export const LEASE_MS = 15 * 60_000;

type Log = { warn: (o: object, m: string) => void; info?: (o: object, m: string) => void };

/** The week whose packs are due at `now` (Monday 07:00 Vietnam time onwards), or null before then. */
export function dueWeek(now: Date): string | null {
  const { label, monday } = weekOf(now);
  return now.getTime() >= monday.getTime() + PACK_HOUR * 3600_000 ? label : null;
}

/** The units that get a pack: the centre, and each province with people. */
export async function packUnits(): Promise<UnitDoc[]> {
  const centre = await centralUnit();
  if (!centre) return [];
  const figures = await figuresUnder(`unit:${centre._id}`);
  const provinces = (await childrenOf(centre._id))
    .filter((u) => u.level === 'province' && (figures.get(`unit:${u._id}`)?.people ?? 0) > 0)
    .sort((a, b) => a.code.localeCompare(b.code));
  return [centre, ...provinces];
}

/** Claims the unit's pack for this run: free, or held by a run whose lease is over. False when ready or in hand elsewhere. */
async function claim(unit: UnitDoc, week: string, now: Date): Promise<boolean> {
  const doc = { unit: unit._id, unitCode: unit.code, lineage: unit.lineage, week, status: 'building', leaseAt: now };
  if (await insertOnce(BriefingPack, doc)) return true;
  const pack = await BriefingPack.findOne({ unit: unit._id, week }).lean();
  if (!pack) return insertOnce(BriefingPack, doc); // given back a moment ago
  if (pack.status !== 'building' || now.getTime() - pack.leaseAt.getTime() < LEASE_MS) return false;
  await BriefingPack.deleteOne({ unit: unit._id, week, leaseAt: pack.leaseAt });
  return insertOnce(BriefingPack, doc);
}

/** The file name of a pack's file under DATA_DIR/briefings/<week>/. */
export function packFileName(unitCode: string, week: string, locale: Locale, format: PackFormat): string {
  return `${unitCode.replace(/[^\w-]/g, '')}-${week}-${locale}.${format}`;
}

/** Writes one file by a temporary name, then renames it into place (a reader never sees half a file). */
async function writeFile(file: string, write: (out: PassThrough) => Promise<void>): Promise<void> {
  const tmp = `${file}.${randomBytes(4).toString('hex')}.tmp`;
  const out = new PassThrough();
  try {
    await Promise.all([pipeline(out, fs.createWriteStream(tmp)), write(out)]);
    await fs.promises.rename(tmp, file);
  } catch (err) {
    await fs.promises.rm(tmp, { force: true });
    throw err;
  }
}

/** What the pack says, read once for both languages: the dashboard's briefing, the trend, the week just ended in the field. */
async function contentOf(unit: UnitDoc, week: string, now: Date): Promise<PackContent> {
  const [briefing, trend, summary] = await Promise.all([briefingOf(unit), trendOf(`unit:${unit._id}`), weekSummary(unit, shiftWeek(currentWeek(now), -1))]);
  return { week, briefing, trend, summary, now };
}

function figuresOf(c: PackContent): PackFigures {
  const f = c.briefing.total;
  const s = c.summary.total;
  return { ...f, pct: percent(f), fieldWeek: c.summary.week.label, teams: s.teams, reported: s.reported, helped: s.helped, helpNeeded: s.helpNeeded };
}

/** Builds one claimed pack's files (vi and en, PDF and XLSX) and marks it ready. */
async function build(unit: UnitDoc, week: string, now: Date, dir: string): Promise<void> {
  const content = await contentOf(unit, week, now);
  await fs.promises.mkdir(dir, { recursive: true });
  const files = {} as Record<Locale, Record<PackFormat, string>>;
  for (const locale of LOCALES) {
    files[locale] = {} as Record<PackFormat, string>;
    for (const format of PACK_FORMATS) {
      const name = packFileName(unit.code, week, locale, format);
      await writeFile(path.join(dir, name), (out) => (format === 'pdf' ? writePackPdf(out, content, locale) : writePackXlsx(out, content, locale)));
      files[locale][format] = name;
    }
  }
  await BriefingPack.updateOne({ unit: unit._id, week, leaseAt: now }, { $set: { status: 'ready', files, figures: figuresOf(content), preparedAt: now } });
}

/** Prepares the unit's pack unless it is ready or being prepared; true when this call prepared it. A failure gives the claim back. */
export async function preparePack(unit: UnitDoc, week: string, now: Date, dataDir: string): Promise<boolean> {
  if (!(await claim(unit, week, now))) return false;
  try {
    await build(unit, week, now, path.join(dataDir, 'briefings', week));
  } catch (err) {
    await BriefingPack.deleteOne({ unit: unit._id, week, leaseAt: now, status: 'building' }).catch(() => undefined); // else the lease ends it
    throw err;
  }
  return true;
}

export interface RunResult {
  /** The week prepared for, or null before Monday 07:00. */
  week: string | null;
  /** The codes of the units whose packs this run prepared. */
  prepared: string[];
}

/**
 * Prepares this week's missing packs (from Monday 07:00 Vietnam time), one unit at a time. The
 * roll-ups are brought up to date and the week's snapshot taken first (both idempotent), so the
 * pack's figures are the dashboard's. A unit that fails is logged and left for the next run.
 */
export async function preparePacks(opts: { now: Date; dataDir: string; log?: Log }): Promise<RunResult> {
  const { now, dataDir, log } = opts;
  const week = dueWeek(now);
  if (!week) return { week: null, prepared: [] };
  // the roll-ups first (cheap when nothing changed): which provinces have people is read from them,
  // and on a store whose roll-ups were never built every province would look empty
  await refreshRollupsIfChanged(now);
  const units = await packUnits();
  const missing = [];
  // not yet claimed, or claimed and not finished (in hand elsewhere, or left by a process that stopped)
  for (const unit of units) if ((await BriefingPack.findOne({ unit: unit._id, week }).select('status').lean())?.status !== 'ready') missing.push(unit);
  if (missing.length === 0) return { week, prepared: [] };
  await takeWeeklySnapshot(now);
  const prepared: string[] = [];
  for (const unit of missing) {
    try {
      if (await preparePack(unit, week, now, dataDir)) prepared.push(unit.code);
    } catch (err) {
      if (!log) throw err;
      log.warn({ err, unit: unit.code, week }, 'preparing a briefing pack failed; the next run tries again');
    }
  }
  return { week, prepared };
}
