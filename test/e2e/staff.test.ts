/**
 * The union staff's journey in a real browser, at phone and desktop width: the menu, the
 * compliance dashboard, a commune whose total includes people of no team, drilling down to a
 * team, and the files: per-person CSV and XLSX in Vietnamese with Vietnam-time dates whose
 * numbers equal the page's, the same in the contract's codes, and the briefing PDF. Then each
 * role's menu at 360 px, with and without JavaScript: never more than two lines.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import type { Page } from 'playwright-core';
import { completeIfDone, lessonKeys } from '../../src/courses';
import { rebuildRollups } from '../../src/reports';
import { dateTimeText } from '../../src/shared/dates';
import type { Role } from '../../src/shared/actor';
import { phone, screenshotPath, signIn, useBrowserOnApp } from '../helpers/browser';
import { fixtureCatalog } from '../helpers/content';
import { createTree, createUser } from '../helpers/factories';
import { userNamed } from '../helpers/people';
import { readLessons } from '../helpers/progress';

const env = useBrowserOnApp(__filename, async () => {
  await createTree();
  const course = fixtureCatalog().courses.find((c) => c.slug === 'digital-literacy')!;
  for (let i = 0; i < 3; i++) {
    const { user } = await createUser('volunteer', 'T-HN');
    if (i < 2) {
      await readLessons(user._id, course.slug, lessonKeys(course));
      await completeIfDone(user._id, course);
    }
  }
  await createUser('volunteer', 'C-HN', { fullName: 'Người Thuộc Phường' }); // in the commune, in no team
  await createUser('volunteer', 'T-CB');
  await rebuildRollups();
});

const kpisOf = (page: Page) => page.$$eval('.kpis strong', (els) => els.map((e) => Number((e.textContent ?? '').replace(/\D/g, ''))));

/** How many lines the menu's top-level items take, and its height in px. */
async function menuLines(page: Page): Promise<{ lines: number; height: number }> {
  return page.$eval('.site-nav > ul', (ul) => {
    const tops = new Set([...ul.children].map((li) => Math.round(li.getBoundingClientRect().top)));
    return { lines: tops.size, height: ul.getBoundingClientRect().height };
  });
}

it.each([
  [360, true],
  [1280, true],
  [360, false],
])('at %i px (JavaScript %s), staff read the dashboard, drill down to a team, and export files whose numbers equal the page', async (width, javaScriptEnabled) => {
  const { user } = await createUser('staff', '01');
  const { ctx, step, expectClean } = await phone(env.browser, env.base, { width, javaScriptEnabled });
  const page = await ctx.newPage();
  const shot = (name: string) => step(page, `staff-${width}${javaScriptEnabled ? '' : '-nojs'}-${name}`);
  await signIn(page, env.base, user.username);
  await page.click('a[href="/reports"]');
  await shot('1-dashboard');
  expect(await page.getAttribute('.site-nav a[href="/reports"]', 'aria-current')).toBe('page');
  expect(await kpisOf(page)).toEqual([4, 2, 0, 0]);
  // the lowest rates first: the filter is a plain form
  await page.selectOption('#sort', 'lowest');
  await page.click('.filters button[type="submit"]');
  await page.waitForURL(/sort=lowest/);

  // The commune: 4 people, its team 3; the page says who the fourth is.
  await page.click('text=Phường Ba Đình');
  await shot('2-commune');
  expect(await kpisOf(page)).toEqual([4, 2, 0, 0]);
  expect(await page.textContent('.direct-people')).toContain('1 người thuộc trực tiếp xã/phường (không thuộc đội nào)');

  await page.click('text=Đội Ba Đình');
  await shot('3-team');
  const kpis = await kpisOf(page);
  expect(kpis).toEqual([3, 2, 0, 0]);
  expect(await page.$('.direct-people')).toBeNull();

  // The per-person CSV: Vietnamese headers and words, Vietnam-time dates, the page's numbers.
  const [csvDownload] = await Promise.all([page.waitForEvent('download'), page.click('.exports a[href^="/reports/people.csv"]')]);
  const csvText = fs.readFileSync((await csvDownload.path())!, 'utf8');
  expect(csvText.charCodeAt(0)).toBe(0xfeff);
  const [header, ...rows] = parse(csvText, { bom: true }) as string[][];
  expect(header!.slice(0, 3)).toEqual(['Tên đăng nhập', 'Họ và tên', 'Mã tỉnh']);
  expect(header![6]).toBe('Bình dân học vụ số');
  expect(rows).toHaveLength(kpis[0]!);
  expect(rows.filter((r) => r[6] === 'Đã hoàn thành')).toHaveLength(kpis[1]!);
  expect(rows.filter((r) => r[10] === 'Có')).toHaveLength(kpis[3]!);
  for (const r of rows.filter((x) => x[6] === 'Đã hoàn thành')) {
    const person = (await userNamed(r[0]!))!;
    expect(r[7]).toBe(dateTimeText(person.completedAt!['digital-literacy'] as Date)); // as the screen writes it, Vietnam time
  }
  // The page lists the same people with the same words.
  const statuses = await page.$$eval('table tbody tr td:nth-child(2)', (tds) => tds.map((td) => td.textContent?.trim()));
  expect(statuses.filter((s) => s === 'Hoàn thành')).toHaveLength(kpis[1]!);

  const [xlsxDownload] = await Promise.all([page.waitForEvent('download'), page.click('.exports a[href^="/reports/people.xlsx"]')]);
  const people = new ExcelJS.Workbook();
  await people.xlsx.readFile((await xlsxDownload.path())!);
  const sheet = people.worksheets[0]!;
  expect(sheet.getRow(1).getCell(2).value).toBe('Họ và tên');
  expect(sheet.getRow(1).getCell(2).font?.bold).toBe(true);
  expect(sheet.rowCount - 1).toBe(kpis[0]);
  const done = [2, 3, 4].map((i) => sheet.getRow(i)).filter((r) => r.getCell(7).value === 'Đã hoàn thành');
  expect(done).toHaveLength(kpis[1]!);
  expect(done[0]!.getCell(8).value).toBeInstanceOf(Date);
  expect(done[0]!.getCell(8).numFmt).toBe('dd/mm/yyyy hh:mm');

  // The codes form, for other programs: the contract's columns and values.
  const [codesDownload] = await Promise.all([page.waitForEvent('download'), page.click('.exports-codes a[href^="/reports/people.csv"]')]);
  const [codesHeader, ...codesRows] = parse(fs.readFileSync((await codesDownload.path())!, 'utf8'), { bom: true }) as string[][];
  expect(codesHeader).toEqual(['username', 'full_name', 'province_code', 'commune_code', 'team_code', 'trainer_username', 'digital_literacy_status', 'digital_literacy_completed_at', 'two_level_government_status', 'two_level_government_completed_at', 'compliant']);
  expect(codesRows.filter((r) => r[6] === 'completed')).toHaveLength(kpis[1]!);
  expect(codesRows.filter((r) => r[6] === 'completed').every((r) => /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/.test(r[7]!))).toBe(true);

  const [rollupDownload] = await Promise.all([page.waitForEvent('download'), page.click('.exports a[href^="/reports/rollup.xlsx"]')]);
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.readFile((await rollupDownload.path())!);
  expect((wb.worksheets[0]!.getRow(2).values as unknown[]).slice(1, 8)).toEqual(['T-HN', 'Đội Ba Đình', 'Đội hình tình nguyện', ...kpis]);

  // The briefing PDF of the commune: its team, its rate, a place to sign.
  await page.click('.breadcrumb a:has-text("Phường Ba Đình"), a:has-text("Phường Ba Đình")');
  const [pdfDownload] = await Promise.all([page.waitForEvent('download'), page.click('.exports a[href^="/reports/rollup.pdf"]')]);
  const pdfFile = (await pdfDownload.path())!;
  expect(execFileSync('pdfinfo', [pdfFile]).toString()).toMatch(/A4/);
  // its first page as a picture, beside the journey's screenshots
  execFileSync('pdftoppm', ['-png', '-r', '60', '-f', '1', '-l', '1', '-singlefile', pdfFile, screenshotPath(`staff-${width}${javaScriptEnabled ? '' : '-nojs'}-4-briefing`).replace(/\.png$/, '')]);
  const text = execFileSync('pdftotext', ['-raw', pdfFile, '-']).toString().replace(/\s+/g, ' ');
  expect(text).toContain('BÁO CÁO TIẾN ĐỘ HOÀN THÀNH HAI KHÓA HỌC');
  expect(text).toContain('Hoàn thành cả hai khóa: 0% (0/4 người)');
  expect(text).toContain('Đội Ba Đình T-HN 3 2 0 0 0%');
  expect(text).toContain('LÃNH ĐẠO ĐƠN VỊ');
  await expectClean(page);
  await ctx.close();
}, 300_000); // a limit for a hang: a browser journey on a loaded machine takes minutes

// Learners of the menu tests sit in Cao Bằng's team: the dashboard test above counts Hà Nội's people, whatever order the tests run in.
const ROLES: { role: Role; unit: string }[] = [
  { role: 'staff', unit: '01' },
  { role: 'admin', unit: 'TW' },
  { role: 'trainer', unit: 'T-CB' },
  { role: 'volunteer', unit: 'T-CB' },
];

describe.each([true, false])('with JavaScript %s', (javaScriptEnabled) => {
  it.each(ROLES)('at 360 px, the $role menu takes at most two lines, and what is under "More" opens and leads there', async ({ role, unit }) => {
    const { user } = await createUser(role, unit);
    const { ctx, step, expectClean } = await phone(env.browser, env.base, { javaScriptEnabled });
    const page = await ctx.newPage();
    await signIn(page, env.base, user.username);
    await page.goto(`${env.base}/`);
    const js = javaScriptEnabled ? 'js' : 'nojs';
    await step(page, `menu-${role}-${js}-1`);
    const { lines, height } = await menuLines(page);
    expect(lines).toBeLessThanOrEqual(2);
    expect(height).toBeLessThanOrEqual(2 * 44 + 16);
    expect(await page.getAttribute('.site-nav a[href="/"]', 'aria-current')).toBe('page');

    const more = await page.$('.nav-more summary');
    if (role === 'volunteer') {
      expect(more).toBeNull(); // three links: nothing to fold away
    } else {
      expect(more).not.toBeNull();
      expect(await page.isVisible('.nav-more a')).toBe(false);
      // by keyboard: the summary takes the focus and Enter opens it
      await page.focus('.nav-more summary');
      await page.keyboard.press('Enter');
      expect(await page.isVisible('.nav-more a[href="/cascade"]')).toBe(true);
      await step(page, `menu-${role}-${js}-2-open`);
      await page.click('.nav-more a[href="/cascade"]');
      await page.waitForURL(/\/cascade$/);
      // where we are is said, even when the link is folded away
      expect(await page.getAttribute('.nav-more a[href="/cascade"]', 'aria-current')).toBe('page');
      expect(await page.getAttribute('.nav-more summary', 'class')).toBe('current');
      await step(page, `menu-${role}-${js}-3-there`);
    }
    await expectClean(page);
    await ctx.close();
  }, 300_000);
});
