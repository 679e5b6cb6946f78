/**
 * The organisation tree held in each process. The tree is small (about 8,000 units for the
 * whole country) and changes only by an org import, while nearly every staff page looks up
 * several units: reading them from memory spares the store one round trip per unit.
 *
 * An import marks the topic `org` changed (src/shared/changes.ts) when it is done. Each
 * process checks that mark at most every CHECK_MS (one lookup by `_id`) and reloads the
 * whole tree when it differs; the process that imported reloads at once. So another
 * process sees an import within CHECK_MS. Units handed out are frozen: they are shared by
 * every request of the process.
 */
import mongoose from 'mongoose';
import { changedAt, markChanged } from '../shared/changes';
import { foldForSearch } from '../shared/text';
import { Unit, type UnitDoc } from './unit.model';

export interface UnitTree {
  version: string | null;
  byId: Map<string, UnitDoc>;
  byCode: Map<string, UnitDoc>;
  /** Children of each unit, by code. */
  children: Map<string, UnitDoc[]>;
  /** Every unit, by code. */
  all: UnitDoc[];
  /** Each unit's search key (by id): its code and names, lower case without diacritics. */
  searchKey: Map<string, string>;
}

export const treeCache = { CHECK_MS: 5_000 };

let loaded: { tree: Promise<UnitTree>; checkedAt: number; db: unknown } | null = null;
let checking: Promise<void> | null = null;

async function currentVersion(): Promise<string | null> {
  return (await changedAt('org'))?.toISOString() ?? null;
}

function freeze(u: UnitDoc): UnitDoc {
  Object.freeze(u.lineage);
  return Object.freeze(u);
}

async function load(): Promise<UnitTree> {
  const version = await currentVersion();
  const all = (await Unit.find({}).lean<UnitDoc[]>()).map(freeze).sort((a, b) => a.code.localeCompare(b.code));
  const byId = new Map(all.map((u) => [String(u._id), u]));
  const byCode = new Map(all.map((u) => [u.code, u]));
  const children = new Map<string, UnitDoc[]>();
  for (const u of all) {
    if (!u.parent) continue;
    const list = children.get(String(u.parent));
    if (list) list.push(u);
    else children.set(String(u.parent), [u]);
  }
  const searchKey = new Map(all.map((u) => [String(u._id), foldForSearch(`${u.code} ${u.nameVi} ${u.nameEn}`)]));
  return { version, byId, byCode, children, all, searchKey };
}

/** The tree as this process knows it: loaded once, reloaded when an import changed it. */
export async function unitTree(): Promise<UnitTree> {
  const db = mongoose.connection.db;
  if (!loaded || loaded.db !== db) {
    const tree = load();
    loaded = { tree, checkedAt: Date.now(), db };
    tree.catch(() => {
      if (loaded?.tree === tree) loaded = null; // a failed load is not kept
    });
    return tree;
  }
  if (Date.now() - loaded.checkedAt >= treeCache.CHECK_MS) {
    const mine = loaded;
    checking ??= (async () => {
      try {
        const [version, tree] = await Promise.all([currentVersion(), mine.tree]);
        mine.checkedAt = Date.now();
        if (version !== tree.version && loaded === mine) forgetTree();
      } finally {
        checking = null;
      }
    })();
    await checking.catch(() => undefined);
    if (!loaded) return unitTree(); // changed: load it now (checked just before, so no second check)
  }
  return loaded.tree;
}

/** Drops this process's copy (the next lookup reloads it). */
export function forgetTree(): void {
  loaded = null;
}

/** Says that the tree changed: every process reloads it (this one at once). */
export async function treeChanged(): Promise<void> {
  await markChanged('org');
  forgetTree();
}
