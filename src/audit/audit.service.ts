/**
 * The audit log: who did what, when, from where. Written by services; read by admins
 * (their subtree only), filtered by action, person and dates.
 */
import mongoose, { type Types } from 'mongoose';
import type { Actor } from '../shared/actor';
import { changedAt, markChanged } from '../shared/changes';
import { updateEach } from '../db/bulk';
import { AuditEntry, SLOT_FIELDS, SLOT_LENGTH, slotsOf, type AuditAction, type AuditDoc, type SlotField } from './audit.model';

export interface AuditInput {
  action: AuditAction;
  actor?: Pick<Actor, 'id' | 'username'> | null;
  target?: { id: Types.ObjectId; username: string } | null;
  lineage?: Types.ObjectId[];
  ip?: string | null;
  userAgent?: string | null;
  details?: string | null;
}

export async function recordAudit(input: AuditInput): Promise<void> {
  const at = new Date();
  await AuditEntry.create({
    at,
    ...slotsOf(at),
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

export const AUDIT_PAGE_SIZE = 50;

/** How far back the log is read when no start date is given (older entries: choose dates). */
export const AUDIT_DEFAULT_MONTHS = 24;
/** The most slots one page looks into (a rare filter over a long, busy log stops there and says so). */
export const auditLimits = { maxSlots: 600 };

const DAYS_IN = (month: string) => new Date(Date.UTC(Number(month.slice(0, 4)), Number(month.slice(5, 7)), 0)).getUTCDate();

/** The slots one finer inside `label` (of `field`), newest first. */
function finer(field: SlotField, label: string): string[] {
  const pad = (n: number) => String(n).padStart(2, '0');
  const down = (from: number, to: number, f: (i: number) => string) => Array.from({ length: from - to + 1 }, (_, i) => f(from - i));
  switch (field) {
    case 'month':
      return down(DAYS_IN(label), 1, (d) => `${label}-${pad(d)}`);
    case 'day':
      return down(23, 0, (h) => `${label}T${pad(h)}`);
    case 'hour':
      return down(5, 0, (m) => `${label}:${m}`);
    case 'tenMinutes':
      return down(9, 0, (m) => `${label}${m}`);
    default:
      return [];
  }
}

/** The months from `to` back to `from` (YYYY-MM), newest first. */
function monthsBetween(from: string, to: string): string[] {
  const out: string[] = [];
  let y = Number(to.slice(0, 4));
  let m = Number(to.slice(5, 7));
  for (;;) {
    const label = `${y}-${String(m).padStart(2, '0')}`;
    if (label < from.slice(0, 7)) return out;
    out.push(label);
    if (--m === 0) [y, m] = [y - 1, 12];
  }
}

/**
 * Entries inside the admin's subtree (events carry the person's unit), newest first. An
 * admin of the central unit also sees events tied to no unit (sign-ins of unknown usernames).
 *
 * The log is read a time slot at a time, newest first: a month, a day, an hour, ten minutes
 * are each asked "any entry here?" (an equality query the store answers from its indexes and
 * stops at the first row), and only the minutes that have entries are read. A page so reads a
 * few minutes' entries, however long the log is; no query sorts or skips over the log.
 */
export async function listAudit(actor: Actor, q: AuditQuery, centralAdmin = false, now = new Date()): Promise<{ entries: AuditDoc[]; hasMore: boolean; stoppedAt: Date | null }> {
  const base: Record<string, unknown> = centralAdmin ? {} : { lineage: actor.unitId };
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

  const wanted = (q.page - 1) * AUDIT_PAGE_SIZE + AUDIT_PAGE_SIZE + 1;
  const found: AuditDoc[] = [];
  let asked = 0;
  let stoppedAt: Date | null = null;
  const walk = async (field: SlotField, labels: string[]): Promise<boolean> => {
    for (const label of labels) {
      if (found.length >= wanted) return true;
      if (!inRange(field, label)) continue;
      if (++asked > auditLimits.maxSlots) {
        stoppedAt = slotStart(label, field);
        return true;
      }
      if (field === 'minute') {
        const entries = await AuditEntry.find({ ...base, minute: label }).lean<AuditDoc[]>();
        found.push(...entries.filter(matches).sort((a, b) => b.at.getTime() - a.at.getTime() || (String(b._id) < String(a._id) ? -1 : 1)));
        continue;
      }
      if (!(await AuditEntry.exists({ ...base, [field]: label }))) continue;
      const next = SLOT_FIELDS[SLOT_FIELDS.indexOf(field) + 1]!;
      if (await walk(next, finer(field, label))) return true;
    }
    return false;
  };
  await walk('month', monthsBetween(from, to));
  const start = (q.page - 1) * AUDIT_PAGE_SIZE;
  return { entries: found.slice(start, start + AUDIT_PAGE_SIZE), hasMore: found.length > start + AUDIT_PAGE_SIZE, stoppedAt };
}

/** The moment a slot label starts (Vietnam's time). */
function slotStart(label: string, field: SlotField): Date {
  const full = `${label}${'0000-01-01T00:00'.slice(SLOT_LENGTH[field])}`;
  return new Date(`${full}:00+07:00`);
}

const SLOTS_DONE = 'migration:audit-slots';

/**
 * Entries written before the log had time slots get theirs, once (a mark says it is done, so
 * that later starts do not read the log to find none). Run in the background at start.
 */
export async function giveAuditEntriesTheirSlots(): Promise<number> {
  if (await changedAt(SLOTS_DONE)) return 0;
  let done = 0;
  // short queries of a thousand each (one long cursor would outlast the store's statement timeout)
  for (;;) {
    const batch = await AuditEntry.find({ minute: mongoose.trusted({ $exists: false }) }).select('at').limit(1000).lean();
    if (batch.length === 0) break;
    await updateEach(AuditEntry, batch.map((e) => ({ filter: { _id: e._id }, update: { $set: slotsOf(e.at) } })));
    done += batch.length;
  }
  await markChanged(SLOTS_DONE);
  return done;
}
