import type { Feature } from '../feature';
import { checkinRoutes } from './checkin.routes';
import { onAttendanceChanged, onSessionStatusChanged } from './events';
import { retrainingFiguresRoutes, startRetrainingFiguresJob, wireRetrainingFigures } from './figures-feature';
import { attendanceCounted, sessionCounted } from './figures.service';
import { retrainingRoutes } from './retraining.routes';

export const retrainingFeature: Feature = {
  name: 'retraining',
  // the check-in routes and the staff figures first: `/retraining/checkin` and `/retraining/units/…` are not a session's id
  routes: (ctx) => [checkinRoutes(ctx), retrainingFiguresRoutes(), retrainingRoutes(ctx.config, ctx.catalog)],
  // trainers and staff: their sessions; volunteers (and trainers, from their list): My sessions
  nav: [{ href: '/retraining', key: 'nav.retraining', abilities: ['manageRetraining', 'attendRetraining'], order: 45, more: ['trainer', 'staff', 'admin'] }],
  wire: () => {
    // staff figures: an attendance recorded or removed counts its people, units and trainer again
    onAttendanceChanged(attendanceCounted);
    // a session closed (held) or cancelled counts its unit and trainer again
    onSessionStatusChanged(sessionCounted);
    wireRetrainingFigures();
  },
  // keeps the staff figures (tallies) up to date from their marks
  jobs: ({ logger }) => startRetrainingFiguresJob(logger),
};
