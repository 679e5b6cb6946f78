/**
 * The staff figures' part of the retraining feature (./feature.ts takes its routers, listeners
 * and job from here): the unit page and files, the dashboard section and cascade column filled
 * in through reports' and cohorts' slots, and the job that keeps the tallies.
 */
import { onPeopleMoved } from '../accounts';
import { registerRetrainingOfTrainers } from '../cohorts';
import { registerRetrainingFigures } from '../reports';
import { retrainingFiguresRoutes } from './figures.routes';
import { retrainingOfTrainers, retrainingOfUnit, startRetrainingFiguresJob } from './figures-read';
import { retrainedFollowTheirUnit } from './figures.service';

export { retrainingFiguresRoutes, startRetrainingFiguresJob };

/** The listeners and slots of the figures (called from the feature's `wire`). */
export function wireRetrainingFigures(): void {
  // the unit's dashboard shows the same figures as /retraining/units/:unitId
  registerRetrainingFigures(async (unit) => ({ view: '../retraining/_unit-section', locals: { r: await retrainingOfUnit(unit) } }));
  // the cascade page: sessions held and people retrained in person, per trainer
  registerRetrainingOfTrainers(retrainingOfTrainers);
  // a retrained person who moves is counted where they are now
  onPeopleMoved(retrainedFollowTheirUnit);
}
