/**
 * The organisation tree: finding units, their children, and what lies inside an actor's scope.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Types } from 'mongoose';
import type { Locale } from '../config';
import type { Actor } from '../shared/actor';
import { NotFound } from '../shared/errors';
import { projectRoot } from '../shared/paths';
import { importOrgCsv, type ImportReport } from './org-import';
import { Unit, type UnitDoc } from './unit.model';
import { unitTree } from './unit-tree';

export const DEFAULT_TREE_FILE = path.join(projectRoot, 'src', 'org', 'provinces.csv');

/** Loads the default tree (central + 34 provinces) when there is no unit at all. */
export async function loadDefaultTreeIfEmpty(): Promise<ImportReport | null> {
  if ((await Unit.estimatedDocumentCount()) > 0) return null;
  return importOrgCsv(fs.readFileSync(DEFAULT_TREE_FILE, 'utf8'));
}

export function unitName(unit: Pick<UnitDoc, 'nameVi' | 'nameEn'>, locale: Locale): string {
  return locale === 'en' ? unit.nameEn : unit.nameVi;
}

export async function findUnitByCode(code: string): Promise<UnitDoc | null> {
  return (await unitTree()).byCode.get(code) ?? null;
}

export async function findUnitById(id: Types.ObjectId | string): Promise<UnitDoc | null> {
  return (await unitTree()).byId.get(String(id)) ?? null;
}

const inside = (unit: UnitDoc, ancestorId: Types.ObjectId | string) => unit.lineage.some((id) => String(id) === String(ancestorId));

/** The unit with `code` if it lies in the actor's subtree; otherwise NotFound (as if it did not exist). */
export async function unitInScope(actor: Actor, code: string): Promise<UnitDoc> {
  const unit = typeof code === 'string' ? (await unitTree()).byCode.get(code) : undefined;
  if (!unit || !inside(unit, actor.unitId)) throw new NotFound(`unit ${code} not in scope of ${actor.username}`);
  return unit;
}

/** The units from the actor's own unit down to `unit`'s parent: a breadcrumb that starts where their scope does. */
export async function trailWithin(actor: Actor, unit: UnitDoc): Promise<UnitDoc[]> {
  const ids = unit.lineage.slice(unit.lineage.findIndex((id) => String(id) === String(actor.unitId)), -1);
  const units = await unitsByIds(ids);
  return ids.map((id) => units.get(String(id))).filter((u) => u !== undefined);
}

/** The unit's children, by code. */
export async function childrenOf(unitId: Types.ObjectId): Promise<UnitDoc[]> {
  return [...((await unitTree()).children.get(String(unitId)) ?? [])];
}

/** Units by id, for showing names beside records. */
export async function unitsByIds(ids: Types.ObjectId[]): Promise<Map<string, UnitDoc>> {
  const tree = await unitTree();
  const out = new Map<string, UnitDoc>();
  for (const id of ids) {
    const u = id ? tree.byId.get(String(id)) : undefined;
    if (u) out.set(String(u._id), u);
  }
  return out;
}

/** Units by code: for a file's codes. */
export async function unitsByCodes(codes: string[]): Promise<Map<string, UnitDoc>> {
  const tree = await unitTree();
  const out = new Map<string, UnitDoc>();
  for (const code of codes) {
    const u = code ? tree.byCode.get(code) : undefined;
    if (u) out.set(u.code, u);
  }
  return out;
}

/** The id of every unit, for background work that goes a unit at a time. */
export async function allUnitIds(): Promise<Types.ObjectId[]> {
  return (await unitTree()).all.map((u) => u._id);
}

/** The units of the subtree under `unit` (itself included), by code. */
export async function subtreeOf(unit: Pick<UnitDoc, '_id'>): Promise<UnitDoc[]> {
  const tree = await unitTree();
  const out: UnitDoc[] = [];
  const walk = (u: UnitDoc) => {
    out.push(u);
    for (const c of tree.children.get(String(u._id)) ?? []) walk(c);
  };
  const root = tree.byId.get(String(unit._id));
  if (root) walk(root);
  return out.sort((a, b) => a.code.localeCompare(b.code));
}

/** The central unit (the issuer of certificates); whatever its code. */
export async function centralUnit(): Promise<UnitDoc | null> {
  return (await unitTree()).all.find((u) => u.level === 'central') ?? null;
}
