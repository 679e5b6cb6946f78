/**
 * The store's answer when a unique index refuses a write is the error code 11000 (MongoDB and
 * FerretDB alike). Many writes rely on it: "insert, and if it is there already, someone did it".
 */

/** Whether `err` is a duplicate key: a unique index already holds this value. */
export function isDuplicateKey(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === 11000;
}

interface Creatable {
  create(doc: never): PromiseLike<unknown>;
}

/**
 * Inserts `doc` unless a unique key of it is taken: true when inserted, false when it was
 * there already (or written at the same moment by another request). Other errors are thrown.
 */
export async function insertOnce(model: Creatable, doc: Record<string, unknown>): Promise<boolean> {
  try {
    await model.create(doc as never);
    return true;
  } catch (err) {
    if (isDuplicateKey(err)) return false;
    throw err;
  }
}
