/** Finding a person as a trainer or staff member does: by name or username (diacritics ignored), or by phone number. */
import { phoneDigits } from '../shared/phone';
import { foldForSearch } from '../shared/text';
import type { UserDoc } from './user.model';

/** Whether a person matches a search: their name or username (diacritics ignored), or their phone number. */
export function personMatches(user: Pick<UserDoc, 'searchText' | 'phone'>, q: string): boolean {
  const needle = foldForSearch(q);
  if (!needle) return true;
  if ((user.searchText ?? '').includes(needle)) return true;
  const digits = phoneDigits(q);
  return Boolean(digits && user.phone?.includes(digits));
}
