/**
 * Delivery: sends the pending emails of the outbox, one at a time, each under a claim.
 *
 * A claim is an insert (`DeliveryClaim`, `_id` `<notification>:<attempt>`): of two processes
 * reaching for one attempt, exactly one inserts it, and only that one sends. The claim's lease
 * says how long its owner may take; a message whose lease ran out (the owner died) is taken
 * again with the next attempt number, once. A sent message leaves a record `<notification>:sent`
 * before its state is written: a claim that finds it does not send again (and repairs the state).
 * CONTEXT.md says what remains: a crash after the SMTP server accepted, before that record.
 */
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Logger } from 'pino';
import type { Types } from 'mongoose';
import { contactOf } from '../accounts';
import type { Config } from '../config';
import { insertOnce } from '../db/insert-once';
import { updateSurely } from '../db/sure-update';
import { channelFor, isPermanent, type Channel } from './channels';
import { renderEmail } from './email';
import { DeliveryClaim, Notification, type NotificationDoc } from './notification.model';
import { choicesOf, wantsByChoices } from './preferences';
import { localeOf } from './render';
import { runJob } from '../shared/metrics';

/** How long a claim's owner may take to send: well above the SMTP timeouts (channels.ts). */
export const LEASE_MS = 5 * 60_000;
/** Attempts before an email is given up ('failed'). */
export const MAX_ATTEMPTS = 5;
/** The wait after each failed attempt (1st, 2nd, …). */
export const BACKOFF_MS = [60_000, 5 * 60_000, 30 * 60_000, 2 * 3600_000];

export interface DeliveryOptions {
  config: Config;
  /** The moment of the run (tests); default now. */
  now?: Date;
  /** At most this many emails looked at in this run (default 100). */
  limit?: number;
  /** The channel; default the config's (`channelFor`); null: none (suppressed). */
  channel?: Channel | null;
  logger?: Pick<Logger, 'info' | 'warn'>;
  /** Names this run's process in its claims (default host:pid:random). */
  owner?: string;
}

export interface DeliveryResult {
  sent: number;
  retried: number;
  failed: number;
  suppressed: number;
  /** Not sent after all: no address any more, or turned off since. */
  dropped: number;
  /** Claimed by another process, or already sent. */
  skipped: number;
}

const defaultOwner = `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
const quiet = { info: () => undefined, warn: () => undefined };

type Candidate = Pick<NotificationDoc, '_id' | 'email'>;

/** Whether a notification read now may be sent by a run at `now`. */
function due(n: Candidate, now: Date): boolean {
  const e = n.email;
  if (e?.state === 'pending') return !e.nextAttemptAt || e.nextAttemptAt <= now;
  return e?.state === 'sending' && (!e.leaseUntil || e.leaseUntil <= now);
}

/** The messages a run looks at: pending ones (a few more than `limit`: some wait for a retry) and those whose lease ran out. */
async function candidates(limit: number, now: Date): Promise<Candidate[]> {
  const pending = await Notification.find({ 'email.state': 'pending' }).select('_id email').limit(limit + 50).lean<Candidate[]>();
  const sending = await Notification.find({ 'email.state': 'sending' }).select('_id email').lean<Candidate[]>();
  return [...pending, ...sending].filter((n) => due(n, now)).slice(0, limit);
}

/** Whether it was sent already (the record written right after the server accepted it). */
async function alreadySent(id: Types.ObjectId): Promise<boolean> {
  return (await DeliveryClaim.exists({ _id: `${String(id)}:sent` })) !== null;
}

/**
 * Takes the next attempt of one message: the attempt number, or null when another process holds
 * it (or it was sent). A claim whose lease ran out without the message moving on is passed over.
 */
async function claim(n: Candidate, owner: string, now: Date): Promise<number | null> {
  const first = (n.email?.attempts ?? 0) + 1;
  for (let k = first; k < first + MAX_ATTEMPTS; k += 1) {
    const leaseUntil = new Date(now.getTime() + LEASE_MS);
    if (await insertOnce(DeliveryClaim, { _id: `${String(n._id)}:${k}`, owner, leaseUntil, at: now })) {
      // What it is now, read after the claim: another run may have finished it meanwhile.
      const fresh = await Notification.findById(n._id).select('_id email').lean<Candidate>();
      if (!fresh || !due(fresh, now)) return null;
      if (await alreadySent(n._id)) {
        await markSentState(n._id, now); // its state was lost to a concurrent write: say it again
        return null;
      }
      await Notification.updateOne({ _id: n._id }, { $set: { 'email.state': 'sending', 'email.attempts': k, 'email.leaseUntil': leaseUntil, 'email.leaseOwner': owner } });
      return k;
    }
    const held = await DeliveryClaim.findById(`${String(n._id)}:${k}`).select('leaseUntil').lean<{ leaseUntil: Date }>();
    if (held && held.leaseUntil > now) return null;
  }
  return null;
}

/** Its state says sent (looked at again a moment later: a concurrent write, a reader opening it, may lose it). */
async function markSentState(id: Types.ObjectId, now: Date): Promise<void> {
  const update = { $set: { 'email.state': 'sent', 'email.sentAt': now, 'email.leaseUntil': null, 'email.lastError': null } };
  await updateSurely<NotificationDoc>(Notification, id, 'email', update, (doc) => doc.email?.state === 'sent');
}

/** The record that it was sent first (what every later claim checks), then its state. */
async function markSent(id: Types.ObjectId, now: Date): Promise<void> {
  await insertOnce(DeliveryClaim, { _id: `${String(id)}:sent`, owner: 'sent', leaseUntil: now, at: now });
  await markSentState(id, now);
}

async function markFailure(id: Types.ObjectId, attempt: number, err: unknown, now: Date): Promise<'retried' | 'failed'> {
  const lastError = (err instanceof Error ? err.message : String(err)).slice(0, 300);
  const giveUp = isPermanent(err) || attempt >= MAX_ATTEMPTS;
  const nextAttemptAt = giveUp ? null : new Date(now.getTime() + (BACKOFF_MS[attempt - 1] ?? BACKOFF_MS[BACKOFF_MS.length - 1]!));
  await Notification.updateOne({ _id: id }, { $set: { 'email.state': giveUp ? 'failed' : 'pending', 'email.nextAttemptAt': nextAttemptAt, 'email.leaseUntil': null, 'email.lastError': lastError } });
  return giveUp ? 'failed' : 'retried';
}

/** Sends one claimed message; what became of it. */
async function deliverOne(id: Types.ObjectId, attempt: number, channel: Channel, opts: DeliveryOptions, now: Date): Promise<keyof DeliveryResult> {
  const n = await Notification.findById(id).lean<NotificationDoc>();
  const contact = n ? await contactOf(n.user) : null;
  if (!n || !contact?.email || contact.disabled || !wantsByChoices(await choicesOf(n.user), n.kind)) {
    await Notification.updateOne({ _id: id }, { $set: { 'email.state': 'none', 'email.leaseUntil': null } });
    return 'dropped';
  }
  const { config } = opts;
  const message = renderEmail(n, contact.email, localeOf(contact.locale, config.defaultLocale), { baseUrl: config.baseUrl, from: config.mail.from, secret: config.sessionSecret, dataDir: config.dataDir });
  try {
    await channel.send(message);
  } catch (err) {
    (opts.logger ?? quiet).warn({ err, notification: String(id), attempt }, 'an email could not be sent');
    return markFailure(id, attempt, err, now);
  }
  await markSent(id, now);
  return 'sent';
}

/** No channel: every pending email is suppressed (nothing is sent, nothing fails; the inbox has them). */
async function suppressAll(limit: number): Promise<number> {
  const pending = await Notification.find({ 'email.state': 'pending' }).select('_id').limit(limit).lean();
  for (const n of pending) await Notification.updateOne({ _id: n._id }, { $set: { 'email.state': 'suppressed' } });
  return pending.length;
}

/** One run: up to `limit` emails claimed and sent, one at a time. Safe to run in several processes at once. */
export async function runDelivery(opts: DeliveryOptions): Promise<DeliveryResult> {
  const now = opts.now ?? new Date();
  const limit = opts.limit ?? 100;
  const result: DeliveryResult = { sent: 0, retried: 0, failed: 0, suppressed: 0, dropped: 0, skipped: 0 };
  const channel = opts.channel === undefined ? channelFor(opts.config, opts.logger ?? quiet) : opts.channel;
  if (!channel) {
    result.suppressed = await suppressAll(limit);
    return result;
  }
  for (const n of await candidates(limit, now)) {
    const attempt = await claim(n, opts.owner ?? defaultOwner, now);
    if (attempt === null) result.skipped += 1;
    else result[await deliverOne(n._id, attempt, channel, opts, now)] += 1;
  }
  return result;
}

/** The server's delivery job: a run every `everyMs`, another at once while runs come back full. */
export function startDeliveryJob(config: Config, logger: Logger, everyMs = 15_000): () => void {
  const channel = channelFor(config, logger);
  let running = false;
  let stopped = false;
  const tick = async (): Promise<void> => {
    if (running || stopped) return;
    running = true;
    try {
      let r: DeliveryResult;
      do {
        r = await runJob('notifications.delivery', () => runDelivery({ config, channel, logger, limit: 100 }));
        if (r.sent + r.failed + r.retried > 0) logger.info(r, 'emails delivered');
      } while (!stopped && r.sent + r.retried + r.failed + r.dropped + r.suppressed >= 100);
    } catch (err) {
      logger.warn({ err }, 'email delivery failed; will try again');
    } finally {
      running = false;
    }
  };
  const timer = setInterval(() => void tick(), everyMs);
  timer.unref();
  return () => {
    stopped = true;
    clearInterval(timer);
  };
}

/** The outbox's email queue for `GET /metrics`: waiting to be sent, and being sent now (equalities on an indexed field). */
export async function outboxQueues(): Promise<Record<string, number>> {
  const [waiting, sending] = await Promise.all([Notification.countDocuments({ 'email.state': 'pending' }), Notification.countDocuments({ 'email.state': 'sending' })]);
  return { outbox_waiting: waiting, outbox_sending: sending };
}
