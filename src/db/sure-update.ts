/**
 * An update of one document that is looked at again a moment later, and made again if it was
 * lost. The embedded store applies an update by reading the document, changing it in Go and
 * writing it back whole (docs/STORE-NOTES.md), so two updates of one document at once can lose
 * one: a sign-in's `lastLoginAt` written over a course just added to the person's `completed`,
 * or a completion's copy written over an account just disabled. Each update that must hold
 * says how to see that it holds; it is checked RECHECK_MS later (when any concurrent write has
 * long ended) and made again, up to TRIES times. MongoDB applies updates atomically: there the
 * check finds it holding.
 */
import mongoose, { type Model, type Types, type UpdateQuery } from 'mongoose';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any model: the check reads the document as the caller types it
type AnyModel = Model<any>;

export const sureUpdates = { RECHECK_MS: 1_500, TRIES: 5 };

const underWay = new Set<Promise<void>>();

export async function updateSurely<T>(model: AnyModel, id: Types.ObjectId, update: UpdateQuery<unknown>, holds: (doc: T) => boolean): Promise<{ modifiedCount: number }> {
  const res = await model.updateOne({ _id: id }, update);
  recheckLater(model, id, update, holds);
  return res;
}

/** Looks again at a document after an update already made (for an update whose filter says more than `_id`). */
export function recheckLater<T>(model: AnyModel, id: Types.ObjectId, update: UpdateQuery<unknown>, holds: (doc: T) => boolean, tries = 1): void {
  const db = model.db;
  const timer = setTimeout(() => {
    const check = (async () => {
      if (db.readyState !== mongoose.ConnectionStates.connected) return; // shut down meanwhile
      const doc = await model.findById(id).lean<T>();
      if (!doc || holds(doc)) return;
      await model.updateOne({ _id: id }, update);
      if (tries < sureUpdates.TRIES) recheckLater(model, id, update, holds, tries + 1);
    })()
      .catch(() => undefined) // the store is away: reconciliation and the repair jobs catch what is left
      .finally(() => underWay.delete(check));
    underWay.add(check);
  }, sureUpdates.RECHECK_MS);
  timer.unref();
}

/** Waits for the checks already begun (tests). */
export async function sureUpdatesDone(): Promise<void> {
  await Promise.all([...underWay]);
}
