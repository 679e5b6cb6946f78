/**
 * Each role's home page at phone width (360 px) as a to-do list (issue 16, points 1, 2 and 5):
 * a volunteer's one next step and days left (with and without JavaScript), a trainer's cohorts
 * with people behind, a team leader's take-ups with the staff member's name and post, and
 * staff's compliance with its change and the units furthest behind. Written from the screens.
 */
import { toActor, type UserDoc } from '../../src/accounts';
import { createCohort } from '../../src/cohorts';
import { currentWeek, fileReport, takeUpDifficulty } from '../../src/fieldreports';
import { findUnitByCode, importOrgCsv } from '../../src/org';
import { phone, signIn, useBrowserOnApp } from '../helpers/browser';
import { addMemberSince } from '../helpers/cohort-records';
import { complianceRoseSinceSnapshot, createTree, createUser } from '../helpers/factories';

const DAY = 86400_000;
let trainer: UserDoc;
let leader: UserDoc;
let staff: UserDoc;
let cohortId = '';

const env = useBrowserOnApp(__filename, async () => {
  await createTree();
  const more = await importOrgCsv(['code,name_vi,name_en,level,parent_code,remote', 'C-HN2,Phường Hoàn Kiếm,Hoan Kiem Ward,commune,01,false', 'T-HN2,Đội Hoàn Kiếm,Hoan Kiem Team,team,C-HN2,false'].join('\n'));
  if (more.problems.length) throw new Error(JSON.stringify(more.problems));
  trainer = (await createUser('trainer', 'C-HN', { fullName: 'Phạm Văn Tập Huấn' })).user;
  leader = (await createUser('trainer', 'T-HN', { fullName: 'Nguyễn Thị Lan' })).user;
  staff = (await createUser('staff', '01', { fullName: 'Lê Minh Đoàn' })).user;
  // The trainer's cohort: one person joined a month ago and read nothing, with 4 days left (behind); one joined today.
  const early = (await createUser('volunteer', 'T-HN', { fullName: 'Đỗ Văn Chậm' })).user;
  const fresh = (await createUser('volunteer', 'T-HN', { fullName: 'Vũ Thị Mới' })).user;
  const cohort = await createCohort(toActor(trainer), { name: 'Lớp Ba Đình tháng 12', unitCode: 'C-HN', courses: ['digital-literacy', 'two-level-government'], dueDate: new Date(Date.now() + 4 * DAY) });
  cohortId = String(cohort._id);
  await addMemberSince(cohort._id, early._id, new Date(Date.now() - 30 * DAY));
  await addMemberSince(cohort._id, fresh._id, new Date());
  // Staff's figures: one compliant person at the weekly snapshot, two now (in Hoàn Kiếm); nobody in Ba Đình.
  await complianceRoseSinceSnapshot('T-HN2');
  // The team's report with a difficulty, taken up by the province's staff.
  const team = (await findUnitByCode('T-HN'))!;
  const { report } = await fileReport(toActor(leader), team, currentWeek(new Date()), {
    counts: { vneid: 12, onlineService: 3, dossier: 0, digitise: 0, other: 0 },
    difficulties: [
      { category: 'devices', description: 'Thiếu máy tính bảng cho điểm hỗ trợ', helpNeeded: true },
      { category: 'connectivity', description: 'Sóng yếu ở thôn Nà Ca', helpNeeded: true },
    ],
    notes: '',
  });
  await takeUpDifficulty(toActor(staff), String(report._id), String(report.difficulties[0]!._id), 'Tỉnh đoàn gửi 2 máy tính bảng trong tuần');
});

describe.each([
  ['with JavaScript', true],
  ['without JavaScript', false],
])('a volunteer %s', (_label, js) => {
  it('should see the one next step and the days left, and the button should lead to the lesson, then the module\'s quiz', async () => {
    const volunteer = (await createUser('volunteer', 'T-HN', { fullName: 'Nguyễn Thị Ánh Tuyết' })).user;
    await addMemberSince(cohortId, volunteer._id, new Date());
    const { ctx, step, expectClean } = await phone(env.browser, env.base, { javaScriptEnabled: js });
    const page = await ctx.newPage();
    const shot = (name: string) => step(page, `home-volunteer-${js ? 'js' : 'nojs'}-${name}`);
    await signIn(page, env.base, volunteer.username);
    expect(new URL(page.url()).pathname).toBe('/');
    await shot('1-home');
    expect(await page.textContent('h1')).toContain('Nguyễn Thị Ánh Tuyết');
    expect(await page.textContent('.todo-next')).toContain('Bước tiếp theo');
    expect(await page.textContent('.todo-next')).toContain('còn 4 ngày');
    expect(await page.locator('.course-card .due').allTextContents()).toEqual([expect.stringContaining('còn 4 ngày'), expect.stringContaining('còn 4 ngày')]);
    expect(await page.textContent('#next-step')).toContain('Bắt đầu học');
    await page.click('#next-step');
    expect(new URL(page.url()).pathname).toBe('/courses/digital-literacy/01-first/one');
    // read the module's two lessons (digital-literacy has no quiz step): home then leads to the next module
    await page.click('.lesson-nav button');
    await page.click('.lesson-nav button');
    await page.goto(`${env.base}/`);
    expect(await page.textContent('#next-step')).toContain('Học tiếp');
    expect(await page.getAttribute('#next-step', 'href')).toBe('/courses/digital-literacy/02-second/one');
    // My courses and the course page show the same due date
    await page.goto(`${env.base}/courses`);
    expect(await page.locator('.due').allTextContents()).toEqual([expect.stringContaining('còn 4 ngày'), expect.stringContaining('còn 4 ngày')]);
    await shot('2-my-courses');
    await page.click('.course-card h2 a >> nth=1');
    expect(new URL(page.url()).pathname).toBe('/courses/two-level-government');
    expect(await page.textContent('main .due')).toContain('còn 4 ngày');
    await shot('3-course-page');
    await expectClean(page);
    await ctx.close();
  }, 300_000);
});

it('a volunteer with a module of a course with quizzes read should be led to that quiz', async () => {
  const volunteer = (await createUser('volunteer', 'T-HN')).user;
  const cohort = await createCohort(toActor(trainer), { name: 'Lớp chính quyền hai cấp', unitCode: 'C-HN', courses: ['two-level-government'], dueDate: new Date(Date.now() - 2 * DAY) });
  await addMemberSince(cohort._id, volunteer._id, new Date(Date.now() - 20 * DAY));
  const { ctx, step, expectClean } = await phone(env.browser, env.base);
  const page = await ctx.newPage();
  await signIn(page, env.base, volunteer.username);
  // the course past its due date comes first, said kindly
  expect(await page.textContent('.todo-next')).toContain('quá hạn 2 ngày');
  expect(await page.textContent('.todo-next')).toContain('Bạn vẫn học tiếp và hoàn thành được');
  await page.click('#next-step');
  expect(new URL(page.url()).pathname).toBe('/courses/two-level-government/01-first/one');
  await page.click('.lesson-nav button');
  await page.click('.lesson-nav button'); // the module's last lesson: on to its quiz
  await page.goto(`${env.base}/`);
  await step(page, 'home-volunteer-overdue-quiz-next');
  expect(await page.textContent('#next-step')).toContain('Làm bài kiểm tra');
  await page.click('#next-step');
  expect(new URL(page.url()).pathname).toBe('/courses/two-level-government/01-first/quiz');
  await expectClean(page);
  await ctx.close();
}, 300_000);

it('a trainer should see their cohort with the people behind, the rule, and reach the cohort', async () => {
  const { ctx, step, expectClean } = await phone(env.browser, env.base);
  const page = await ctx.newPage();
  await signIn(page, env.base, trainer.username);
  const row = page.locator('.attention li').filter({ hasText: 'Lớp Ba Đình tháng 12' });
  expect(await row.textContent()).toContain('1 đang chậm');
  expect(await row.textContent()).toContain('còn 4 ngày');
  await page.click('.rule summary');
  expect(await page.textContent('.rule')).toContain('Đang chậm: đã làm được ít hơn phần thời gian đã trôi qua');
  await step(page, 'home-trainer');
  await row.locator('a').click();
  expect(new URL(page.url()).pathname).toBe(`/cohorts/${cohortId}`);
  await expectClean(page);
  await ctx.close();
}, 300_000);

it('a team leader should see the take-up with the staff member\'s name and post, on home and in the report list', async () => {
  const { ctx, step, expectClean } = await phone(env.browser, env.base);
  const page = await ctx.newPage();
  await signIn(page, env.base, leader.username);
  const takeUps = await page.textContent('.take-ups');
  expect(takeUps).toContain('Thiếu máy tính bảng cho điểm hỗ trợ');
  expect(takeUps).toContain('bởi Lê Minh Đoàn (Cán bộ Đoàn · Thành phố Hà Nội)');
  expect(takeUps).toContain('Tỉnh đoàn gửi 2 máy tính bảng trong tuần');
  expect(takeUps).not.toContain('Sóng yếu'); // not taken up
  await step(page, 'home-leader');
  await page.click('a[href="/field-reports"]:not(nav a)');
  expect(await page.textContent('.week-card .take-ups')).toContain('bởi Lê Minh Đoàn (Cán bộ Đoàn · Thành phố Hà Nội)');
  await step(page, 'home-leader-reports');
  await expectClean(page);
  await ctx.close();
}, 300_000);

it('staff should see their unit\'s compliance with the change since last week, the units furthest behind, and difficulties waiting', async () => {
  const { ctx, step, expectClean } = await phone(env.browser, env.base);
  const page = await ctx.newPage();
  await signIn(page, env.base, staff.username);
  expect(await page.textContent('#compliance-h')).toContain('Tiến độ của Thành phố Hà Nội');
  expect((await page.textContent('.big-figure'))!.replace(/\s+/g, ' ')).toMatch(/^[\d,]+% \d+\/\d+ người đạt chuẩn$/);
  // one compliant of six learners at the snapshot, more now
  expect((await page.textContent('.change'))!.replace(/\s+/g, ' ')).toMatch(/▲ \+[\d,]+ điểm % so với 16,7% lúc chốt số liệu đầu Tuần \d+ \(/);
  const behind = await page.locator('.furthest-behind li a').allTextContents();
  expect(behind[0]).toBe('Phường Ba Đình');
  expect(behind).toContain('Phường Hoàn Kiếm');
  expect(await page.textContent('main')).toContain('1 khó khăn cần hỗ trợ chưa được tiếp nhận');
  expect(await page.textContent('main')).toContain('Sóng yếu ở thôn Nà Ca');
  await step(page, 'home-staff');
  await page.click('.furthest-behind li a >> nth=0');
  expect(page.url()).toContain('/reports?unit=C-HN');
  await expectClean(page);
  await ctx.close();
}, 300_000);
