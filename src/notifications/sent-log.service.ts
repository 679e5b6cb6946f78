/**
 * The sent log, for staff and administrators: what was sent to whom, one Vietnam day at a time,
 * within the actor's subtree (by the recipient's lineage, copied onto each notification when it
 * was made). One query: an equality on `lineage` and `day` (and `kind`), all indexed.
 */
import type { Types } from 'mongoose';
import { namesOf } from '../accounts';
import { mapLimit } from '../db/bulk';
import { recordAudit } from '../audit';
import { allOf, type Actor } from '../shared/actor';
import { Forbidden } from '../shared/errors';
import { pageOf, type Page } from '../shared/pager';
import { can } from '../shared/permissions';
import { Notification, type EmailState, type NotificationKind } from './notification.model';

export interface SentLogQuery {
  /** Vietnam day, `YYYY-MM-DD`. */
  day: string;
  kind?: NotificationKind;
  page: number;
}

export interface SentRow {
  id: string;
  recipient: { username: string; fullName: string } | null;
  kind: NotificationKind;
  createdAt: Date;
  read: boolean;
  emailState: EmailState;
  emailTo: string | null;
  sentAt: Date | null;
  attempts: number;
}

interface Stored {
  _id: Types.ObjectId;
  user: Types.ObjectId;
  kind: NotificationKind;
  createdAt: Date;
  unread: boolean;
  email?: { state?: EmailState; to?: string | null; sentAt?: Date | null; attempts?: number };
}

/** Every notification of the day under the actor's unit, newest first. */
async function rowsOfDay(actor: Actor, q: Omit<SentLogQuery, 'page'>): Promise<Stored[]> {
  if (!can(actor, 'readSentNotifications')) throw new Forbidden();
  const filter = allOf({ lineage: actor.unitId, day: q.day }, q.kind ? { kind: q.kind } : {});
  const rows = await Notification.find(filter).select('user kind createdAt unread email').lean<Stored[]>();
  return rows.sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || String(b._id).localeCompare(String(a._id)));
}

async function withNames(rows: Stored[]): Promise<SentRow[]> {
  return mapLimit(rows, async (n) => ({
    id: String(n._id),
    recipient: await namesOf(n.user),
    kind: n.kind,
    createdAt: n.createdAt,
    read: !n.unread,
    emailState: n.email?.state ?? 'none',
    emailTo: n.email?.to ?? null,
    sentAt: n.email?.sentAt ?? null,
    attempts: n.email?.attempts ?? 0,
  }));
}

/** A page of the day's sent log. */
export async function sentLogPage(actor: Actor, q: SentLogQuery): Promise<Page<SentRow>> {
  const shown = pageOf(await rowsOfDay(actor, q), q.page);
  return { hasMore: shown.hasMore, items: await withNames(shown.items) };
}

/** The whole day's sent log for a file; the export is audited. */
export async function sentLogExport(actor: Actor, q: Omit<SentLogQuery, 'page'>, lineage: Types.ObjectId[]): Promise<SentRow[]> {
  const rows = await rowsOfDay(actor, q);
  await recordAudit({ action: 'report.exported', actor, lineage, ip: actor.ip, details: `notifications-sent day=${q.day}${q.kind ? ` kind=${q.kind}` : ''} rows=${rows.length}` });
  return withNames(rows);
}
