/**
 * Limits on attempts (sign-in, public lookups), kept in the database so that every app
 * process shares them. Time is cut into fixed windows of `durationSec`; a key has `points`
 * numbered slots in each window, and an attempt goes ahead only if it takes a free slot: an
 * insert under a unique key, which is atomic on every store (a read-modify-write counter is
 * not: FerretDB v1 applies `$inc` in Go, so parallel increments can be lost). So 20 parallel
 * guesses against a limit of 5 get exactly 5 checks. Slots are taken before anything is
 * checked, and a key with no free slot writes nothing, so an attacker cannot grow the
 * collection. (A fixed window lets a burst straddling its end use two windows' slots.)
 * Expired slots are deleted by the maintenance job.
 */
import mongoose, { Schema } from 'mongoose';
import { isDuplicateKey } from '../db/insert-once';

export const RATE_LIMITS_COLLECTION = 'rate_attempts';

const attemptSchema = new Schema(
  {
    key: { type: String, required: true },
    window: { type: Number, required: true },
    slot: { type: String, required: true },
    expire: { type: Date, required: true },
  },
  { collection: RATE_LIMITS_COLLECTION, strict: true, versionKey: false },
);
attemptSchema.index({ slot: 1 }, { unique: true });
attemptSchema.index({ key: 1, window: 1 });
attemptSchema.index({ expire: 1 });
const Attempt = mongoose.model('RateAttempt', attemptSchema);

/** At most `points` attempts per key in each window of `durationSec`. */
export class AttemptLimiter {
  constructor(
    private readonly prefix: string,
    private readonly points: number,
    private readonly durationSec: number,
  ) {}

  private where(key: string, now: number) {
    const ms = this.durationSec * 1000;
    const window = Math.floor(now / ms);
    return { key: `${this.prefix}:${key}`, window, wait: Math.max(1, Math.ceil(((window + 1) * ms - now) / 1000)), expire: new Date((window + 1) * ms) };
  }

  /** Seconds to wait when the key has used up this window's attempts; 0 when free (nothing is recorded). */
  async blockedFor(key: string, now = Date.now()): Promise<number> {
    const w = this.where(key, now);
    return (await Attempt.countDocuments({ key: w.key, window: w.window })) >= this.points ? w.wait : 0;
  }

  /** Takes a slot for one attempt: 0 when it may go ahead, else the seconds to wait. */
  async consume(key: string, now = Date.now()): Promise<number> {
    const w = this.where(key, now);
    const taken = await Attempt.countDocuments({ key: w.key, window: w.window });
    for (let n = taken; n < this.points; n++) {
      try {
        await Attempt.create({ key: w.key, window: w.window, slot: `${w.key}|${w.window}|${n}`, expire: w.expire });
        return 0;
      } catch (err) {
        if (!isDuplicateKey(err)) throw err; // taken by a concurrent attempt: try the next
      }
    }
    return w.wait;
  }

  /** Forgets the key's attempts (a successful sign-in). */
  async reset(key: string): Promise<void> {
    await Attempt.deleteMany({ key: `${this.prefix}:${key}` });
  }
}

export interface LoginLimits {
  perUserIp: { points: number; durationSec: number };
  perIp: { points: number; durationSec: number };
}

export const DEFAULT_LOGIN_LIMITS: LoginLimits = {
  perUserIp: { points: 5, durationSec: 15 * 60 },
  perIp: { points: 100, durationSec: 60 * 60 },
};

/** Sign-in attempts per username and address, and per address. */
export class LoginThrottle {
  private readonly userIp: AttemptLimiter;
  private readonly ip: AttemptLimiter;

  constructor(limits: LoginLimits = DEFAULT_LOGIN_LIMITS) {
    this.userIp = new AttemptLimiter('login_uip', limits.perUserIp.points, limits.perUserIp.durationSec);
    this.ip = new AttemptLimiter('login_ip', limits.perIp.points, limits.perIp.durationSec);
  }

  private static key(username: string, ip: string): string {
    return `${username.trim().toLowerCase()}|${ip}`;
  }

  /**
   * Counts this sign-in attempt for the username+address before the password is checked
   * (so parallel guesses cannot slip past the limit): the seconds to wait when it or the
   * address has used up its attempts, 0 when it may go ahead. An address counts failures
   * only: many people sign in from one hall's Wi-Fi.
   */
  async consume(username: string, ip: string): Promise<number> {
    const byIp = await this.ip.blockedFor(ip);
    if (byIp > 0) return byIp;
    return this.userIp.consume(LoginThrottle.key(username, ip));
  }

  /** A wrong password or unknown username: counted against the address. */
  async recordFailure(ip: string): Promise<void> {
    await this.ip.consume(ip);
  }

  /** A correct password: the attempts for this username and address are forgotten. */
  async recordSuccess(username: string, ip: string): Promise<void> {
    await this.userIp.reset(LoginThrottle.key(username, ip));
  }
}

export async function deleteExpiredRateLimits(now = new Date()): Promise<number> {
  const res = await Attempt.deleteMany({ expire: mongoose.trusted({ $lt: now }) });
  return res.deletedCount;
}

/** A per-address limit on public lookups (certificate verification). */
export class LookupLimiter {
  private readonly limiter: AttemptLimiter;

  constructor(points = 60, durationSec = 60) {
    this.limiter = new AttemptLimiter('lookup_ip', points, durationSec);
  }

  /** Seconds to wait when the address is over its limit; 0 when the lookup may go ahead. */
  async consume(ip: string): Promise<number> {
    return this.limiter.consume(ip);
  }
}
