/**
 * The union staff's journey in a real browser, at phone and desktop width: the compliance dashboard,
 * drilling down to a team, exporting CSV and XLSX, and checking that the files' numbers
 * equal the page's.
 */
import fs from 'node:fs';
import ExcelJS from 'exceljs';
import { completeIfDone, LessonRead } from '../../src/courses';
import { rebuildRollups } from '../../src/reports';
import { phone, signIn, useBrowserOnApp } from '../helpers/browser';
import { fixtureCatalog } from '../helpers/content';
import { createTree, createUser } from '../helpers/factories';

const env = useBrowserOnApp(__filename, async () => {
  await createTree();
  const course = fixtureCatalog().courses.find((c) => c.slug === 'digital-literacy')!;
  for (let i = 0; i < 3; i++) {
    const { user } = await createUser('volunteer', 'T-HN');
    if (i < 2) {
      for (const m of course.modules) for (const l of m.lessons) await LessonRead.create({ user: user._id, course: course.slug, lesson: `${m.folder}/${l.slug}`, readAt: new Date() });
      await completeIfDone(user._id, course);
    }
  }
  await createUser('volunteer', 'T-CB');
  await rebuildRollups();
});

it.each([360, 1280])('at %i px, staff read the dashboard, drill down to a team, and export files whose numbers equal the page', async (width) => {
  const { user } = await createUser('staff', '01');
  const { ctx, step, expectClean } = await phone(env.browser, env.base, { width });
  const page = await ctx.newPage();
  await signIn(page, env.base, user.username);
  await page.click('a[href="/reports"]');
  await step(page, `staff-${width}-1-dashboard`);
  const kpis = await page.$$eval('.kpis strong', (els) => els.map((e) => Number((e.textContent ?? '').replace(/\D/g, ''))));
  expect(kpis).toEqual([3, 2, 0, 0]);

  await page.click('text=Phường Ba Đình');
  await page.click('text=Đội Ba Đình');
  await step(page, `staff-${width}-2-team`);
  expect(await page.$$eval('.kpis strong', (els) => els.map((e) => e.textContent))).toEqual(['3', '2', '0', '0']);

  const [csvDownload] = await Promise.all([page.waitForEvent('download'), page.click('a[href^="/reports/people.csv"]')]);
  const csv = fs.readFileSync((await csvDownload.path())!, 'utf8').replace(/^\uFEFF/, '').trim().split('\n').slice(1);
  expect(csv).toHaveLength(3);
  expect(csv.filter((l) => l.split(',')[6] === 'completed')).toHaveLength(2);

  const [xlsxDownload] = await Promise.all([page.waitForEvent('download'), page.click('a[href^="/reports/rollup.xlsx"]')]);
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.readFile((await xlsxDownload.path())!);
  const row = wb.worksheets[0]!.getRow(2).values as unknown[];
  expect(row.slice(1, 8)).toEqual(['T-HN', 'Đội Ba Đình', 'team', 3, 2, 0, 0]);
  await expectClean(page);
  await ctx.close();
}, 300_000); // a limit for a hang: a browser journey on a loaded machine takes minutes
