export { recordAttendance, removeAttendance, type AttendanceOutcome } from './attendance.service';
export { CheckInNotOpen, SessionCancelled, SessionClosed, TooEarly } from './errors';
export { attendanceChanged, onAttendanceChanged, type AttendanceChange } from './events';
export { managedSession, managesSession, sessionById, OPEN_BEFORE_MS } from './scope';
export { ATTENDANCE_VIA, PLACE_KINDS, SESSION_STATUSES, type AttendanceVia, type PlaceKind, type RetrainingSessionDoc, type SessionStatus } from './session.model';
export { retrainingFeature } from './feature';
