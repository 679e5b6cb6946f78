/**
 * Sign-in throttling in the database, so every app process shares it
 * (rate-limiter-flexible's Mongo store). Its TTL index is not created (the embedded
 * store lacks TTL); expired counters are deleted by the maintenance job.
 * Note: on the embedded store concurrent increments can be lost (no atomic
 * read-modify-write), so a burst of parallel guesses may get a few more tries.
 */
import mongoose, { Schema } from 'mongoose';
import { RateLimiterMongo, RateLimiterRes } from 'rate-limiter-flexible';

export const RATE_LIMITS_COLLECTION = 'rate_limits';

// Declared as a model only so that index sync creates the unique key the limiter relies on.
const rateLimitSchema = new Schema({ key: { type: String, required: true, unique: true }, points: Number, expire: Date }, { collection: RATE_LIMITS_COLLECTION });
mongoose.model('RateLimit', rateLimitSchema);

export interface LoginLimits {
  perUserIp: { points: number; durationSec: number };
  perIp: { points: number; durationSec: number };
}

export const DEFAULT_LOGIN_LIMITS: LoginLimits = {
  perUserIp: { points: 5, durationSec: 15 * 60 },
  perIp: { points: 100, durationSec: 60 * 60 },
};

export class LoginThrottle {
  private readonly userIp: RateLimiterMongo;
  private readonly ip: RateLimiterMongo;

  constructor(private readonly limits: LoginLimits = DEFAULT_LOGIN_LIMITS) {
    const common = { storeClient: mongoose.connection, tableName: RATE_LIMITS_COLLECTION, disableIndexesCreation: true };
    this.userIp = new RateLimiterMongo({ ...common, keyPrefix: 'login_uip', points: limits.perUserIp.points, duration: limits.perUserIp.durationSec });
    this.ip = new RateLimiterMongo({ ...common, keyPrefix: 'login_ip', points: limits.perIp.points, duration: limits.perIp.durationSec });
  }

  private static key(username: string, ip: string): string {
    return `${username.trim().toLowerCase()}|${ip}`;
  }

  /** Seconds to wait when this username+IP or this IP has used up its failures; 0 when free. */
  async blockedFor(username: string, ip: string): Promise<number> {
    const [u, i] = await Promise.all([this.userIp.get(LoginThrottle.key(username, ip)), this.ip.get(ip)]);
    const wait = (r: RateLimiterRes | null, max: number) => (r && r.consumedPoints >= max ? Math.ceil(r.msBeforeNext / 1000) : 0);
    return Math.max(wait(u, this.limits.perUserIp.points), wait(i, this.limits.perIp.points));
  }

  async recordFailure(username: string, ip: string): Promise<void> {
    const swallow = (err: unknown) => {
      if (!(err instanceof RateLimiterRes)) throw err; // a limiter "rejection" only means the limit is reached
    };
    await Promise.all([this.userIp.consume(LoginThrottle.key(username, ip)).catch(swallow), this.ip.consume(ip).catch(swallow)]);
  }

  async recordSuccess(username: string, ip: string): Promise<void> {
    await this.userIp.delete(LoginThrottle.key(username, ip));
  }
}

export async function deleteExpiredRateLimits(now = new Date()): Promise<number> {
  const res = await mongoose.connection.db!.collection(RATE_LIMITS_COLLECTION).deleteMany({ expire: { $lt: now } });
  return res.deletedCount;
}

/** A per-IP limit on public lookups (certificate verification), shared by every process. */
export class LookupLimiter {
  private readonly limiter: RateLimiterMongo;

  constructor(points = 60, durationSec = 60) {
    this.limiter = new RateLimiterMongo({
      storeClient: mongoose.connection,
      tableName: RATE_LIMITS_COLLECTION,
      disableIndexesCreation: true,
      keyPrefix: 'lookup_ip',
      points,
      duration: durationSec,
    });
  }

  /** Seconds to wait when the IP is over its limit; 0 when the lookup may go ahead. */
  async consume(ip: string): Promise<number> {
    try {
      await this.limiter.consume(ip);
      return 0;
    } catch (err) {
      if (err instanceof RateLimiterRes) return Math.max(1, Math.ceil(err.msBeforeNext / 1000));
      throw err;
    }
  }
}
