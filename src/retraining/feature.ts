import type { Feature } from '../feature';
import { onAttendanceChanged, onSessionStatusChanged } from './events';
import { retrainingFiguresRoutes, startRetrainingFiguresJob, wireRetrainingFigures } from './figures-feature';
import { attendanceCounted, sessionCounted } from './figures.service';

export const retrainingFeature: Feature = {
  name: 'retraining',
  routes: () => [retrainingFiguresRoutes()],
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
