/** What the unit picker (views/partials/unit-picker.ejs) shows for what a person typed or picked. */
import type { Actor } from '../shared/actor';
import type { UnitDoc } from './unit.model';
import { resolveUnit } from './unit-search';

export interface UnitPicker {
  value: string;
  choices: UnitDoc[];
  more: boolean;
  /** A search was asked for (so "nothing found" is said when there is no choice). */
  searched: boolean;
  picked: string;
}

export const emptyPicker = (value = ''): UnitPicker => ({ value, choices: [], more: false, searched: false, picked: '' });

/** The units that match what was typed (none when it names one unit exactly, unless `searched`). */
export async function unitPicker(actor: Actor, typed: string, picked: string, searched: boolean): Promise<UnitPicker> {
  const { unit, choices, more } = await resolveUnit(actor, typed);
  return { value: typed, choices: unit && searched ? [unit] : choices, more, searched, picked };
}

/** The picker beside a refused form: the matching units when the unit was the problem, else what was picked or typed. */
export async function pickerAfterError(actor: Actor, unitRefused: boolean, typed: string, picked: string): Promise<UnitPicker> {
  return unitRefused ? unitPicker(actor, typed, picked, false) : emptyPicker(picked || typed);
}

/** The unit a form names: the radio picked, else the text typed. */
export function unitTyped(body: { unitPick?: string; unitCode?: string }): string {
  return (body.unitPick || body.unitCode || '').trim();
}
