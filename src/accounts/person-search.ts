/** Finding a person as a trainer or staff member does: by name or username (diacritics ignored), or by phone number. */
import { foldForSearch } from '../shared/text';
import type { UserDoc } from './user.model';

/** The digits of a typed phone number as stored (0xxxxxxxxx): "+84 912 345" → "0912345"; null when there are too few to search by. */
export function phoneDigits(text: string): string | null {
  const international = text.trim().startsWith('+');
  let digits = text.replace(/[\s.()+-]/g, '');
  if (!/^\d{3,}$/.test(digits)) return null;
  // +84… (or a whole number written 84…) is stored as 0…
  if (digits.startsWith('84') && (international || digits.length > 9)) digits = `0${digits.slice(2)}`;
  return digits;
}

/** Whether a person matches a search: their name or username (diacritics ignored), or their phone number. */
export function personMatches(user: Pick<UserDoc, 'searchText' | 'phone'>, q: string): boolean {
  const needle = foldForSearch(q);
  if (!needle) return true;
  if ((user.searchText ?? '').includes(needle)) return true;
  const digits = phoneDigits(q);
  return Boolean(digits && user.phone?.includes(digits));
}
