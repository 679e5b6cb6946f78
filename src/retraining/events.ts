/** The retraining feature's events (listeners are connected in src/wiring.ts through each feature's `wire`). */
import type { Types } from 'mongoose';
import { createEvent } from '../shared/events';

export interface AttendanceChange {
  sessionId: Types.ObjectId;
  /** The people whose attendance of the session was recorded or removed. */
  userIds: Types.ObjectId[];
  /** Their unit's lineage (root first): the units whose figures changed. */
  unitLineage: Types.ObjectId[];
  /** The session's unit lineage (sessions held per unit). */
  sessionLineage: Types.ObjectId[];
}

/** An attendance was recorded or removed (one person, or several of the same unit). */
export const attendanceChanged = createEvent<[change: AttendanceChange]>('retraining.attendanceChanged');

/** Connects a listener to `attendanceChanged` (from another feature's `wire`). */
export function onAttendanceChanged(listener: (change: AttendanceChange) => Promise<void>): void {
  attendanceChanged.on(listener);
}

/** A session was closed (it now counts as held) or cancelled: the figures of its unit and trainer are counted again. */
export const sessionStatusChanged = createEvent<[sessionId: Types.ObjectId]>('retraining.sessionStatusChanged');

/** Connects a listener to `sessionStatusChanged` (the staff figures listen in the feature's `wire`). */
export function onSessionStatusChanged(listener: (sessionId: Types.ObjectId) => Promise<void>): void {
  sessionStatusChanged.on(listener);
}
