/**
 * Issue 21's done-when: "staff open this Monday's briefing pack and its numbers equal the
 * dashboard's". This Monday's packs are prepared by the job's own function at 07:00 Vietnam
 * time; a province's staff member, on a 360 px phone, reads the dashboard, opens Briefings from
 * the menu, downloads the pack's PDF and XLSX, and the compliance figures in both equal the
 * dashboard's. The PDF is rendered to pictures to be looked at (test-results/briefings-pack-*.png).
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import type { Browser, Page } from 'playwright-core';
import { runBriefings } from '../../src/briefings';
import { completeIfDone, lessonKeys } from '../../src/courses';
import { currentWeek } from '../../src/fieldreports';
import { rebuildRollups } from '../../src/reports';
import { testApp } from '../helpers/app';
import { launchBrowser, phone, serve, signIn } from '../helpers/browser';
import { fixtureCatalog } from '../helpers/content';
import { useTestDatabase } from '../helpers/db';
import { createTree, createUser } from '../helpers/factories';
import { readLessons } from '../helpers/progress';

useTestDatabase(__filename);
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'e2e-briefings-'));
const results = path.join(__dirname, '..', '..', 'test-results');
let base = '';
let browser: Browser;
let server: Awaited<ReturnType<typeof serve>>['server'];

beforeAll(async () => {
  await createTree();
  const course = fixtureCatalog().courses.find((c) => c.slug === 'digital-literacy')!;
  // Hà Nội: 3 in Ba Đình's team, 2 of them through Digital Literacy; Cao Bằng: 1
  for (let i = 0; i < 3; i++) {
    const { user } = await createUser('volunteer', 'T-HN');
    if (i < 2) {
      await readLessons(user._id, course.slug, lessonKeys(course));
      await completeIfDone(user._id, course);
    }
  }
  await createUser('volunteer', 'T-CB');
  await rebuildRollups();
  // this Monday, 07:00 in Vietnam: the job's run
  const monday = currentWeek(new Date());
  const run = await runBriefings({ now: new Date(monday.start.getTime() + 7 * 3600_000), dataDir });
  expect(run.prepared).toEqual(['TW', '01', '04']);
  ({ base, server } = await serve(testApp({ env: { DATA_DIR: dataDir } })));
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  server?.close();
});

const kpisOf = (page: Page) => page.$$eval('.kpis strong', (els) => els.map((e) => Number((e.textContent ?? '').replace(/\D/g, ''))));

it('when a province\'s staff open this Monday\'s briefing pack on a phone, its numbers should equal the dashboard\'s', async () => {
  const { user } = await createUser('staff', '01');
  const { ctx, step, expectClean } = await phone(browser, base, { width: 360 });
  const page = await ctx.newPage();
  const shot = (name: string) => step(page, `briefings-360-${name}`);
  await signIn(page, base, user.username);

  // The dashboard: 3 people, 2 through Digital Literacy, none through both: 0%.
  await page.click('a[href="/reports"]');
  await shot('1-dashboard');
  const [people, dl, tlg, compliant] = await kpisOf(page);
  expect([people, dl, tlg, compliant]).toEqual([3, 2, 0, 0]);

  // Briefings, from the menu's "More".
  await page.click('.nav-more summary');
  await page.click('.site-nav a[href="/briefings"]');
  await shot('2-briefings');
  expect(await page.textContent('h1')).toBe('Giao ban tuần');
  const card = page.locator('.pack').first();
  expect(await card.locator('h3').textContent()).toBe('Thành phố Hà Nội');
  expect(await card.textContent()).toContain(`Hoàn thành cả hai khóa: 0% (${compliant}/${people} người)`);
  expect(await card.textContent()).toMatch(/Lập lúc \d{2}\/\d{2}\/\d{4} 07:00/);

  // The PDF: the same figures as the dashboard.
  const [pdf] = await Promise.all([page.waitForEvent('download'), card.locator('a[href$="/pack.pdf"]').click()]);
  expect(pdf.suggestedFilename()).toBe(`goi-giao-ban-${currentWeek(new Date()).label}-01.pdf`);
  const pdfFile = path.join(dataDir, 'downloaded.pdf');
  await pdf.saveAs(pdfFile);
  const text = execFileSync('pdftotext', ['-raw', pdfFile, '-']).toString().replace(/\s+/g, ' ');
  expect(text).toContain(`Hoàn thành cả hai khóa: 0% (${compliant}/${people} người), mục tiêu 100%`);
  expect(text).toContain(`Người học: ${people} · Hoàn thành Bình dân học vụ số: ${dl} · Hoàn thành Chính quyền hai cấp: ${tlg}`);
  expect(text).toContain(`Phường Ba Đình C-HN ${people} ${dl} ${tlg} ${compliant} 0%`);
  fs.mkdirSync(results, { recursive: true });
  execFileSync('pdftoppm', ['-png', '-r', '60', pdfFile, path.join(results, 'briefings-pack')]);

  // The workbook: the unit's row holds the dashboard's figures.
  const [xlsx] = await Promise.all([page.waitForEvent('download'), card.locator('a[href$="/pack.xlsx"]').click()]);
  const xlsxFile = path.join(dataDir, 'downloaded.xlsx');
  await xlsx.saveAs(xlsxFile);
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.readFile(xlsxFile);
  const rows = wb.worksheets[0]!.getSheetValues().slice(2).map((r) => (r as unknown[]).slice(1));
  expect(rows[0]).toEqual(['01', 'Thành phố Hà Nội', 'Tỉnh, thành phố', people, dl, tlg, compliant, 0]);

  await expectClean(page);
  await ctx.close();
});
