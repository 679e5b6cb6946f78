/**
 * How a person is reached: their own email address (set on "My account") and what the
 * notifications need to address and place a message (language, lineage). Reads are one
 * `_id` equality per person, a few side by side.
 */
import type { Types } from 'mongoose';
import { z } from 'zod';
import { mapLimit } from '../db/bulk';
import type { Actor } from '../shared/actor';
import { Invalid } from '../shared/errors';
import { User } from './user.model';

type Id = Types.ObjectId | string;

/** What a message to a person needs: where (email, null = none), in which language, and their unit's lineage. */
export interface Contact {
  id: Types.ObjectId;
  email: string | null;
  locale: 'vi' | 'en' | null;
  lineage: Types.ObjectId[];
  disabled: boolean;
}

const emailSchema = z.email().max(254);

/** An address as stored: trimmed, lower case; null when empty. Throws Invalid (field `email`) when it is not an address. */
export function normalizeEmail(raw: string): string | null {
  const value = raw.trim().toLowerCase();
  if (value === '') return null;
  const parsed = emailSchema.safeParse(value);
  if (!parsed.success) throw new Invalid({ email: 'notifications.prefs.badEmail' });
  return parsed.data;
}

/** The actor's own email address (empty: removed). Returns what was stored. */
export async function setOwnEmail(actor: Actor, raw: string): Promise<string | null> {
  const email = normalizeEmail(raw);
  await User.updateOne({ _id: actor.id }, { $set: { email } });
  return email;
}

/** A person's contact (null: no such person). */
export async function contactOf(id: Id): Promise<Contact | null> {
  const u = await User.findById(id).select('email locale lineage disabled').lean<{ _id: Types.ObjectId; email?: string | null; locale?: string | null; lineage?: Types.ObjectId[]; disabled?: boolean }>();
  if (!u) return null;
  const locale = u.locale === 'vi' || u.locale === 'en' ? u.locale : null;
  return { id: u._id, email: u.email ?? null, locale, lineage: u.lineage ?? [], disabled: Boolean(u.disabled) };
}

/** The contacts of several people (those who exist), by id string. */
export async function contactsOf(ids: readonly Id[]): Promise<Map<string, Contact>> {
  const unique = [...new Set(ids.map(String))];
  const found = await mapLimit(unique, (id) => contactOf(id));
  return new Map(found.filter((c): c is Contact => c !== null).map((c) => [String(c.id), c]));
}

/** The email addresses of several people who have one, by id string. */
export async function emailsOf(ids: readonly Id[]): Promise<Map<string, string>> {
  const contacts = await contactsOf(ids);
  return new Map([...contacts].filter(([, c]) => c.email).map(([id, c]) => [id, c.email as string]));
}
