/**
 * Sessions held and people retrained in person by each trainer of a cascade page. Retraining
 * depends on cohorts (it invites cohorts), so cohorts does not import it: retraining fills this
 * slot in its `wire` (src/wiring.ts). Empty when nothing fills it.
 */
import type { Types } from 'mongoose';
import { createSlot } from '../shared/events';

export interface TrainerRetraining {
  held: number;
  retrained: number;
}
export type RetrainingOfTrainers = (trainerIds: Types.ObjectId[]) => Promise<Map<string, TrainerRetraining>>;

const retrainingOfTrainers = createSlot<RetrainingOfTrainers>('cohorts.retrainingOfTrainers');

export function registerRetrainingOfTrainers(provider: RetrainingOfTrainers): void {
  retrainingOfTrainers.set(provider);
}

/** Each trainer's figures (by id), or null when nothing fills the slot. */
export async function retrainingOfTrainersIn(trainerIds: Types.ObjectId[]): Promise<Map<string, TrainerRetraining> | null> {
  const provider = retrainingOfTrainers.get();
  return provider ? provider(trainerIds) : null;
}
