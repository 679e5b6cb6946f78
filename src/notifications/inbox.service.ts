/**
 * The in-app inbox: every person's notifications, newest first, read or not. Every read is an
 * equality on the person (`user`, with `unread` for the header's count): a person has tens of
 * notifications, not thousands.
 */
import type { Types } from 'mongoose';
import type { Locale } from '../config';
import type { Actor } from '../shared/actor';
import { isObjectId } from '../shared/actor';
import { NotFound } from '../shared/errors';
import { pageOf, type Page } from '../shared/pager';
import { updateSurely } from '../db/sure-update';
import { Notification, type NotificationDoc, type NotificationKind } from './notification.model';
import { renderText } from './render';

/** One notification as the inbox shows it, in the reader's language. */
export interface InboxItem {
  id: string;
  kind: NotificationKind;
  title: string;
  body: string[];
  lines: string[];
  createdAt: Date;
  unread: boolean;
}

/** How many of a person's notifications are unread (the header's badge): one indexed count. */
export async function unreadCount(userId: Types.ObjectId | string): Promise<number> {
  return Notification.countDocuments({ user: userId, unread: true });
}

/** A page of the actor's inbox, newest first. */
export async function inboxPage(actor: Actor, locale: Locale, page: number): Promise<Page<InboxItem>> {
  const all = await Notification.find({ user: actor.id })
    .select('kind titleKey bodyKey params lines link createdAt unread')
    .sort({ createdAt: -1, _id: -1 })
    .lean();
  const shown = pageOf(all, page);
  return {
    hasMore: shown.hasMore,
    items: shown.items.map((n) => ({
      id: String(n._id),
      kind: n.kind as NotificationKind,
      ...renderText(n, locale),
      createdAt: n.createdAt as Date,
      unread: Boolean(n.unread),
    })),
  };
}

/** Read (looked at again a moment later: delivery may write the same document at that moment). */
async function markRead(id: Types.ObjectId, now: Date): Promise<void> {
  await updateSurely<NotificationDoc>(Notification, id, 'read', { $set: { unread: false, readAt: now } }, (doc) => doc.unread === false);
}

/** Opens one of the actor's notifications: marks it read and returns its link. Another person's: NotFound. */
export async function openNotification(actor: Actor, id: string, now = new Date()): Promise<string> {
  if (!isObjectId(id)) throw new NotFound();
  const n = await Notification.findOne({ _id: id, user: actor.id }).select('link unread').lean();
  if (!n) throw new NotFound();
  if (n.unread) await markRead(n._id, now);
  return n.link;
}

/** Marks every unread notification of the actor read; returns how many. */
export async function markAllRead(actor: Actor, now = new Date()): Promise<number> {
  const unread = await Notification.find({ user: actor.id, unread: true }).select('_id').lean();
  for (const n of unread) await markRead(n._id, now);
  return unread.length;
}
