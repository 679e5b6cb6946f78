/**
 * The audit log: who did what, when, from where. Written by services; read by admins
 * (their subtree only), filtered by action, person and dates.
 */
import mongoose, { type Types } from 'mongoose';
import type { Actor } from '../shared/actor';
import { changedAt, markChanged } from '../shared/changes';
import { insertEach, updateEach } from '../db/bulk';
import { AuditEntry, AuditSlotMark, MARKS_VERSION, parentLabel, SLOT_FIELDS, SLOT_LENGTH, slotMarkKey, slotsOf, type AuditAction, type AuditDoc, type SlotField } from './audit.model';
import { PAGE_SIZE, pageOf, rowsNeeded } from '../shared/pager';

export interface AuditInput {
  action: AuditAction;
  actor?: Pick<Actor, 'id' | 'username'> | null;
  target?: { id: Types.ObjectId; username: string } | null;
  lineage?: Types.ObjectId[];
  ip?: string | null;
  userAgent?: string | null;
  details?: string | null;
}

/** Markers this process has written (most entries fall in slots already marked: no write for them). */
const marked = new Set<string>();
const MARKED_MAX = 50_000;

/** Writes the markers of an entry's slots, before the entry, so that no entry is ever unmarked. */
async function markSlots(at: Date, lineage: readonly Types.ObjectId[]): Promise<void> {
  const slots = slotsOf(at);
  const marks: { key: string; parent: string }[] = [];
  for (const scope of ['all', ...lineage.map(String)]) {
    for (const f of SLOT_FIELDS) {
      const key = slotMarkKey(scope, slots[f]);
      if (!marked.has(key)) marks.push({ key, parent: slotMarkKey(scope, parentLabel(slots[f])) });
    }
  }
  if (marks.length === 0) return;
  await insertEach(AuditSlotMark, marks); // a duplicate: marked already
  if (marked.size + marks.length > MARKED_MAX) marked.clear();
  for (const m of marks) marked.add(m.key);
}

export async function recordAudit(input: AuditInput): Promise<void> {
  const at = new Date();
  await markSlots(at, input.lineage ?? []);
  await AuditEntry.create({
    at,
    minute: slotsOf(at).minute,
    marks: MARKS_VERSION,
    action: input.action,
    actor: input.actor?.id ?? null,
    actorUsername: input.actor?.username ?? null,
    targetUser: input.target?.id ?? null,
    targetUsername: input.target?.username ?? null,
    lineage: input.lineage ?? [],
    ip: input.ip ?? null,
    userAgent: input.userAgent?.slice(0, 200) ?? null,
    details: input.details?.slice(0, 500) ?? null,
  });
}

export interface AuditQuery {
  action?: AuditAction;
  username?: string;
  from?: Date;
  to?: Date;
  page: number;
}

export const AUDIT_PAGE_SIZE = PAGE_SIZE;

/** How far back the log is read when no start date is given (older entries: choose dates). */
export const AUDIT_DEFAULT_MONTHS = 24;
/** The most slots one page looks into (a rare filter over a long, busy log stops there and says so). */
export const auditLimits = { maxSlots: 600 };

/**
 * Entries inside the admin's subtree (events carry the person's unit), newest first. An
 * admin of the central unit also sees events tied to no unit (sign-ins of unknown usernames).
 *
 * The log is read a time slot at a time, newest first: for a year, a month, a day, an hour, ten
 * minutes, the marker that says the scope has entries there is looked up by its key (one row),
 * and only the minutes inside marked slots are read. A page so reads a few minutes' entries and
 * markers, however long the log is; no query sorts or skips over the log.
 */
export async function listAudit(actor: Actor, q: AuditQuery, centralAdmin = false, now = new Date()): Promise<{ entries: AuditDoc[]; hasMore: boolean; stoppedAt: Date | null }> {
  const base: Record<string, unknown> = centralAdmin ? {} : { lineage: actor.unitId };
  const scope = centralAdmin ? 'all' : String(actor.unitId);
  if (q.action) base.action = q.action;
  const username = q.username?.toLowerCase();
  const matches = (e: AuditDoc) =>
    (!username || (e.actorUsername ?? '').startsWith(username) || (e.targetUsername ?? '').startsWith(username)) &&
    (!q.from || e.at >= q.from) &&
    (!q.to || e.at <= q.to);
  const to = slotsOf(q.to && q.to < now ? q.to : now).minute;
  const defaultFrom = new Date(now);
  defaultFrom.setUTCMonth(defaultFrom.getUTCMonth() - AUDIT_DEFAULT_MONTHS);
  const from = slotsOf(q.from ?? defaultFrom).minute;
  const inRange = (field: SlotField, label: string) => label >= from.slice(0, SLOT_LENGTH[field]) && label <= to.slice(0, SLOT_LENGTH[field]);

  const wanted = rowsNeeded(q.page, AUDIT_PAGE_SIZE);
  const found: AuditDoc[] = [];
  let asked = 0;
  let stoppedAt: Date | null = null;
  let searchedBackTo: Date = q.to && q.to < now ? q.to : now;
  /** The marked slots inside `around`, newest first (one query: only the slots that have entries). */
  const inside = async (around: string): Promise<string[]> => {
    const marks = await AuditSlotMark.find({ parent: slotMarkKey(scope, around) }).select('key').lean();
    return marks.map((m) => m.key.slice(scope.length + 1)).sort().reverse();
  };
  /** One more query; false once the page has asked its share (what is older was not looked at). */
  const mayAsk = (): boolean => {
    if (++asked <= auditLimits.maxSlots) return true;
    stoppedAt = searchedBackTo;
    return false;
  };
  const walk = async (field: SlotField, around: string): Promise<boolean> => {
    if (!mayAsk()) return true;
    for (const label of await inside(around)) {
      if (found.length >= wanted) return true;
      if (!inRange(field, label)) continue;
      if (field === 'minute') {
        if (!mayAsk()) return true;
        const entries = await AuditEntry.find({ ...base, minute: label }).lean<AuditDoc[]>();
        searchedBackTo = slotStart(label, 'minute');
        found.push(...entries.filter(matches).sort((a, b) => b.at.getTime() - a.at.getTime() || (String(b._id) < String(a._id) ? -1 : 1)));
        continue;
      }
      if (await walk(SLOT_FIELDS[SLOT_FIELDS.indexOf(field) + 1]!, label)) return true;
    }
    return false;
  };
  await walk('year', '');
  const { items, hasMore } = pageOf(found, q.page, AUDIT_PAGE_SIZE);
  return { entries: items, hasMore, stoppedAt };
}

/** The moment a slot label starts (Vietnam's time). */
function slotStart(label: string, field: SlotField): Date {
  const full = `${label}${'0000-01-01T00:00'.slice(SLOT_LENGTH[field])}`;
  return new Date(`${full}:00+07:00`);
}

const SLOTS_DONE = 'migration:audit-slot-marks-2';

/**
 * Entries written before the log had time slots get theirs and their markers, once (a mark
 * says it is done, so that later starts do not read the log to find none). Run in the
 * background at start.
 */
export async function giveAuditEntriesTheirSlots(): Promise<number> {
  if (await changedAt(SLOTS_DONE)) return 0;
  let done = 0;
  // short queries of a thousand each (one long cursor would outlast the store's statement timeout)
  for (;;) {
    const batch = await AuditEntry.find({ marks: mongoose.trusted({ $exists: false }) }).select('at lineage').limit(1000).lean();
    if (batch.length === 0) break;
    for (const e of batch) await markSlots(e.at, e.lineage ?? []);
    await updateEach(AuditEntry, batch.map((e) => ({ filter: { _id: e._id }, update: { $set: { minute: slotsOf(e.at).minute, marks: MARKS_VERSION } } })));
    done += batch.length;
  }
  await markChanged(SLOTS_DONE);
  return done;
}
