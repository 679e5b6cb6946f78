/**
 * Retraining sessions in states the form cannot make quickly (a session that has started).
 * Fixture layer: may reach the retraining feature's model.
 */
import { RetrainingSession } from '../../src/retraining/session.model';

/** Moves a session so that it began `minutesAgo` and ends in an hour. */
export async function retrainingSessionStarted(id: string, minutesAgo = 30): Promise<void> {
  await RetrainingSession.updateOne({ _id: id }, { $set: { startsAt: new Date(Date.now() - minutesAgo * 60_000), endsAt: new Date(Date.now() + 3600_000) } });
}
