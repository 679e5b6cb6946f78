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
import { mapLimit } from '../db/bulk';

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
  return Unit.findOne({ code }).lean<UnitDoc>();
}

export async function findUnitById(id: Types.ObjectId | string): Promise<UnitDoc | null> {
  return Unit.findById(id).lean<UnitDoc>();
}

/** The unit with `code` if it lies in the actor's subtree; otherwise NotFound (as if it did not exist). */
export async function unitInScope(actor: Actor, code: string): Promise<UnitDoc> {
  const unit = await Unit.findOne({ code, lineage: actor.unitId }).lean<UnitDoc>();
  if (!unit) throw new NotFound(`unit ${code} not in scope of ${actor.username}`);
  return unit;
}

/** The units from the actor's own unit down to `unit`'s parent: a breadcrumb that starts where their scope does (one query). */
export async function trailWithin(actor: Actor, unit: UnitDoc): Promise<UnitDoc[]> {
  const ids = unit.lineage.slice(unit.lineage.findIndex((id) => String(id) === String(actor.unitId)), -1);
  const units = await unitsByIds(ids);
  return ids.map((id) => units.get(String(id))).filter((u) => u !== undefined);
}

export async function childrenOf(unitId: Types.ObjectId): Promise<UnitDoc[]> {
  return Unit.find({ parent: unitId }).sort({ code: 1 }).lean<UnitDoc[]>();
}

/**
 * Units by id, for showing names beside records: one lookup by `_id` per distinct id, side
 * by side (an `$in` would make the embedded store read every unit). For a page's few ids.
 */
export async function unitsByIds(ids: Types.ObjectId[]): Promise<Map<string, UnitDoc>> {
  const distinct = [...new Set(ids.filter(Boolean).map(String))];
  const units = await Promise.all(distinct.map((id) => Unit.findById(id).lean<UnitDoc>()));
  return new Map(units.filter((u): u is UnitDoc => u !== null).map((u) => [String(u._id), u]));
}

/** Units by code (one lookup by `code` each, a few at a time): for a file's codes. */
export async function unitsByCodes(codes: string[]): Promise<Map<string, UnitDoc>> {
  const distinct = [...new Set(codes.filter(Boolean))];
  const units = await mapLimit(distinct, (code) => Unit.findOne({ code }).lean<UnitDoc>().exec());
  return new Map(units.filter((u): u is UnitDoc => u !== null).map((u) => [u.code, u]));
}

/** The id of every unit, for background work that goes a unit at a time. */
export async function allUnitIds(): Promise<Types.ObjectId[]> {
  return (await Unit.find({}).select('_id').lean<{ _id: Types.ObjectId }[]>()).map((u) => u._id);
}

/** The units of the subtree under `unit` (itself included), by code. */
export async function subtreeOf(unit: UnitDoc): Promise<UnitDoc[]> {
  const units = await Unit.find({ lineage: unit._id }).lean<UnitDoc[]>();
  return units.sort((a, b) => a.code.localeCompare(b.code));
}

/** The central unit (the issuer of certificates); whatever its code. */
export async function centralUnit(): Promise<UnitDoc | null> {
  return Unit.findOne({ level: 'central' }).lean<UnitDoc>();
}
