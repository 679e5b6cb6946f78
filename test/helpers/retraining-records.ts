/**
 * Retraining records for tests of the staff figures: a province of the test's own with two
 * communes (a team each), sessions written as they stand at a moment (held, open, cancelled) and
 * the named writes a test needs to break a tally on purpose. Attendance goes through
 * retraining's `recordAttendance`, the one writer the app has.
 */
import { randomBytes } from 'node:crypto';
import type { Types } from 'mongoose';
import { findUnitByCode, importOrgCsv, loadDefaultTreeIfEmpty, type UnitDoc } from '../../src/org';
import { RetrainedPerson, RetrainingTally } from '../../src/retraining/figures.model';
import { sessionStatusChanged } from '../../src/retraining';
import { RetrainingSession } from '../../src/retraining/session.model';

export interface TwoCommunes {
  province: UnitDoc;
  communeA: UnitDoc;
  teamA: UnitDoc;
  communeB: UnitDoc;
  teamB: UnitDoc;
}

/** A new province under TW with communes A and B, each with one team (codes no other test uses). */
export async function twoCommunes(): Promise<TwoCommunes> {
  await loadDefaultTreeIfEmpty();
  const s = randomBytes(3).toString('hex');
  const report = await importOrgCsv(
    [
      'code,name_vi,name_en,level,parent_code,remote',
      `RP-${s},Tỉnh Tập Huấn ${s},Province ${s},province,TW,false`,
      `RCA-${s},Xã Tân An ${s},Tan An ${s},commune,RP-${s},false`,
      `RTA-${s},Đội Tân An ${s},Tan An Team ${s},team,RCA-${s},false`,
      `RCB-${s},Xã Bình Minh ${s},Binh Minh ${s},commune,RP-${s},false`,
      `RTB-${s},Đội Bình Minh ${s},Binh Minh Team ${s},team,RCB-${s},false`,
    ].join('\n'),
  );
  if (report.problems.length) throw new Error(JSON.stringify(report.problems));
  const unit = async (code: string) => (await findUnitByCode(code))!;
  return { province: await unit(`RP-${s}`), communeA: await unit(`RCA-${s}`), teamA: await unit(`RTA-${s}`), communeB: await unit(`RCB-${s}`), teamB: await unit(`RTB-${s}`) };
}

/** A session of `unit` held by `trainer`, in the given status (as a trainer's pages would have left it). */
export async function writeSession(input: { title: string; unit: UnitDoc; trainer: { _id: Types.ObjectId; username: string }; startsAt: Date; status: 'scheduled' | 'open' | 'closed' | 'cancelled'; invitedCount?: number }): Promise<Types.ObjectId> {
  const doc = await RetrainingSession.create({
    title: input.title,
    startsAt: input.startsAt,
    endsAt: new Date(input.startsAt.getTime() + 2 * 3600_000),
    placeKind: 'hall',
    place: 'Nhà văn hoá thôn Đông',
    unit: input.unit._id,
    lineage: input.unit.lineage,
    province: input.unit.lineage[1] ?? null,
    trainer: input.trainer._id,
    trainerUsername: input.trainer.username,
    status: input.status,
    invitedCount: input.invitedCount ?? 0,
    ...(input.status === 'cancelled' ? { cancelReason: 'Mưa bão', cancelledAt: input.startsAt } : {}),
  });
  return doc._id;
}

/** Sets a session's status as it stands (the feature's own close/cancel paths are tested by the feature). */
export async function setSessionStatus(id: Types.ObjectId, status: 'scheduled' | 'open' | 'closed' | 'cancelled'): Promise<void> {
  await RetrainingSession.updateOne({ _id: id }, { $set: { status } });
}

/** Breaks a unit's stored tally on purpose (what reconciliation must find and repair). */
export async function tamperTally(key: string, fields: { held?: number; retrained?: number }): Promise<void> {
  await RetrainingTally.updateOne({ key }, { $set: fields });
}

/** Removes a person's "retrained" record behind the app's back. */
export async function forgetRetrained(userId: Types.ObjectId): Promise<void> {
  await RetrainedPerson.deleteOne({ user: userId });
}

/** A session's status set as closing or cancelling leaves it, and the event those emit (`sessionStatusChanged`). */
export async function changeSessionStatus(id: Types.ObjectId, status: 'closed' | 'cancelled'): Promise<void> {
  await setSessionStatus(id, status);
  await sessionStatusChanged.emit(id);
}
