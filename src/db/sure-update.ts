/**
 * An update of one document that is looked at again a moment later, and made again if it was
 * lost. The embedded store applies an update by reading the document, changing it in Go and
 * writing it back whole (docs/STORE-NOTES.md), so two updates of one document at once can lose
 * one: a sign-in's `lastLoginAt` written over a course just added to the person's `completed`,
 * or a completion's copy written over an account just disabled. Each update that must hold
 * names what it sets (`what`: the later of two updates of the same thing is the one wanted) and
 * says how to see that it holds; it is checked RECHECK_MS later (when any concurrent write has
 * long ended) and made again, up to TRIES times, unless a later update of the same thing came
 * since. MongoDB applies updates atomically: there the check finds it holding.
 */
import mongoose, { type Model, type Types, type UpdateQuery } from 'mongoose';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any model: the check reads the document as the caller types it
type AnyModel = Model<any>;

export const sureUpdates = { RECHECK_MS: 1_500, TRIES: 5 };

interface Check {
  timer: NodeJS.Timeout;
  run: () => Promise<void>;
}
const scheduled = new Set<Check>();
const underWay = new Set<Promise<void>>();
/** The newest update of each thing (model, document, what) made in this process. */
const latest = new Map<string, number>();
let sequence = 0;

export async function updateSurely<T>(model: AnyModel, id: Types.ObjectId, what: string, update: UpdateQuery<unknown>, holds: (doc: T) => boolean): Promise<{ modifiedCount: number }> {
  const mine = claim(model, id, what);
  const res = await model.updateOne({ _id: id }, update);
  schedule(model, id, what, mine, update, holds, 1);
  return res;
}

/** Looks again at a document after an update already made (for an update whose filter says more than `_id`). */
export function recheckLater<T>(model: AnyModel, id: Types.ObjectId, what: string, update: UpdateQuery<unknown>, holds: (doc: T) => boolean): void {
  schedule(model, id, what, claim(model, id, what), update, holds, 1);
}

function keyOf(model: AnyModel, id: Types.ObjectId, what: string): string {
  return `${model.modelName}:${String(id)}:${what}`;
}

function claim(model: AnyModel, id: Types.ObjectId, what: string): number {
  const n = ++sequence;
  latest.set(keyOf(model, id, what), n);
  return n;
}

function schedule<T>(model: AnyModel, id: Types.ObjectId, what: string, mine: number, update: UpdateQuery<unknown>, holds: (doc: T) => boolean, tries: number): void {
  const key = keyOf(model, id, what);
  const db = model.db;
  const run = async () => {
    scheduled.delete(check);
    if (latest.get(key) !== mine) return; // a later update of the same thing is the one wanted
    let again = false;
    const work = (async () => {
      if (db.readyState !== mongoose.ConnectionStates.connected) return; // shut down meanwhile
      const doc = await model.findById(id).lean<T>();
      if (!doc || holds(doc) || latest.get(key) !== mine) return;
      await model.updateOne({ _id: id }, update);
      if (tries < sureUpdates.TRIES) {
        again = true;
        schedule(model, id, what, mine, update, holds, tries + 1);
      }
    })()
      .catch(() => undefined) // the store is away: reconciliation and the repair jobs catch what is left
      .finally(() => {
        underWay.delete(work);
        if (!again && latest.get(key) === mine) latest.delete(key); // memory stays bounded
      });
    underWay.add(work);
    await work;
  };
  const check: Check = { timer: setTimeout(() => void run(), sureUpdates.RECHECK_MS), run };
  check.timer.unref();
  scheduled.add(check);
}

/** Runs every check now and waits for them (tests, before they change documents by hand). */
export async function sureUpdatesDone(): Promise<void> {
  while (scheduled.size || underWay.size) {
    const due = [...scheduled];
    for (const c of due) clearTimeout(c.timer);
    await Promise.all([...due.map((c) => c.run()), ...underWay]);
  }
}
