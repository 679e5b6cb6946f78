/**
 * What staff read: a unit's retraining figures (one tally document and the roll-up's people
 * count, both by key), the same object for the unit's page, its dashboard section and the
 * files; and a trainer's, for the cascade page. The job that keeps the tallies runs here too.
 */
import type { Types } from 'mongoose';
import { findUnitById, type UnitDoc } from '../org';
import { figuresFor } from '../reports';
import type { Actor } from '../shared/actor';
import { NotFound } from '../shared/errors';
import { weekOf } from '../shared/vn-time';
import { RetrainingTally } from './figures.model';
import { partOf, type IdleTrainer, type Part, type RecentSession } from './figures-count';
import { buildDue, countMarked } from './figures.service';
import { rebuildRetrainingFigures } from './figures-build';
import { runJob } from '../shared/metrics';

/** A unit's retraining figures as staff see them. */
export interface UnitRetraining {
  unit: UnitDoc;
  /** Sessions held (closed) this week (Monday–Sunday, Vietnam time) and overall. */
  heldThisWeek: number;
  held: number;
  /** People of the subtree retrained in person, of `people` (the roll-ups' count), and the share in percent (one decimal). */
  retrained: number;
  people: number;
  share: number;
  /** Trainers of the subtree, how many have held no session, and the first of those by username. */
  trainers: number;
  idleCount: number;
  idle: IdleTrainer[];
  /** This week's held sessions (newest first). */
  thisWeek: RecentSession[];
  builtAt: Date | null;
  week: { label: string; monday: Date };
}

export function shareOf(retrained: number, people: number): number {
  return people ? Math.round((retrained / people) * 1000) / 10 : 0;
}

/** The figures of a unit already known to be in the reader's scope (two reads by key). */
export async function retrainingOfUnit(unit: UnitDoc, now = new Date()): Promise<UnitRetraining> {
  const key = `unit:${unit._id}`;
  const [doc, rolled] = await Promise.all([RetrainingTally.findOne({ key }).lean(), figuresFor([key])]);
  const part: Part = partOf(doc as unknown as Part | null);
  const week = weekOf(now);
  const next = new Date(week.monday.getTime() + 7 * 86400_000);
  const people = rolled.get(key)?.people ?? 0;
  return {
    unit,
    heldThisWeek: part.weeks.find((w) => w.week === week.label)?.held ?? 0,
    held: part.held,
    retrained: part.retrained,
    people,
    share: shareOf(part.retrained, people),
    trainers: part.trainers,
    idleCount: part.idleCount,
    idle: part.idle,
    thisWeek: part.recent.filter((r) => r.startsAt >= week.monday && r.startsAt < next),
    builtAt: doc?.builtAt ?? null,
    week,
  };
}

/** A unit by its id, if it is in the staff member's subtree (anything else is a 404). */
export async function unitRetraining(actor: Actor, unitId: string, now = new Date()): Promise<UnitRetraining> {
  const unit = await findUnitById(unitId);
  if (!unit || !unit.lineage.some((id) => String(id) === String(actor.unitId))) throw new NotFound();
  return retrainingOfUnit(unit, now);
}

/** Sessions held and people retrained in person by each of these trainers (one read by key each). */
export async function retrainingOfTrainers(ids: Types.ObjectId[]): Promise<Map<string, { held: number; retrained: number }>> {
  const docs = await Promise.all(ids.map((id) => RetrainingTally.findOne({ key: `trainer:${id}` }).select('held retrained').lean()));
  return new Map(ids.map((id, i) => [String(id), { held: docs[i]?.held ?? 0, retrained: docs[i]?.retrained ?? 0 }]));
}

/** One pass of the job: a full build when due, otherwise the marked units, trainers and people. */
export async function refreshRetrainingFigures(now = new Date()): Promise<boolean> {
  if (await buildDue(now)) {
    await rebuildRetrainingFigures(now);
    return true;
  }
  return countMarked(now);
}

export function startRetrainingFiguresJob(log: { warn: (o: object, m: string) => void }, everyMs = 5_000): () => void {
  let busy = false; // a build at national scale outlasts the interval: never two at once in a process
  const tick = () => {
    if (busy) return;
    busy = true;
    runJob('retraining.figures', () => refreshRetrainingFigures())
      .catch((err: unknown) => log.warn({ err }, 'retraining figures refresh failed; will try again'))
      .finally(() => (busy = false));
  };
  const timer = setInterval(tick, everyMs);
  timer.unref();
  tick();
  return () => clearInterval(timer);
}
