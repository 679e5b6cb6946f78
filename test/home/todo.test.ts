/** The home page as each role's to-do list (issue 16, point 1), and due dates on the course pages (point 2). */
import request from 'supertest';
import { toActor, type UserDoc } from '../../src/accounts';
import { attentionLimits, createCohort } from '../../src/cohorts';
import { markLessonRead } from '../../src/courses';
import { currentWeek, fileReport, takeUpDifficulty } from '../../src/fieldreports';
import { findUnitByCode, importOrgCsv } from '../../src/org';
import { rebuildRollups } from '../../src/reports';
import { dateTimeText, dayText } from '../../src/shared/dates';
import { testApp } from '../helpers/app';
import { fixtureCatalog } from '../helpers/content';
import { useTestDatabase } from '../helpers/db';
import { addMemberSince, closeCohortNow, setMemberSince } from '../helpers/cohort-records';
import { complianceRoseSinceSnapshot, createTree, createUser, recordCompletion, signedInAgent } from '../helpers/factories';
import { takeUpOf, takeUpsWithoutNames } from '../helpers/field-report-records';

useTestDatabase(__filename);
const DAY = 86400_000;
let app: ReturnType<typeof testApp>;
let leader: UserDoc;

/** A cohort of `owner` with these people, due `dueInDays` from now (null: no due date). */
async function cohortOf(owner: UserDoc, name: string, courses: string[], dueInDays: number | null, people: UserDoc[], unitCode = 'T-HN') {
  const cohort = await createCohort(toActor(owner), { name, unitCode, courses, dueDate: dueInDays === null ? null : new Date(Date.now() + dueInDays * DAY) });
  for (const p of people) await addMemberSince(cohort._id, p._id, new Date());
  return cohort;
}

beforeAll(async () => {
  await createTree();
  const more = await importOrgCsv(['code,name_vi,name_en,level,parent_code,remote', 'C-HN2,Phường Hoàn Kiếm,Hoan Kiem Ward,commune,01,false', 'T-HN2,Đội Hoàn Kiếm,Hoan Kiem Team,team,C-HN2,false'].join('\n'));
  expect(more.problems).toEqual([]);
  app = testApp();
  leader = (await createUser('trainer', 'T-HN', { username: 'leader.home', fullName: 'Trần Đội Trưởng' })).user;
});

describe('GET / — a visitor', () => {
  it('when nobody is signed in, should present the programme and the way in', async () => {
    const res = await request(app).get('/').expect(200);
    expect(res.text).toContain('Chương trình trong con số');
    expect(res.text).toContain('href="/login"');
    expect(res.text).not.toContain('Bước tiếp theo');
  });

  it('when the query repeats a field (an array where a string is expected), should answer 400, not 500', async () => {
    await request(app).get('/?password=set&password=set').expect(400);
  });
});

describe('GET / — a volunteer', () => {
  it('when nothing is read yet, should lead to the first lesson of the course due first, with each course due date and days left', async () => {
    const { user } = await createUser('volunteer', 'T-HN', { username: 'vol.first' });
    await cohortOf(leader, 'Lớp A', ['two-level-government'], 5, [user]);
    await cohortOf(leader, 'Lớp B', ['digital-literacy', 'two-level-government'], 20, [user]);
    const res = await (await signedInAgent(app, user.username)).get('/').expect(200);
    expect(res.text).toContain('Bước tiếp theo');
    expect(res.text).toMatch(/id="next-step" href="\/courses\/two-level-government\/01-first\/one">Bắt đầu học/);
    // two-level-government: the earlier of its two cohorts' due dates; digital-literacy: its only one
    expect(res.text).toContain(`Hạn hoàn thành: ${dayText(new Date(Date.now() + 5 * DAY))} · còn 5 ngày`);
    expect(res.text).toContain(`Hạn hoàn thành: ${dayText(new Date(Date.now() + 20 * DAY))} · còn 20 ngày`);
    expect(res.text).not.toContain('Chương trình trong con số'); // the presentation is for visitors
    expect(res.text).not.toContain('Lớp tập huấn của tôi');
  });

  it('when a module\'s lessons are all read, should make its quiz the next step', async () => {
    const { user } = await createUser('volunteer', 'T-HN', { username: 'vol.quiz' });
    await cohortOf(leader, 'Lớp Q', ['two-level-government'], 3, [user]);
    for (const l of ['one', 'two']) await markLessonRead(toActor(user), fixtureCatalog(), 'two-level-government', '01-first', l);
    const res = await (await signedInAgent(app, user.username)).get('/').expect(200);
    expect(res.text).toMatch(/id="next-step" href="\/courses\/two-level-government\/01-first\/quiz">Làm bài kiểm tra/);
    expect(res.text).toContain('Bài kiểm tra học phần «Học phần 01-first»');
  });

  it('when a course is completed, should link its certificate and no longer show its due date', async () => {
    const { user } = await createUser('volunteer', 'T-HN', { username: 'vol.done' });
    await cohortOf(leader, 'Lớp C', ['digital-literacy'], 4, [user]);
    await recordCompletion(user._id, 'digital-literacy');
    const res = await (await signedInAgent(app, user.username)).get('/').expect(200);
    expect(res.text).toMatch(/href="\/certificates\/[A-Z0-9-]+\/pdf">Tải chứng nhận \(PDF\)/);
    expect(res.text).not.toContain('còn 4 ngày');
  });

  it('when the due date is past, should say so kindly and still lead on', async () => {
    const { user } = await createUser('volunteer', 'T-HN', { username: 'vol.late' });
    await cohortOf(leader, 'Lớp trễ', ['digital-literacy'], -2, [user]);
    const res = await (await signedInAgent(app, user.username)).get('/').expect(200);
    expect(res.text).toContain('quá hạn 2 ngày');
    expect(res.text).toContain('Bạn vẫn học tiếp và hoàn thành được');
    expect(res.text).toContain('id="next-step"');
  });

  it('when a cohort is closed or has no due date, should show no due date from it', async () => {
    const { user } = await createUser('volunteer', 'T-HN', { username: 'vol.closed' });
    const closed = await cohortOf(leader, 'Lớp đóng', ['digital-literacy'], 6, [user]);
    await closeCohortNow(closed._id);
    await cohortOf(leader, 'Lớp không hạn', ['digital-literacy'], null, [user]);
    const res = await (await signedInAgent(app, user.username)).get('/').expect(200);
    expect(res.text).not.toContain('Hạn hoàn thành');
  });
});

describe('GET /courses and /courses/:course — due dates where a volunteer looks', () => {
  it('when the person is in a cohort with a due date, should show it with days left on My courses and the course page', async () => {
    const { user } = await createUser('volunteer', 'T-HN', { username: 'vol.courses' });
    await cohortOf(leader, 'Lớp D', ['two-level-government'], 9, [user]);
    const agent = await signedInAgent(app, user.username);
    const due = `Hạn hoàn thành: ${dayText(new Date(Date.now() + 9 * DAY))} · còn 9 ngày`;
    const mine = await agent.get('/courses').expect(200);
    expect(mine.text).toContain(due);
    expect(mine.text.match(/Hạn hoàn thành/g)).toHaveLength(1); // digital-literacy has none
    expect((await agent.get('/courses/two-level-government').expect(200)).text).toContain(due);
    expect((await agent.get('/courses/digital-literacy').expect(200)).text).not.toContain('Hạn hoàn thành');
  });

  it('when the due date is past, should say it kindly on the course page', async () => {
    const { user } = await createUser('volunteer', 'T-HN', { username: 'vol.courses.late' });
    await cohortOf(leader, 'Lớp E', ['digital-literacy'], -1, [user]);
    const res = await (await signedInAgent(app, user.username)).get('/courses/digital-literacy').expect(200);
    expect(res.text).toContain('quá hạn 1 ngày');
    expect(res.text).toContain('due-over');
  });
});

describe('GET / — a trainer', () => {
  it('when their cohorts have people behind or overdue, should count them by the stated rule and link each cohort', async () => {
    const trainer = (await createUser('trainer', 'C-HN', { username: 'trainer.home' })).user;
    const early = (await createUser('volunteer', 'T-HN')).user;
    const fresh = (await createUser('volunteer', 'T-HN')).user;
    const late = (await createUser('volunteer', 'T-HN')).user;
    const soon = await cohortOf(trainer, 'Lớp sắp hạn', ['digital-literacy'], 2, [early, fresh], 'C-HN');
    // joined 30 days ago with nothing read and 2 days left: behind; joined now: on track
    await setMemberSince(soon._id, early._id, new Date(Date.now() - 30 * DAY));
    const past = await cohortOf(trainer, 'Lớp quá hạn', ['digital-literacy'], -3, [late], 'C-HN');
    const res = await (await signedInAgent(app, trainer.username)).get('/').expect(200);
    expect(res.text).toContain('Lớp tập huấn của tôi');
    expect(res.text).toContain(`href="/cohorts/${soon._id}"`);
    expect(res.text).toContain(`href="/cohorts/${past._id}"`);
    const row = (id: unknown) => res.text.slice(res.text.indexOf(`href="/cohorts/${id}"`)).split('</li>')[0]!;
    expect(row(soon._id)).toContain('1 đang chậm');
    expect(row(soon._id)).toContain('2 người');
    expect(row(past._id)).toContain('1 quá hạn');
    expect(res.text).toContain('Đang chậm: đã làm được ít hơn phần thời gian đã trôi qua'); // the rule, stated
    // a trainer takes the courses too
    expect(res.text).toContain('Việc học của bạn: bước tiếp theo');
    expect(res.text).toContain('id="next-step"');
  });

  it('when a trainer has more cohorts than a home page counts, or one too big, should list a few and send to the cohorts page for the rest', async () => {
    const trainer = (await createUser('trainer', 'C-HN', { username: 'trainer.many' })).user;
    const people = [(await createUser('volunteer', 'T-HN')).user, (await createUser('volunteer', 'T-HN')).user];
    const saved = { ...attentionLimits };
    attentionLimits.MAX_COHORTS = 2;
    attentionLimits.MAX_MEMBERS_COUNTED = 1;
    try {
      for (const n of [1, 2, 3]) await cohortOf(trainer, `Lớp số ${n}`, ['digital-literacy'], 10, people, 'C-HN');
      const res = await (await signedInAgent(app, trainer.username)).get('/').expect(200);
      expect(res.text.match(/href="\/cohorts\/[a-f0-9]{24}"/g)).toHaveLength(2);
      expect(res.text).toContain('2 người — mở lớp để xem ai đang chậm');
      expect(res.text).toContain('Bạn còn lớp khác');
    } finally {
      Object.assign(attentionLimits, saved);
    }
  });

  it('when a trainer has no open cohort, should offer to create one', async () => {
    const trainer = (await createUser('trainer', 'C-HN2')).user;
    const res = await (await signedInAgent(app, trainer.username)).get('/').expect(200);
    expect(res.text).toContain('Bạn chưa có lớp nào đang mở.');
    expect(res.text).toContain('href="/cohorts/new"');
  });
});

describe('take-ups: a team leader sees who in the Union took a difficulty up', () => {
  it('when staff took up a difficulty, should show their name, post, date and note on the home page and in the report list', async () => {
    const team = (await findUnitByCode('T-HN'))!;
    const staff = (await createUser('staff', '01', { username: 'staff.takeup', fullName: 'Lê Thị Cán Bộ' })).user;
    const { report } = await fileReport(toActor(leader), team, currentWeek(new Date()), {
      counts: { vneid: 3, onlineService: 0, dossier: 0, digitise: 0, other: 0 },
      difficulties: [{ category: 'devices', description: 'Thiếu máy tính bảng', helpNeeded: true }],
      notes: '',
    });
    await takeUpDifficulty(toActor(staff), String(report._id), String(report.difficulties[0]!._id), 'Tỉnh đoàn gửi 2 máy');
    const taken = (await takeUpOf(report.difficulties[0]!._id))!;
    expect(taken).toMatchObject({ byFullName: 'Lê Thị Cán Bộ', byRole: 'staff', byUnitNameVi: 'Thành phố Hà Nội', byUnitNameEn: 'Hanoi' });
    const agent = await signedInAgent(app, leader.username);
    const signed = `bởi Lê Thị Cán Bộ (Cán bộ Đoàn · Thành phố Hà Nội), ${dateTimeText(taken.at)}: Tỉnh đoàn gửi 2 máy`;
    const home = await agent.get('/').expect(200);
    expect(home.text).toContain('Đoàn đã tiếp nhận khó khăn của đội');
    expect(home.text).toContain(signed);
    expect(home.text).toContain('Thiếu máy tính bảng');
    const list = await agent.get('/field-reports').expect(200);
    expect(list.text).toContain(signed);
    const english = await agent.get('/').set('Cookie', 'lang=en').expect(200);
    expect(english.text).toContain('by Lê Thị Cán Bộ (Union staff · Hanoi)');
  });

  it('when a take-up was made before names were kept, should show the username instead', async () => {
    // its own team, report and take-up (not the ones of the test above)
    const team = (await findUnitByCode('T-CB'))!;
    const teamLeader = (await createUser('trainer', 'T-CB')).user;
    const staff = (await createUser('staff', '04', { username: 'staff.nameless' })).user;
    const { report } = await fileReport(toActor(teamLeader), team, currentWeek(new Date()), {
      counts: { vneid: 1, onlineService: 0, dossier: 0, digitise: 0, other: 0 },
      difficulties: [{ category: 'connectivity', description: 'Sóng yếu ở bản', helpNeeded: true }],
      notes: '',
    });
    await takeUpDifficulty(toActor(staff), String(report._id), String(report.difficulties[0]!._id), 'Đã báo nhà mạng');
    await takeUpsWithoutNames(report._id);
    const home = await (await signedInAgent(app, teamLeader.username)).get('/').expect(200);
    expect(home.text).toContain('bởi staff.nameless, ');
  });
});

describe('GET / — staff', () => {
  it('when an administrator signs in, should see the central unit\'s figures, not a learner\'s', async () => {
    const admin = (await createUser('admin', 'TW')).user;
    await rebuildRollups();
    const res = await (await signedInAgent(app, admin.username)).get('/').expect(200);
    expect(res.text).toContain('Tiến độ của Trung ương Đoàn TNCS Hồ Chí Minh');
    expect(res.text).toContain('href="/reports?unit=01"');
    expect(res.text).not.toContain('id="next-step"');
  });

  it('when there is no weekly snapshot yet, should show compliance and say there is nothing to compare with', async () => {
    const staff = (await createUser('staff', '04')).user;
    await rebuildRollups();
    const res = await (await signedInAgent(app, staff.username)).get('/').expect(200);
    expect(res.text).toContain('Tiến độ của Tỉnh Cao Bằng');
    expect(res.text).toContain('Chưa có số liệu chốt tuần để so sánh');
    expect(res.text).toContain('Không có khó khăn nào đang chờ hỗ trợ.');
  });

  it('when figures changed since the weekly snapshot, should show compliance, the change, the units furthest behind and difficulties waiting for help', async () => {
    const staff = (await createUser('staff', '01', { username: 'staff.home' })).user;
    await complianceRoseSinceSnapshot('T-HN2');
    const team2 = (await findUnitByCode('T-HN2'))!;
    const leader2 = (await createUser('trainer', 'T-HN2')).user;
    await fileReport(toActor(leader2), team2, currentWeek(new Date()), {
      counts: { vneid: 1, onlineService: 0, dossier: 0, digitise: 0, other: 0 },
      difficulties: [{ category: 'connectivity', description: 'Mất sóng ở tổ dân phố 5', helpNeeded: true }],
      notes: '',
    });
    const res = await (await signedInAgent(app, staff.username)).get('/').expect(200);
    expect(res.text).toContain('Tiến độ của Thành phố Hà Nội');
    expect(res.text).toMatch(/▲ \+[\d,]+ điểm %/);
    expect(res.text).toMatch(/% lúc chốt số liệu đầu Tuần \d+ \(/);
    // C-HN (many learners, none compliant) is further behind than C-HN2 (both compliant)
    const behind = res.text.slice(res.text.indexOf('Đơn vị chậm nhất'));
    expect(behind.indexOf('href="/reports?unit=C-HN"')).toBeGreaterThan(-1);
    expect(behind.indexOf('href="/reports?unit=C-HN"')).toBeLessThan(behind.indexOf('href="/reports?unit=C-HN2"'));
    expect(res.text).toContain('Mất sóng ở tổ dân phố 5');
    expect(res.text).toMatch(/\d+ khó khăn cần hỗ trợ chưa được tiếp nhận/);
    expect(res.text).toContain(`href="/field-reports/summary?unit=01&amp;week=${currentWeek(new Date()).label}"`);
    expect(res.text).not.toContain('id="next-step"'); // staff are not learners
    const english = await (await signedInAgent(app, staff.username)).get('/').set('Cookie', 'lang=en').expect(200);
    expect(english.text).toContain('Progress of Hanoi');
    expect(english.text).toMatch(/▲ \+[\d.]+ percentage points/);
    expect(english.text).toContain('Units furthest behind');
  });
});
