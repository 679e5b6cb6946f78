/**
 * Issue 20, items 2 and 3: `recordAttendance` is the one writer of an attendance — once per
 * person and session whatever the number of calls, refused for a cancelled or closed session,
 * inside the actor's scope, and setting "retrained by" only where none was recorded.
 */
import { toActor } from '../../src/accounts';
import { findUnitByCode } from '../../src/org';
import { recordAttendance, SessionCancelled, SessionClosed, CheckInNotOpen, TooEarly, onAttendanceChanged, type AttendanceChange } from '../../src/retraining';
import { RetrainingAttendance, RetrainingSession } from '../../src/retraining/session.model';
import { useTestDatabase } from '../helpers/db';
import { createTree, createUser, reloadUser } from '../helpers/factories';
import { setUserFields } from '../helpers/people';

useTestDatabase(__filename);

const HOUR = 3600_000;
const changes: AttendanceChange[] = [];

beforeAll(async () => {
  await createTree();
  onAttendanceChanged(async (c) => void changes.push(c));
});

async function sessionOf(trainer: Awaited<ReturnType<typeof createUser>>['user'], fields: Record<string, unknown> = {}) {
  const unit = (await findUnitByCode('C-HN'))!;
  const doc = await RetrainingSession.create({
    title: 'Buổi tập huấn VNeID',
    startsAt: new Date(Date.now() - HOUR),
    endsAt: new Date(Date.now() + HOUR),
    placeKind: 'centre',
    place: 'Trung tâm phục vụ hành chính công phường Ba Đình',
    unit: unit._id,
    lineage: unit.lineage,
    province: unit.lineage[1],
    trainer: trainer._id,
    trainerUsername: trainer.username,
    topics: ['topic:vneid'],
    ...fields,
  });
  return doc._id;
}

describe('recordAttendance', () => {
  it('when 20 calls record the same person at once, should keep one attendance, count one, and say the others were already recorded', async () => {
    const trainer = (await createUser('trainer', 'C-HN')).user;
    const volunteer = (await createUser('volunteer', 'T-HN')).user;
    const session = await sessionOf(trainer);
    const outcomes = await Promise.all(Array.from({ length: 20 }, () => recordAttendance(toActor(trainer), session, volunteer._id, 'roster')));
    expect(outcomes.filter((o) => o === 'recorded')).toHaveLength(1);
    expect(outcomes.filter((o) => o === 'already')).toHaveLength(19);
    expect(await RetrainingAttendance.countDocuments({ session })).toBe(1);
    expect((await RetrainingSession.findById(session).lean())!.attendedCount).toBe(1);
    const mine = changes.filter((c) => String(c.sessionId) === String(session));
    expect(mine).toHaveLength(1);
    expect(mine[0]!.userIds.map(String)).toEqual([String(volunteer._id)]);
    expect(mine[0]!.unitLineage.map(String)).toEqual(volunteer.lineage.map(String));
  });

  it('when the attendee has no recorded trainer, should make the session trainer their trainer with the chain of trainers', async () => {
    const top = (await createUser('trainer', 'C-HN')).user;
    const trainer = (await createUser('trainer', 'C-HN')).user;
    await setUserFields(trainer._id, { retrainedBy: top._id, cascadePath: [top._id] });
    const volunteer = (await createUser('volunteer', 'T-HN')).user;
    await recordAttendance(toActor(trainer), await sessionOf(trainer), volunteer._id, 'roster');
    const after = (await reloadUser(volunteer.username))!;
    expect(String(after.retrainedBy)).toBe(String(trainer._id));
    expect(after.cascadePath.map(String)).toEqual([String(top._id), String(trainer._id)]);
  });

  it('when the attendee already has a trainer, should keep that trainer', async () => {
    const first = (await createUser('trainer', 'C-HN')).user;
    const trainer = (await createUser('trainer', 'C-HN')).user;
    const volunteer = (await createUser('volunteer', 'T-HN')).user;
    await setUserFields(volunteer._id, { retrainedBy: first._id, cascadePath: [first._id] });
    await recordAttendance(toActor(trainer), await sessionOf(trainer), volunteer._id, 'sheet');
    const after = (await reloadUser(volunteer.username))!;
    expect(String(after.retrainedBy)).toBe(String(first._id));
    expect(after.cascadePath.map(String)).toEqual([String(first._id)]);
    expect((await RetrainingAttendance.findOne({ user: volunteer._id }).lean())!.via).toBe('sheet');
  });

  it('when the session is cancelled, closed, not yet open for check-in or more than an hour away, should refuse and save nothing', async () => {
    const trainer = (await createUser('trainer', 'C-HN')).user;
    const volunteer = (await createUser('volunteer', 'T-HN')).user;
    const cancelled = await sessionOf(trainer, { status: 'cancelled', cancelReason: 'Mưa bão' });
    const closed = await sessionOf(trainer, { status: 'closed' });
    const scheduled = await sessionOf(trainer);
    const later = await sessionOf(trainer, { startsAt: new Date(Date.now() + 3 * HOUR), endsAt: new Date(Date.now() + 5 * HOUR) });
    const actor = toActor(trainer);
    await expect(recordAttendance(actor, cancelled, volunteer._id, 'roster')).rejects.toBeInstanceOf(SessionCancelled);
    await expect(recordAttendance(actor, closed, volunteer._id, 'roster')).rejects.toBeInstanceOf(SessionClosed);
    await expect(recordAttendance(toActor(volunteer), scheduled, volunteer._id, 'qr')).rejects.toBeInstanceOf(CheckInNotOpen);
    await expect(recordAttendance(actor, later, volunteer._id, 'roster')).rejects.toBeInstanceOf(TooEarly);
    expect(await RetrainingAttendance.countDocuments({ user: volunteer._id })).toBe(0);
  });

  it('when the attendee is outside the trainer scope and not invited, or the session is another trainer’s, should refuse as not found', async () => {
    const trainer = (await createUser('trainer', 'C-HN')).user;
    const other = (await createUser('trainer', 'C-HN')).user;
    const faraway = (await createUser('volunteer', 'T-CB')).user;
    const near = (await createUser('volunteer', 'T-HN')).user;
    const session = await sessionOf(trainer);
    await expect(recordAttendance(toActor(trainer), session, faraway._id, 'roster')).rejects.toMatchObject({ status: 404 });
    await expect(recordAttendance(toActor(other), session, near._id, 'roster')).rejects.toMatchObject({ status: 404 });
    expect(await RetrainingAttendance.countDocuments({ session })).toBe(0);
  });
});
