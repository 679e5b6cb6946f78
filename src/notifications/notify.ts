/**
 * Making notifications: one document per event, its key naming the event, inserted once.
 * Whether an email is to go is decided here (the person has an address, their account is in
 * use and they want this kind by email): `pending`, else `none`. Delivery sends the pending ones.
 */
import type { Types } from 'mongoose';
import { contactsOf, type Contact } from '../accounts';
import { mapLimit } from '../db/bulk';
import { isDuplicateKey } from '../db/insert-once';
import { dayLabelVietnam } from '../shared/vn-time';
import { Notification, type NotificationKind } from './notification.model';
import { choicesOf, wantsByChoices } from './preferences';

export type { NotificationKind } from './notification.model';

type Params = Record<string, string | number>;

export interface NotificationInput {
  /** Names the event, e.g. `due7:<cohortId>:<userId>`; unique: a second notify with the same key does nothing. */
  key: string;
  userId: Types.ObjectId;
  kind: NotificationKind;
  /** i18n key (in the sender's locale section), rendered in the recipient's language when shown or sent. */
  titleKey: string;
  /** i18n key; the body may contain simple line breaks. */
  bodyKey: string;
  params?: Params;
  /** An optional list (digests: one line per person behind). */
  lines?: { key: string; params?: Params }[];
  /** A path in the app (`/courses/x/quiz/y`); made absolute with BASE_URL in emails. */
  link: string;
  /** Files under DATA_DIR (the briefing pack). */
  attachments?: { filename: string; path: string; contentType: string }[];
}

export interface NotifyOptions {
  /** The moment it is made (tests); default now. */
  now?: Date;
}

/** A link must stay in the app: a path, never another host. */
function safeLink(link: string): string {
  return link.startsWith('/') && !link.startsWith('//') && !link.includes('\\') ? link : '/';
}

async function insertOne(input: NotificationInput, contact: Contact | undefined, now: Date): Promise<'created' | 'exists'> {
  const wants = contact?.email && !contact.disabled ? wantsByChoices(await choicesOf(input.userId), input.kind) : false;
  try {
    await Notification.create({
      key: input.key,
      user: input.userId,
      lineage: contact?.lineage ?? [],
      kind: input.kind,
      titleKey: input.titleKey,
      bodyKey: input.bodyKey,
      params: input.params ?? {},
      lines: (input.lines ?? []).map((l) => ({ key: l.key, params: l.params ?? {} })),
      link: safeLink(input.link),
      attachments: input.attachments ?? [],
      day: dayLabelVietnam(now),
      createdAt: now,
      email: { state: wants ? 'pending' : 'none', to: wants ? contact?.email : null },
    });
    return 'created';
  } catch (err) {
    if (isDuplicateKey(err)) return 'exists';
    throw err;
  }
}

/** Makes one notification unless its key exists: 'created' or 'exists'. */
export async function notify(input: NotificationInput, opts: NotifyOptions = {}): Promise<'created' | 'exists'> {
  const contacts = await contactsOf([input.userId]);
  return insertOne(input, contacts.get(String(input.userId)), opts.now ?? new Date());
}

/** Many notifications, each inserted once (a few at a time). */
export async function notifyMany(inputs: NotificationInput[], opts: NotifyOptions = {}): Promise<{ created: number; existing: number }> {
  const now = opts.now ?? new Date();
  const contacts = await contactsOf(inputs.map((i) => i.userId));
  const results = await mapLimit(inputs, (input) => insertOne(input, contacts.get(String(input.userId)), now), 4);
  const created = results.filter((r) => r === 'created').length;
  return { created, existing: results.length - created };
}
