/**
 * A seeded week for the reminders' tests: the Monday after today (09:00 Vietnam time) and the
 * people the rules speak to —
 * - a cohort due in 7 days (a Vietnamese and an English learner, and one who completed),
 * - a cohort due tomorrow (one learner, behind; its due date passes on Wednesday),
 * - a cohort past due by 15 days (one learner, escalated to the trainer's own trainer and to
 *   the staff of the learner's commune),
 * - a team (T-CB) whose leader has not filed this week's field report, and one (T-HN) that has.
 */
import type { Types } from 'mongoose';
import { toActor, type UserDoc } from '../../src/accounts';
import { addMember, createCohort } from '../../src/cohorts';
import { currentWeek, fileReport } from '../../src/fieldreports';
import { findUnitByCode } from '../../src/org';
import { VN_OFFSET_MS } from '../../src/shared/vn-time';
import { setMemberSince } from '../helpers/cohort-records';
import { createTree, createUser, recordCompletion } from '../helpers/factories';
import { setUserFields } from '../helpers/people';

const DAY_MS = 86400_000;
export const COURSE = 'digital-literacy';

/** 09:00 in Vietnam on the first Monday after `from`, as an instant. */
export function nextMondayAt9(from = new Date()): Date {
  const local = new Date(from.getTime() + VN_OFFSET_MS);
  const daysAhead = ((8 - local.getUTCDay()) % 7) || 7;
  const mondayLocal = Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate() + daysAhead, 9);
  return new Date(mondayLocal - VN_OFFSET_MS);
}

/** The end of the Vietnam day `days` after `monday`'s (as the cohort form stores a due date). */
function dueAfter(monday: Date, days: number): Date {
  const local = new Date(monday.getTime() + VN_OFFSET_MS + days * DAY_MS);
  return new Date(Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate(), 23, 59, 59) - VN_OFFSET_MS);
}

export interface Week {
  monday: Date;
  wednesday: Date;
  friday: Date;
  sunday: Date;
  weekLabel: string;
  people: Record<'volVi' | 'volEn' | 'volDone' | 'volTomorrow' | 'volLate' | 'trainer' | 'topTrainer' | 'staffHN' | 'staffCB' | 'leaderCB' | 'leaderHN' | 'calmTrainer' | 'volCalm', UserDoc>;
  cohorts: Record<'in7' | 'tomorrow' | 'late', Types.ObjectId>;
}

async function person(role: 'volunteer' | 'trainer' | 'staff', unit: string, name: string, locale: 'vi' | 'en' = 'vi'): Promise<UserDoc> {
  const { user } = await createUser(role, unit, { fullName: name });
  await setUserFields(user._id, { locale, email: `${user.username}@example.test` } as Partial<UserDoc>);
  return { ...user, locale, email: `${user.username}@example.test` } as UserDoc;
}

export async function seedWeek(): Promise<Week> {
  await createTree();
  const monday = nextMondayAt9();
  const topTrainer = await person('trainer', 'C-HN', 'Trần Văn Cấp Trên');
  const trainer = await person('trainer', 'C-HN', 'Lê Thị Tập Huấn');
  await setUserFields(trainer._id, { retrainedBy: topTrainer._id, cascadePath: [topTrainer._id] });
  const calmTrainer = await person('trainer', 'C-CB', 'Hoàng Văn Bình Yên');
  const staffHN = await person('staff', 'C-HN', 'Staff Ba Dinh', 'en');
  const staffCB = await person('staff', 'C-CB', 'Cán bộ Trà Lĩnh');
  const leaderCB = await person('trainer', 'T-CB', 'Nông Văn Đội Trưởng');
  const leaderHN = await person('trainer', 'T-HN', 'Phạm Thị Đội Trưởng');
  const volVi = await person('volunteer', 'T-HN', 'Nguyễn Thị Bảy');
  const volEn = await person('volunteer', 'T-HN', 'Anna English', 'en');
  const volDone = await person('volunteer', 'T-HN', 'Đỗ Văn Xong');
  const volTomorrow = await person('volunteer', 'T-HN', 'Vũ Thị Mai');
  const volLate = await person('volunteer', 'T-HN', 'Bùi Văn Trễ');
  const volCalm = await person('volunteer', 'T-CB', 'Lò Thị Đúng Hạn');

  const t = toActor(trainer);
  const make = async (name: string, due: Date, members: UserDoc[], owner = t) => {
    const c = await createCohort(owner, { name, unitCode: owner === t ? 'T-HN' : 'T-CB', courses: [COURSE], dueDate: due });
    for (const m of members) {
      await addMember(owner, String(c._id), m.username);
      // everyone joined ten days before the Monday, whatever day the test runs (the pace rule counts from there)
      await setMemberSince(c._id, m._id, new Date(monday.getTime() - 10 * DAY_MS));
    }
    return c._id;
  };
  const in7 = await make('Lớp bảy ngày', dueAfter(monday, 7), [volVi, volEn, volDone]);
  const tomorrow = await make('Lớp ngày mai', dueAfter(monday, 1), [volTomorrow]);
  const late = await make('Lớp quá hạn', dueAfter(monday, -15), [volLate]);
  // a trainer whose only cohort is on track (due in 30 days, joined today): an empty digest, not sent
  await make('Lớp còn xa', dueAfter(monday, 30), [volCalm], toActor(calmTrainer));
  await recordCompletion(volDone._id, COURSE);

  const week = currentWeek(monday);
  const friday = new Date(monday.getTime() + 4 * DAY_MS);
  await fileReport(toActor(leaderHN), (await findUnitByCode('T-HN'))!, week, { counts: { vneid: 3, onlineService: 0, dossier: 0, digitise: 0, other: 0 }, difficulties: [], notes: '' }, friday);
  return {
    monday,
    wednesday: new Date(monday.getTime() + 2 * DAY_MS),
    friday,
    sunday: new Date(monday.getTime() + 6 * DAY_MS),
    weekLabel: week.label,
    people: { volVi, volEn, volDone, volTomorrow, volLate, trainer, topTrainer, staffHN, staffCB, leaderCB, leaderHN, calmTrainer, volCalm },
    cohorts: { in7, tomorrow, late },
  };
}
