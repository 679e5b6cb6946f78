/**
 * The demo's cohorts, so that a first look shows what each role's home is for: due dates
 * with days left, people on track and behind, a learner half-way through a course. Made
 * through the cohorts' and courses' own services; people joined some days ago (their
 * membership is back-dated so that the "behind" rule has time to judge). Idempotent: a
 * cohort of that name and owner is made once.
 */
import { toActor, usersByUsernames, type UserDoc } from '../accounts';
import { addMember, backdateCohort, createCohort, listCohorts } from '../cohorts';
import { markLessonRead, type Catalog } from '../courses';

const DAY_MS = 86400_000;

interface DemoCohort {
  name: string;
  owner: string;
  unitCode: string;
  courses: string[];
  /** Days from today; null for no due date. */
  dueInDays: number | null;
  joinedDaysAgo: number;
  members: string[];
}

export const DEMO_COHORTS: DemoCohort[] = [
  { name: 'Ba Đình — tập huấn lại đợt 1', owner: 'trainer.badinh', unitCode: 'HN-BADINH', courses: ['digital-literacy', 'two-level-government'], dueInDays: 10, joinedDaysAgo: 20, members: ['leader.badinh1', 'tnv.an', 'tnv.binh', 'tnv.chau'] },
  { name: 'Đội Trà Lĩnh 1 — đợt 1', owner: 'leader.tralinh', unitCode: 'CB-TRALINH-D1', courses: ['digital-literacy'], dueInDays: 4, joinedDaysAgo: 10, members: ['tnv.dung'] },
  { name: 'Đội Côn Đảo 1', owner: 'leader.condao', unitCode: 'HCM-CONDAO-D1', courses: ['digital-literacy', 'two-level-government'], dueInDays: null, joinedDaysAgo: 3, members: ['tnv.giang'] },
];

/** Lessons the demo's learners have read: their first so many lessons of a course. */
const DEMO_READS: { username: string; course: string; lessons: number }[] = [
  { username: 'tnv.binh', course: 'digital-literacy', lessons: 6 },
  { username: 'leader.badinh1', course: 'digital-literacy', lessons: 15 },
  { username: 'leader.badinh1', course: 'two-level-government', lessons: 4 },
  { username: 'tnv.giang', course: 'digital-literacy', lessons: 2 },
];

export async function seedDemoCohorts(catalog: Catalog, now = new Date()): Promise<number> {
  const usernames = DEMO_COHORTS.flatMap((c) => [c.owner, ...c.members]).concat(DEMO_READS.map((r) => r.username));
  const people = new Map<string, UserDoc>((await usersByUsernames(usernames)).map((u) => [u.username, u]));
  let made = 0;
  for (const c of DEMO_COHORTS) {
    const owner = people.get(c.owner);
    if (!owner) continue;
    const actor = toActor(owner);
    if ((await listCohorts(actor, c.name)).some((x) => x.name === c.name && String(x.owner) === String(owner._id))) continue;
    const dueDate = c.dueInDays === null ? null : new Date(now.getTime() + c.dueInDays * DAY_MS);
    const cohort = await createCohort(actor, { name: c.name, unitCode: c.unitCode, courses: c.courses, dueDate });
    for (const m of c.members) if (people.has(m)) await addMember(actor, String(cohort._id), m);
    // they joined some days ago: back-dated, so that the pace reads as it would by now
    const joined = new Date(now.getTime() - c.joinedDaysAgo * DAY_MS);
    await backdateCohort(actor, String(cohort._id), joined);
    made += 1;
  }
  for (const r of DEMO_READS) {
    const user = people.get(r.username);
    const course = catalog.courses.find((x) => x.slug === r.course);
    if (!user || !course) continue;
    const lessons = course.modules.flatMap((m) => m.lessons.map((l) => ({ module: m.folder, lesson: l.slug }))).slice(0, r.lessons);
    for (const l of lessons) await markLessonRead(toActor(user), catalog, course.slug, l.module, l.lesson);
  }
  return made;
}
