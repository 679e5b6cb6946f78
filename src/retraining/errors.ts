/** Why an attendance is refused: typed, each with its message key (`retraining.errors.*`). */
import { Refused } from '../shared/errors';

/** The session was cancelled: nobody attends it. */
export class SessionCancelled extends Refused {
  constructor() {
    super('retraining.errors.cancelled');
  }
}

/** The session was closed: only staff correct its attendance (with a reason). */
export class SessionClosed extends Refused {
  constructor() {
    super('retraining.errors.closed');
  }
}

/** Check-in on one's own phone needs the trainer to have opened it. */
export class CheckInNotOpen extends Refused {
  constructor() {
    super('retraining.errors.notOpen');
  }
}

/** Attendance is taken from 60 minutes before the start. */
export class TooEarly extends Refused {
  constructor() {
    super('retraining.errors.tooEarly');
  }
}
