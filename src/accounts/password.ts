/**
 * Passwords per ASVS level 2: 8 to 128 characters, any character allowed, common and
 * guessable ones refused; stored as argon2id (19 MiB, 2 passes); one-time passwords random.
 */
import { createHash, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';
import { hash, verify, type Algorithm } from '@node-rs/argon2';
import { dictionary } from '@zxcvbn-ts/language-common';

// 2 = Argon2id (the package's const enum cannot be read under isolatedModules)
const HASH_OPTIONS = { algorithm: 2 as Algorithm, memoryCost: 19456, timeCost: 2, parallelism: 1 };
export const PASSWORD_MIN = 8;
export const PASSWORD_MAX = 128;

const common = new Set<string>((dictionary['passwords-common'] as unknown as string[]).map((p) => p.toLowerCase()));
// Local favourites that international lists miss.
for (const p of ['matkhau', 'matkhau123', 'matkhau@123', 'doanthanhnien', 'thanhnien', 'tinhnguyen', 'vietnam123', 'hochiminh', 'anhyeuem', 'emyeuanh', 'tiepsucso'])
  common.add(p);

/** Message key of the first rule the password breaks, or null when it is acceptable. */
export function passwordProblem(password: string, username?: string): string | null {
  const length = [...password].length;
  if (length < PASSWORD_MIN) return 'password.tooShort';
  if (length > PASSWORD_MAX) return 'password.tooLong';
  const lower = password.toLowerCase();
  if (common.has(lower) || common.has(lower.replace(/[\d!@#$%^&*.]+$/, ''))) return 'password.common';
  if (/^(.)\1+$/.test(password)) return 'password.common';
  if (username && lower.includes(username.toLowerCase())) return 'password.containsUsername';
  return null;
}

export function hashPassword(password: string): Promise<string> {
  return hash(password, HASH_OPTIONS);
}

export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  if (passwordHash.startsWith(OTP_PREFIX)) return verifyOneTimeHash(passwordHash, password);
  try {
    return await verify(passwordHash, password);
  } catch {
    return false;
  }
}

/*
 * One-time passwords made by the server for roster imports are hashed with salted
 * SHA-256 rather than argon2id: they carry about 59 random bits (no dictionary to
 * guess from), are replaced at first sign-in, and a 20,000-row import would otherwise
 * spend many minutes hashing. Passwords people choose always use argon2id.
 */
const OTP_PREFIX = '$otp-sha256$';
export function hashOneTimePassword(otp: string): string {
  const salt = randomBytes(16).toString('hex');
  return `${OTP_PREFIX}${salt}$${createHash('sha256').update(`${salt}:${otp}`).digest('hex')}`;
}
function verifyOneTimeHash(stored: string, candidate: string): boolean {
  const [salt, digest] = stored.slice(OTP_PREFIX.length).split('$');
  if (!salt || !digest) return false;
  const actual = createHash('sha256').update(`${salt}:${candidate}`).digest();
  const expected = Buffer.from(digest, 'hex');
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

/** A hash of nothing anyone knows, verified when the username is unknown so that timing tells nothing. */
let decoyHash: Promise<string> | undefined;
export async function verifyDecoy(password: string): Promise<void> {
  decoyHash ??= hashPassword(`decoy-${randomInt(1e9)}-${Date.now()}`);
  await verifyPassword(await decoyHash, password);
}

const OTP_ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789';
/** A one-time password: 12 unambiguous characters in groups of four (about 59 bits). */
export function generateOneTimePassword(): string {
  const chars = Array.from({ length: 12 }, () => OTP_ALPHABET[randomInt(OTP_ALPHABET.length)]);
  return `${chars.slice(0, 4).join('')}-${chars.slice(4, 8).join('')}-${chars.slice(8).join('')}`;
}
