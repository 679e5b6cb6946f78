/**
 * The retraining section of a unit's dashboard. Retraining counts its figures from its own
 * records and depends on reports (for the people count and the file helpers), so reports does
 * not import it: retraining fills this slot in its `wire` (src/wiring.ts) with the view to
 * include and its locals, and the dashboard shows whatever the slot gives.
 */
import type { UnitDoc } from '../org';
import { createSlot } from '../shared/events';

/** A section of the dashboard: an EJS view (relative to views/reports/) and its locals. */
export interface DashboardSection {
  view: string;
  locals: Record<string, unknown>;
}
export type RetrainingFiguresOf = (unit: UnitDoc) => Promise<DashboardSection | null>;

const retrainingFigures = createSlot<RetrainingFiguresOf>('reports.retrainingFigures');

export function registerRetrainingFigures(provider: RetrainingFiguresOf): void {
  retrainingFigures.set(provider);
}

/** The unit's retraining section, or null when nothing fills the slot. */
export async function retrainingSectionOf(unit: UnitDoc): Promise<DashboardSection | null> {
  return (await retrainingFigures.get()?.(unit)) ?? null;
}
