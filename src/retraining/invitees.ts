/**
 * Who a session invites: the members of its invited cohorts and the people of its invited
 * team or commune, resolved when the session is saved and again on each edit.
 */
import type { Types } from 'mongoose';
import { activePeopleUnder, personById } from '../accounts';
import { memberIdsInScope } from '../cohorts';
import { insertEach, mapLimit } from '../db/bulk';
import type { Actor } from '../shared/actor';
import { RetrainingInvitee, RetrainingSession } from './session.model';

type Invited = { user: Types.ObjectId; lineage: Types.ObjectId[] };

/** The people the cohorts (of the actor's scope: another's is a 404) and units invite, each once, accounts in use. */
export async function peopleInvited(actor: Actor, cohortIds: string[], unitIds: Types.ObjectId[]): Promise<Invited[]> {
  const byId = new Map<string, Invited>();
  for (const unit of unitIds) {
    for (const p of await activePeopleUnder(unit)) byId.set(String(p._id), { user: p._id, lineage: p.lineage as Types.ObjectId[] });
  }
  const members = (await mapLimit(cohortIds, (id) => memberIdsInScope(actor, id), 2)).flat().filter((id) => !byId.has(String(id)));
  const people = await mapLimit([...new Set(members.map(String))], (id) => personById(id), 4);
  for (const p of people) if (p && !p.disabled) byId.set(String(p._id), { user: p._id, lineage: p.lineage as Types.ObjectId[] });
  return [...byId.values()];
}

/** Makes the session's invitees exactly `invited` (once each), and keeps its `invitedCount`. */
export async function saveInvitees(sessionId: Types.ObjectId, invited: Invited[]): Promise<void> {
  const wanted = new Set(invited.map((i) => String(i.user)));
  const existing = await RetrainingInvitee.find({ session: sessionId }).select('user').lean();
  const have = new Set(existing.map((e) => String(e.user)));
  for (const gone of existing.filter((e) => !wanted.has(String(e.user)))) await RetrainingInvitee.deleteOne({ _id: gone._id });
  await insertEach(
    RetrainingInvitee,
    invited.filter((i) => !have.has(String(i.user))).map((i) => ({ session: sessionId, user: i.user, lineage: i.lineage })),
  );
  const n = await RetrainingInvitee.countDocuments({ session: sessionId });
  await RetrainingSession.updateOne({ _id: sessionId }, { $set: { invitedCount: n } });
}
