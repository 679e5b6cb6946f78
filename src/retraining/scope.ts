/**
 * Which sessions an actor may act on: a trainer their own; staff and administrators those
 * of their subtree (the session's unit lineage). Outside that, a session does not exist (404).
 */
import { isObjectId, type Actor } from '../shared/actor';
import { NotFound } from '../shared/errors';
import { can } from '../shared/permissions';
import { RetrainingSession, type RetrainingSessionDoc } from './session.model';

/** Whether the actor manages this session (schedules, ticks, closes it). */
export function managesSession(actor: Actor, session: Pick<RetrainingSessionDoc, 'trainer' | 'lineage'>): boolean {
  if (!can(actor, 'manageRetraining')) return false;
  if (actor.role === 'trainer') return String(session.trainer) === String(actor.id);
  return session.lineage.some((id) => String(id) === String(actor.unitId));
}

/** A session by id, whatever the actor (null: none, or not an id). */
export async function sessionById(id: unknown): Promise<RetrainingSessionDoc | null> {
  if (!isObjectId(String(id))) return null;
  return RetrainingSession.findById(String(id)).lean<RetrainingSessionDoc>();
}

/** A session the actor manages, or NotFound. */
export async function managedSession(actor: Actor, id: unknown): Promise<RetrainingSessionDoc> {
  const session = await sessionById(id);
  if (!session || !managesSession(actor, session)) throw new NotFound();
  return session;
}

/** Minutes before its start from which a session may be opened and its attendance taken. */
export const OPEN_BEFORE_MS = 60 * 60_000;
