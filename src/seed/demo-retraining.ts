/**
 * The demo's retraining sessions, through the retraining service: one upcoming session of
 * Ba Đình's cohort (with a calendar file on the volunteers' "My sessions") and one held last
 * week, closed, with its attendance. Idempotent: made once, when trainer.badinh has none.
 */
import { toActor, usersByUsernames } from '../accounts';
import { listCohorts } from '../cohorts';
import type { Catalog } from '../courses';
import { backdateSession, closeSession, createSession, listSessions, recordAttendance, topicIds } from '../retraining';
import { dayLabelVietnam } from '../shared/vn-time';

const DAY_MS = 86400_000;

export async function seedDemoRetraining(catalog: Catalog, now = new Date()): Promise<number> {
  const people = new Map((await usersByUsernames(['trainer.badinh', 'leader.badinh1', 'tnv.an', 'tnv.binh'])).map((u) => [u.username, u]));
  const trainer = people.get('trainer.badinh');
  if (!trainer) return 0;
  const actor = toActor(trainer);
  if ((await listSessions(actor, 1)).length > 0) return 0;
  const cohort = (await listCohorts(actor)).find((c) => c.name === 'Ba Đình — tập huấn lại đợt 1');
  const common = { placeKind: 'centre', unitCode: 'HN-BADINH', inviteUnit: false, cohorts: cohort ? [String(cohort._id)] : [] };
  const topics = topicIds(catalog);
  const upcoming = await createSession(
    actor,
    { ...common, title: 'Tập huấn lại: VNeID và dịch vụ công trực tuyến', date: dayLabelVietnam(new Date(now.getTime() + 3 * DAY_MS)), startTime: '08:00', endTime: '10:30', place: 'Trung tâm Phục vụ hành chính công phường Ba Đình, 2 Điện Biên Phủ', topics: ['topic:vneid', 'topic:support'] },
    topics,
    now,
  );
  const held = await createSession(
    actor,
    { ...common, title: 'Tập huấn lại: quy tắc ứng xử và AI ở cấp xã', date: dayLabelVietnam(new Date(now.getTime() + DAY_MS)), startTime: '14:00', endTime: '16:00', place: 'Nhà văn hóa tổ dân phố 5, phường Ba Đình', topics: ['topic:ai', 'topic:support'] },
    topics,
    now,
  );
  await backdateSession(held._id, 7);
  for (const username of ['leader.badinh1', 'tnv.an']) {
    const person = people.get(username);
    if (person) await recordAttendance(actor, held._id, person._id, username === 'tnv.an' ? 'sheet' : 'roster');
  }
  await closeSession(actor, String(held._id));
  return upcoming ? 2 : 1;
}
