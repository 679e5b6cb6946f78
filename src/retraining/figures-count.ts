/**
 * How a retraining tally is counted, from a unit's own sessions, people and trainers and its
 * children's tallies. The job (one unit at a time) and the rebuild/reconciliation (every unit,
 * from the raw records) both count with these functions, so they cannot disagree on the rules:
 * a session is held when it is closed (a cancelled one never is), counted in the week its start
 * falls in (Monday–Sunday, Vietnam time); a person is retrained in person when they attended
 * a session that was not cancelled, counted once, in their own unit (wherever the session was).
 */
import type { Types } from 'mongoose';
import { weekOf } from '../shared/vn-time';
import { LIST_MAX, RECENT_MAX } from './figures.model';

const DAY_MS = 86400_000;

/** A session as the tallies read it. */
export interface SessionLike {
  _id: Types.ObjectId;
  title: string;
  startsAt: Date;
  unit: Types.ObjectId;
  status: string;
  trainer: Types.ObjectId;
  trainerUsername?: string | null;
  invitedCount?: number | null;
  attendedCount?: number | null;
}

export const SESSION_FIELDS = 'title startsAt unit status trainer trainerUsername invitedCount attendedCount';

export interface IdleTrainer {
  id: Types.ObjectId;
  username: string;
  fullName: string;
}

export interface RecentSession {
  id: Types.ObjectId;
  title: string;
  startsAt: Date;
  unit: Types.ObjectId;
  trainerUsername: string;
  invited: number;
  attended: number;
}

/** The figures of one key. */
export interface Part {
  held: number;
  weeks: { week: string; held: number }[];
  retrained: number;
  trainers: number;
  idleCount: number;
  idle: IdleTrainer[];
  recent: RecentSession[];
}

export const EMPTY_PART: Part = { held: 0, weeks: [], retrained: 0, trainers: 0, idleCount: 0, idle: [], recent: [] };

export function isHeld(s: { status: string }): boolean {
  return s.status === 'closed';
}

/** The Monday 00:00 (Vietnam) of the week before `now`'s: sessions from then on are "recent". */
function recentSince(now: Date): Date {
  return new Date(weekOf(now).monday.getTime() - 7 * DAY_MS);
}

function byUsername(a: IdleTrainer, b: IdleTrainer): number {
  return a.username < b.username ? -1 : a.username > b.username ? 1 : 0;
}

function newestFirst(a: RecentSession, b: RecentSession): number {
  return b.startsAt.getTime() - a.startsAt.getTime() || String(a.id).localeCompare(String(b.id));
}

/** A unit's own part: its own sessions, its own people retrained, its own trainers (with whether each held one). */
export function ownPart(sessions: SessionLike[], retrained: number, trainers: { _id: Types.ObjectId; username: string; fullName: string; held: boolean }[], now: Date): Part {
  const weeks = new Map<string, number>();
  const recent: RecentSession[] = [];
  const since = recentSince(now);
  let held = 0;
  for (const s of sessions.filter(isHeld)) {
    held += 1;
    const week = weekOf(s.startsAt).label;
    weeks.set(week, (weeks.get(week) ?? 0) + 1);
    if (s.startsAt >= since) {
      recent.push({ id: s._id, title: s.title, startsAt: s.startsAt, unit: s.unit, trainerUsername: s.trainerUsername ?? '', invited: s.invitedCount ?? 0, attended: s.attendedCount ?? 0 });
    }
  }
  const idle = trainers.filter((t) => !t.held).map((t) => ({ id: t._id, username: t.username, fullName: t.fullName }));
  return {
    held,
    weeks: [...weeks].map(([week, n]) => ({ week, held: n })),
    retrained,
    trainers: trainers.length,
    idleCount: idle.length,
    idle: idle.sort(byUsername).slice(0, LIST_MAX),
    recent: recent.sort(newestFirst).slice(0, RECENT_MAX),
  };
}

/** A unit's figures: its own part plus its children's tallies. */
export function combine(own: Part, children: Part[], now: Date): Part {
  const weeks = new Map(own.weeks.map((w) => [w.week, w.held]));
  const since = recentSince(now);
  let { held, retrained, trainers, idleCount } = own;
  const idle = [...own.idle];
  const recent = [...own.recent];
  for (const c of children) {
    held += c.held;
    retrained += c.retrained;
    trainers += c.trainers;
    idleCount += c.idleCount;
    for (const w of c.weeks) weeks.set(w.week, (weeks.get(w.week) ?? 0) + w.held);
    idle.push(...c.idle);
    recent.push(...c.recent.filter((r) => r.startsAt >= since));
  }
  return {
    held,
    weeks: [...weeks].sort((a, b) => a[0].localeCompare(b[0])).map(([week, n]) => ({ week, held: n })),
    retrained,
    trainers,
    idleCount,
    idle: idle.sort(byUsername).slice(0, LIST_MAX),
    recent: recent.sort(newestFirst).slice(0, RECENT_MAX),
  };
}

/** A stored tally as a part (the store gives back plain values). */
export function partOf(doc: Partial<Part> | null | undefined): Part {
  if (!doc) return EMPTY_PART;
  return {
    held: doc.held ?? 0,
    weeks: (doc.weeks ?? []).map((w) => ({ week: w.week, held: w.held })),
    retrained: doc.retrained ?? 0,
    trainers: doc.trainers ?? 0,
    idleCount: doc.idleCount ?? 0,
    idle: (doc.idle ?? []).map((t) => ({ id: t.id, username: t.username ?? '', fullName: t.fullName ?? '' })),
    recent: (doc.recent ?? []).map((r) => ({ id: r.id, title: r.title ?? '', startsAt: new Date(r.startsAt), unit: r.unit, trainerUsername: r.trainerUsername ?? '', invited: r.invited ?? 0, attended: r.attended ?? 0 })),
  };
}

/** The counts that must agree between the stored tallies and a recount (the lists follow them). */
export function sameCounts(a: Part, b: Part): boolean {
  const weeks = (p: Part) => p.weeks.filter((w) => w.held > 0).map((w) => `${w.week}=${w.held}`).sort().join();
  return a.held === b.held && a.retrained === b.retrained && a.trainers === b.trainers && a.idleCount === b.idleCount && weeks(a) === weeks(b);
}

export function countsOf(p: Part): { held: number; retrained: number; trainers: number; idleCount: number } {
  return { held: p.held, retrained: p.retrained, trainers: p.trainers, idleCount: p.idleCount };
}
