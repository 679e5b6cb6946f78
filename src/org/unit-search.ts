/**
 * Finding a unit the way a person names it: by code or by name, with or without diacritics
 * ("ba dinh" finds "Phường Ba Đình"), only inside the actor's subtree. The tree is held in
 * memory (./unit-tree) with a folded search key per unit, so no search reads the store.
 */
import type { Actor } from '../shared/actor';
import { foldForSearch } from '../shared/text';
import type { UnitDoc } from './unit.model';
import { unitTree, type UnitTree } from './unit-tree';

export const UNIT_CHOICES_MAX = 30;

/** The units of the actor's subtree, from their own unit down (levels in tree order). */
function* scopeOf(tree: UnitTree, actor: Actor): Generator<UnitDoc> {
  const root = tree.byId.get(String(actor.unitId));
  if (!root) return;
  const queue: UnitDoc[] = [root];
  for (let i = 0; i < queue.length; i++) {
    const u = queue[i]!;
    yield u;
    for (const c of tree.children.get(String(u._id)) ?? []) queue.push(c);
  }
}

const inScope = (unit: UnitDoc | undefined, actor: Actor): unit is UnitDoc => Boolean(unit && unit.lineage.some((id) => String(id) === String(actor.unitId)));

/**
 * Units in scope whose code or name contains every word of `text` (folded), the closest
 * levels first; at most `max` (and whether there were more).
 */
export async function searchUnits(actor: Actor, text: string, max = UNIT_CHOICES_MAX): Promise<{ units: UnitDoc[]; more: boolean }> {
  const words = foldForSearch(text).split(' ').filter(Boolean);
  if (words.length === 0) return { units: [], more: false };
  const tree = await unitTree();
  const units: UnitDoc[] = [];
  for (const u of scopeOf(tree, actor)) {
    const key = tree.searchKey.get(String(u._id)) ?? '';
    if (!words.every((w) => key.includes(w))) continue;
    if (units.length === max) return { units, more: true };
    units.push(u);
  }
  return { units, more: false };
}

/**
 * What a typed unit means: its exact code, or a name (Vietnamese or English, diacritics and
 * case ignored) that only one unit in scope has, or "Name (CODE)" as the picker shows it.
 * Otherwise the units it could be (`choices`, empty when none): an out-of-scope code is
 * answered exactly like an unknown one.
 */
export async function resolveUnit(actor: Actor, text: string): Promise<{ unit: UnitDoc | null; choices: UnitDoc[]; more: boolean }> {
  const typed = text.trim();
  if (!typed) return { unit: null, choices: [], more: false };
  const tree = await unitTree();
  const shown = /\(([A-Za-z0-9._-]{1,32})\)\s*$/.exec(typed)?.[1];
  for (const code of [typed, shown]) {
    const unit = code ? tree.byCode.get(code) : undefined;
    if (inScope(unit, actor)) return { unit, choices: [], more: false };
  }
  const folded = foldForSearch(typed);
  const named: UnitDoc[] = [];
  for (const u of scopeOf(tree, actor)) {
    if (u.code.toLowerCase() === folded || foldForSearch(u.nameVi) === folded || foldForSearch(u.nameEn) === folded) named.push(u);
  }
  if (named.length === 1) return { unit: named[0]!, choices: [], more: false };
  if (named.length > 1) return { unit: null, choices: named.slice(0, UNIT_CHOICES_MAX), more: named.length > UNIT_CHOICES_MAX };
  const { units, more } = await searchUnits(actor, typed);
  return { unit: null, choices: units, more };
}

/** The unit a form's text names, or the message key saying why not (unknown and out of scope alike). */
export async function unitNamed(actor: Actor, text: string): Promise<{ unit: UnitDoc; problem: null } | { unit: null; problem: 'unitPicker.unknown' | 'unitPicker.ambiguous' }> {
  const { unit, choices } = await resolveUnit(actor, text);
  if (unit) return { unit, problem: null };
  return { unit: null, problem: choices.length > 1 ? 'unitPicker.ambiguous' : 'unitPicker.unknown' };
}
