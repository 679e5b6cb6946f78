/**
 * Certificate serials: 80 random bits as 16 Crockford base-32 characters (no I, L, O, U),
 * plus one Luhn mod 32 check character, grouped for reading aloud: ABCD-EFGH-JKMN-PQRS-T.
 * A single mistyped character or a swap of two neighbours is caught before any lookup.
 */
import { randomBytes } from 'node:crypto';

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const BODY_LENGTH = 16;

function checkCharacter(body: string): string {
  // Luhn mod N (N = 32), from the right, doubling every second code point.
  let factor = 2;
  let sum = 0;
  for (let i = body.length - 1; i >= 0; i--) {
    let addend = factor * ALPHABET.indexOf(body[i]!);
    factor = factor === 2 ? 1 : 2;
    addend = Math.floor(addend / 32) + (addend % 32);
    sum += addend;
  }
  return ALPHABET[(32 - (sum % 32)) % 32]!;
}

export function format(compact: string): string {
  return compact.match(/.{1,4}/g)!.join('-');
}

export function generateSerial(): string {
  const bytes = randomBytes(10); // 80 bits → 16 characters of 5 bits
  let bits = 0n;
  for (const b of bytes) bits = (bits << 8n) | BigInt(b);
  let body = '';
  for (let i = 0; i < BODY_LENGTH; i++) {
    body = ALPHABET[Number(bits & 31n)]! + body;
    bits >>= 5n;
  }
  return format(body + checkCharacter(body));
}

export type SerialCheck = { ok: true; serial: string } | { ok: false; reason: 'malformed' | 'mistyped' };

/** Normalises what a person typed (case, spaces, dashes, O→0, I/L→1) and checks it. */
export function checkSerial(input: string): SerialCheck {
  const compact = input
    .toUpperCase()
    .replace(/[\s-]/g, '')
    .replace(/O/g, '0')
    .replace(/[IL]/g, '1');
  if (compact.length !== BODY_LENGTH + 1 || [...compact].some((c) => !ALPHABET.includes(c))) return { ok: false, reason: 'malformed' };
  const body = compact.slice(0, BODY_LENGTH);
  if (checkCharacter(body) !== compact[BODY_LENGTH]) return { ok: false, reason: 'mistyped' };
  return { ok: true, serial: format(compact) };
}
