/**
 * Vietnamese phone numbers, stored as 0xxxxxxxxx: the strict rule a roster's number must
 * meet, and the looser reading of part of a number typed into a search box.
 */

/** A mobile number: 0 or +84, then 9 digits starting 3, 5, 7, 8 or 9. Null when empty, false when not such a number. */
export function normalizePhone(raw: string): string | null | false {
  const compact = raw.replace(/[\s.()-]/g, '');
  if (!compact) return null;
  const m = /^(?:\+?84|0)([35789]\d{8})$/.exec(compact);
  return m ? `0${m[1]}` : false;
}

/** The digits of a number typed in part, as stored: "+84 912 345" → "0912345"; null when there are too few to search by. */
export function phoneDigits(text: string): string | null {
  const international = text.trim().startsWith('+');
  let digits = text.replace(/[\s.()+-]/g, '');
  if (!/^\d{3,}$/.test(digits)) return null;
  // +84… (or a whole number written 84…) is stored as 0…
  if (digits.startsWith('84') && (international || digits.length > 9)) digits = `0${digits.slice(2)}`;
  return digits;
}
