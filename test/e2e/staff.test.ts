/**
 * The union staff's journey in a real browser, at phone and desktop width: the compliance dashboard,
 * drilling down to a team, exporting CSV and XLSX, and checking that the files' numbers
 * equal the page's.
 */
import fs from 'node:fs';
import type { Server } from 'node:http';
import ExcelJS from 'exceljs';
import type { Browser } from 'playwright-core';
import { completeIfDone, LessonRead } from '../../src/courses';
import { rebuildRollups } from '../../src/reports';
import { testApp } from '../helpers/app';
import { axeViolations, launchBrowser, phone, screenshotPath, serve } from '../helpers/browser';
import { fixtureCatalog } from '../helpers/content';
import { useTestDatabase } from '../helpers/db';
import { createTree, createUser, TEST_PASSWORD } from '../helpers/factories';

useTestDatabase(__filename);
let browser: Browser;
let server: Server;
let base = '';

beforeAll(async () => {
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
  ({ base, server } = await serve(testApp()));
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  server?.close();
});

it.each([360, 1280])('at %i px, staff read the dashboard, drill down to a team, and export files whose numbers equal the page', async (width) => {
  const { user } = await createUser('staff', '01');
  const { ctx, foreign, overBudget } = await phone(browser, base, { width });
  const page = await ctx.newPage();
  await page.goto(`${base}/login`);
  await page.fill('#username', user.username);
  await page.fill('#password', TEST_PASSWORD);
  await page.click('form.stack button.primary');
  await page.click('a[href="/reports"]');
  await page.screenshot({ path: screenshotPath(`staff-${width}-1-dashboard`), fullPage: true });
  const violations = await axeViolations(page);
  const kpis = await page.$$eval('.kpis strong', (els) => els.map((e) => Number((e.textContent ?? '').replace(/\D/g, ''))));
  expect(kpis).toEqual([3, 2, 0, 0]);

  await page.click('text=Phường Ba Đình');
  await page.click('text=Đội Ba Đình');
  await page.screenshot({ path: screenshotPath(`staff-${width}-2-team`), fullPage: true });
  violations.push(...(await axeViolations(page)));
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
  expect(foreign).toEqual([]);
  expect(violations).toEqual([]);
  expect(await overBudget()).toEqual([]);
  await ctx.close();
}, 120_000);
