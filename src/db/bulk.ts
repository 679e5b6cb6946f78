/**
 * Many updates, each sent as its own one-statement `update` command.
 *
 * FerretDB v1.24.2 keeps the query of every statement of an `update` command open (and its
 * PostgreSQL connection checked out) until the whole command ends (`defer` in a loop in its
 * `updateDocument`): one `bulkWrite` of more statements than its pool has connections waits
 * for ever, and two smaller ones at once can deadlock each other. One statement per command
 * holds one connection at a time; a few run side by side for speed. Works the same on MongoDB.
 * `bulkWrite` is refused by eslint in src/ for this reason.
 */

import { isDuplicateKey } from './insert-once';

export interface UpdateOp {
  filter: Record<string, unknown>;
  update: Record<string, unknown>;
}

/** How many one-statement updates run at once: far below the store's pool (STORE_POOL_MAX_CONNS). */
export const UPDATE_CONCURRENCY = 4;

/**
 * Applies every update (unordered: all are tried; the first error is thrown afterwards).
 * Returns how many documents matched and were modified.
 */
interface Updatable {
  updateOne(filter: never, update: never): PromiseLike<{ matchedCount: number; modifiedCount: number }>;
}

export async function updateEach(model: Updatable, ops: UpdateOp[], opts: { concurrency?: number } = {}): Promise<{ matched: number; modified: number }> {
  let firstError: unknown;
  const results = await mapLimit(
    ops,
    (op) =>
      Promise.resolve(model.updateOne(op.filter as never, op.update as never)).catch((err: unknown) => {
        firstError ??= err;
        return { matchedCount: 0, modifiedCount: 0 };
      }),
    opts.concurrency ?? UPDATE_CONCURRENCY,
  );
  if (firstError) throw firstError;
  return { matched: results.reduce((n, r) => n + r.matchedCount, 0), modified: results.reduce((n, r) => n + r.modifiedCount, 0) };
}

/** How many documents one `insert` command carries: well below the store's message and batch limits. */
export const INSERT_CHUNK = 1000;

interface Insertable {
  insertMany(docs: never[], options: { ordered: false }): PromiseLike<unknown>;
}

/**
 * Inserts every document, INSERT_CHUNK per command, unordered: a duplicate key (code 11000)
 * skips that document and the rest go on. Says whether any document was skipped so, for the
 * caller to find out which (the store's error does not say so reliably).
 */
export async function insertEach(model: Insertable, docs: readonly object[]): Promise<{ duplicates: boolean }> {
  let duplicates = false;
  for (let i = 0; i < docs.length; i += INSERT_CHUNK) {
    try {
      await model.insertMany(docs.slice(i, i + INSERT_CHUNK) as never[], { ordered: false });
    } catch (err) {
      const e = err as { code?: number; writeErrors?: { code?: number }[] };
      const allDuplicates = Array.isArray(e.writeErrors) && e.writeErrors.length > 0 ? e.writeErrors.every(isDuplicateKey) : isDuplicateKey(e);
      if (!allDuplicates) throw err;
      duplicates = true;
    }
  }
  return { duplicates };
}

/**
 * `fn` over every item, a few at a time, results in order: for reading many documents by an
 * indexed key one by one where an `$in` would make the embedded store read a whole collection.
 */
export async function mapLimit<T, R>(items: readonly T[], fn: (item: T) => Promise<R>, concurrency = 8): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i]!);
      }
    }),
  );
  return out;
}
