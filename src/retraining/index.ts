export { recordAttendance, removeAttendance, type AttendanceOutcome } from './attendance.service';
export { CheckInNotOpen, SessionCancelled, SessionClosed, TooEarly } from './errors';
export { attendanceChanged, onAttendanceChanged, onSessionStatusChanged, sessionStatusChanged, type AttendanceChange } from './events';
export { managedSession, managesSession, sessionById, OPEN_BEFORE_MS } from './scope';
export { ATTENDANCE_VIA, PLACE_KINDS, SESSION_STATUSES, type AttendanceVia, type PlaceKind, type RetrainingSessionDoc, type SessionStatus } from './session.model';
export {
  backdateSession,
  cancelSession,
  closeSession,
  createSession,
  editable,
  listSessions,
  openCheckIn,
  updateSession,
  type SessionInput,
} from './sessions.service';
export { correctAttendance, rosterOf, saveTicks, type RosterLine, type Ticks } from './roster.service';
export { mySession, mySessions, calendarFile } from './mine.service';
export { CAMPAIGN_TOPICS, topicIds, topicName } from './topics';
export { retrainingRoutes } from './retraining.routes';
export { retrainingFeature } from './feature';
export { rebuildRetrainingFigures, type RetrainingDifference } from './figures-build';
export { refreshRetrainingFigures, retrainingOfUnit, unitRetraining, type UnitRetraining } from './figures-read';
