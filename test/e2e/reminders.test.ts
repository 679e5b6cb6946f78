/**
 * A volunteer whose cohort is due tomorrow, at phone width: the header counts the unread
 * reminder, the inbox shows it (what to do next, in their language), and opening it lands on
 * the quiz it names. With JavaScript and without.
 */
import { toActor, type UserDoc } from '../../src/accounts';
import { addMember, createCohort } from '../../src/cohorts';
import { lessonKeys } from '../../src/courses';
import { runReminders } from '../../src/reminders';
import { startOfDayVietnam } from '../../src/shared/vn-time';
import { phone, signIn, useBrowserOnApp } from '../helpers/browser';
import { fixtureCatalog } from '../helpers/content';
import { createTree, createUser } from '../helpers/factories';
import { readLessons } from '../helpers/progress';

const DAY_MS = 86400_000;
const catalog = fixtureCatalog();
// a course whose completion needs its quizzes: after a module's lessons, its quiz is the next step
const course = catalog.courses.find((c) => c.slug === 'two-level-government')!;
const firstModule = course.modules[0]!;
const learners: Record<'js' | 'nojs', UserDoc> = {} as never;

const env = useBrowserOnApp(__filename, async () => {
  await createTree();
  const trainer = (await createUser('trainer', 'C-HN')).user;
  const now = new Date(startOfDayVietnam(new Date()).getTime() + 12 * 3600_000);
  const cohort = await createCohort(toActor(trainer), { name: 'Lớp ngày mai', unitCode: 'T-HN', courses: [course.slug], dueDate: new Date(now.getTime() + DAY_MS) });
  for (const k of ['js', 'nojs'] as const) {
    const { user } = await createUser('volunteer', 'T-HN', { fullName: `Đinh Thị Nhắc ${k}` });
    await readLessons(user._id, course.slug, lessonKeys(course).filter((key) => key.startsWith(`${firstModule.folder}/`)));
    await addMember(toActor(trainer), String(cohort._id), user.username);
    learners[k] = user;
  }
  await runReminders({ now, catalog });
});

describe.each([
  ['with JavaScript', true],
  ['without JavaScript', false],
])('a reminder in the inbox %s', (_label, js) => {
  it('when a volunteer\'s cohort is due tomorrow, should show the unread reminder and lead to the quiz it names', async () => {
    const user = learners[js ? 'js' : 'nojs'];
    const { ctx, step, expectClean } = await phone(env.browser, env.base, { javaScriptEnabled: js });
    const page = await ctx.newPage();
    const shot = (name: string) => step(page, `reminders-${js ? 'js' : 'nojs'}-${name}`);
    await signIn(page, env.base, user.username);
    expect(await page.textContent('a.inbox-link .inbox-count')).toBe('1');
    await shot('1-unread-count');

    await page.click('a.inbox-link');
    expect(new URL(page.url()).pathname).toBe('/inbox');
    const item = page.locator('li.inbox-unread');
    expect(await item.locator('h2').textContent()).toContain('Lớp “Lớp ngày mai” đến hạn ngày');
    expect(await item.textContent()).toContain(`Việc tiếp theo của bạn: làm bài kiểm tra của phần “${firstModule.title.vi}” trong khóa “${course.title.vi}”.`);
    await shot('2-inbox');

    await item.locator('button[type=submit]').click();
    expect(new URL(page.url()).pathname).toBe(`/courses/${course.slug}/${firstModule.folder}/quiz`);
    await shot('3-quiz');
    await page.goto(`${env.base}/inbox`);
    expect(await page.locator('a.inbox-link .inbox-count').count()).toBe(0);
    await expectClean(page);
    await ctx.close();
  });
});
