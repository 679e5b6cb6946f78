/**
 * The retraining session's journey at phone width (issue 20's "Done when"): a trainer
 * schedules a session for a cohort through the pages, prints the sign-in sheet (the PDF
 * shows "Nguyễn Thị Ánh Tuyết" exactly), opens check-in and shows the code; the test reads
 * the QR code from a screenshot of the trainer's screen, and two volunteers, each on their
 * own phone, open the link it holds, sign in and check in; the trainer ticks a third on the
 * roster and closes the session; staff then see 3 retrained in person in the commune's numbers
 * (its dashboard and its page agree) and the three in the attendance export.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import jsQR from 'jsqr';
import type { Browser, Page } from 'playwright-core';
import { PNG } from 'pngjs';
import { toActor, type UserDoc } from '../../src/accounts';
import { addMember, createCohort } from '../../src/cohorts';
import { rebuildRollups } from '../../src/reports';
import { refreshRetrainingFigures } from '../../src/retraining';
import { testApp } from '../helpers/app';
import { launchBrowser, phone, screenshotPath, signIn } from '../helpers/browser';
import { useTestDatabase } from '../helpers/db';
import { createTree, createUser } from '../helpers/factories';

useTestDatabase(__filename);
const env = { base: '', browser: undefined as unknown as Browser };
let server: http.Server | undefined;
let trainer: UserDoc;
let staff: UserDoc;
const volunteers: UserDoc[] = [];

beforeAll(async () => {
  await createTree();
  trainer = (await createUser('trainer', 'C-HN', { fullName: 'Trần Quốc Huy' })).user;
  staff = (await createUser('staff', 'C-HN', { fullName: 'Phạm Thu Hà' })).user;
  for (const fullName of ['Nguyễn Thị Ánh Tuyết', 'Lê Văn Bình', 'Đỗ Thị Cúc']) volunteers.push((await createUser('volunteer', 'T-HN', { fullName })).user);
  const cohort = await createCohort(toActor(trainer), { name: 'Lớp tập huấn lại Ba Đình', unitCode: 'T-HN', courses: ['digital-literacy'], dueDate: null });
  for (const v of volunteers) await addMember(toActor(trainer), String(cohort._id), v.username);
  await rebuildRollups(); // the unit's people, the share's denominator
  await refreshRetrainingFigures();
  // the app knows its own address (the QR code holds an absolute link): listen first, then build it
  const holder: { app?: ReturnType<typeof testApp> } = {};
  server = http.createServer((req, res) => holder.app!(req, res));
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  env.base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  holder.app = testApp({ env: { BASE_URL: env.base } });
  env.browser = await launchBrowser();
});

afterAll(async () => {
  await env.browser?.close();
  server?.close();
});

/** Today and a time in Vietnam, as the form's date and time fields take them. */
function vietnamWallClock(d: Date): { date: string; time: string } {
  const local = new Date(d.getTime() + 7 * 3600_000).toISOString();
  return { date: local.slice(0, 10), time: local.slice(11, 16) };
}

/** The link in the QR code on the trainer's screen, read from a screenshot as a phone camera would. */
async function readQr(page: Page): Promise<string> {
  const png = PNG.sync.read(await page.locator('.checkin-qr').screenshot());
  const found = jsQR(new Uint8ClampedArray(png.data.buffer, png.data.byteOffset, png.data.length), png.width, png.height);
  if (!found) throw new Error('no QR code could be read from the trainer\'s screen');
  return found.data;
}

async function scheduleSession(page: Page, shot: (name: string) => Promise<void>): Promise<string> {
  await page.goto(`${env.base}/retraining`);
  await page.click('a[href="/retraining/new"]');
  // starts in half an hour (check-in may be opened from an hour before), ends within the day
  const start = new Date(Date.now() + 30 * 60_000);
  const s = vietnamWallClock(start);
  const endWall = vietnamWallClock(new Date(start.getTime() + 90 * 60_000));
  await page.fill('#title', 'Tập huấn lại kỹ năng số — Đội Ba Đình');
  await page.fill('#date', s.date);
  await page.fill('#startTime', s.time);
  await page.fill('#endTime', endWall.date === s.date ? endWall.time : '23:59');
  await page.check('input[name="placeKind"][value="hall"]');
  await page.fill('#place', 'Nhà văn hoá tổ dân phố 5, phường Ba Đình');
  await page.fill('#unitCode', 'C-HN');
  await page.locator('input[name="topics"]').first().check();
  await page.locator('input[name="cohorts"]').first().check();
  await shot('1-new-session');
  await page.click('form.stack button.primary');
  expect(await page.textContent('h1')).toBe('Tập huấn lại kỹ năng số — Đội Ba Đình');
  return page.url();
}

it('a trainer schedules a session for a cohort, prints the sheet, shows the code; two volunteers check in by scanning it, a third is ticked, the session is closed, and staff see 3 attended', async () => {
  const { ctx, step, expectClean } = await phone(env.browser, env.base);
  const page = await ctx.newPage();
  const shot = (name: string) => step(page, `retraining-trainer-${name}`);
  await signIn(page, env.base, trainer.username);
  const sessionUrl = await scheduleSession(page, shot);
  await shot('2-session');

  // the sign-in sheet: an A4 PDF with the names exactly as written
  const [sheet] = await Promise.all([page.waitForEvent('download'), page.click('a[href$="/sheet.pdf"]')]);
  const sheetFile = (await sheet.path())!;
  expect(execFileSync('pdfinfo', [sheetFile]).toString()).toMatch(/A4/);
  const sheetText = execFileSync('pdftotext', ['-enc', 'UTF-8', sheetFile, '-']).toString();
  expect(sheetText).toContain('Nguyễn Thị Ánh Tuyết');
  for (const v of volunteers) expect(sheetText).toContain(v.username);
  execFileSync('pdftoppm', ['-png', '-r', '60', '-f', '1', '-l', '1', '-singlefile', sheetFile, screenshotPath('retraining-trainer-3-sheet').replace(/\.png$/, '')]);

  // open check-in, show the code
  await page.click(`form[action$="/open"] button`);
  await page.clock.install(); // the page's own timer (a new code each minute) is run by the test, never waited for
  await page.click('a[href$="/checkin-code"]');
  await shot('4-checkin-code');
  const box = (await page.locator('.checkin-qr').boundingBox())!;
  expect(box.width).toBeGreaterThanOrEqual(280); // large enough to scan across a room, on a 360 px phone
  const link = await readQr(page);
  expect(link.startsWith(`${env.base}/retraining/checkin?t=`)).toBe(true);
  expect(await page.textContent('.checkin-link code')).toBe(link); // written out for whoever cannot scan
  // a new code each minute: the page's script swaps it in; without JavaScript the page refreshes itself
  expect(Number(await page.getAttribute('.checkin-code-page', 'data-refresh'))).toBeGreaterThanOrEqual(1);
  expect(await page.content()).toMatch(/<noscript><meta http-equiv="refresh" content="\d+"><\/noscript>/);

  // two volunteers, each on their own phone: open the link, sign in, check in
  for (const [i, v] of volunteers.slice(0, 2).entries()) {
    const mobile = await phone(env.browser, env.base);
    const p = await mobile.ctx.newPage();
    await p.goto(link);
    expect(new URL(p.url()).pathname).toBe('/login');
    await p.fill('#username', v.username);
    await p.fill('#password', 'Correct-Horse-Battery-42');
    await p.click('form.stack button.primary');
    expect(p.url()).toBe(link);
    await mobile.step(p, `retraining-volunteer${i + 1}-1-checkin`);
    await p.click('button.checkin-button');
    expect(await p.textContent('.verdict')).toMatch(/Bạn đã điểm danh lúc \d{2}\/\d{2}\/\d{4} \d{2}:\d{2}\./);
    await mobile.step(p, `retraining-volunteer${i + 1}-2-checked-in`);
    await mobile.expectClean(p);
    await mobile.ctx.close();
  }

  // at the next minute the trainer's screen takes the new code and the count in place, without reloading
  await page.$eval('.checkin-qr', (el) => el.setAttribute('data-before', 'yes'));
  await page.clock.runFor(61_000);
  await page.locator('.checkin-counts', { hasText: '2/3' }).waitFor();
  expect(await page.getAttribute('.checkin-qr', 'data-before')).toBe('yes'); // the same page, not a reload
  expect(await readQr(page)).toMatch(new RegExp(`^${env.base}/retraining/checkin\\?t=`));
  await shot('4b-checkin-code-counted');

  // the third is ticked on the roster; then the session is closed
  await page.goto(sessionUrl);
  await page.check(`input[name="tick"][value="${String(volunteers[2]!._id)}"]`);
  await shot('5-roster-ticked');
  await page.click('form[action$="/ticks"] button.primary');
  expect(await page.isChecked(`input[name="tick"][value="${String(volunteers[0]!._id)}"]`)).toBe(true);
  await page.click('form[action$="/close"] button');
  await shot('6-closed');
  expect(await page.textContent('main')).toContain('Mời 3 · Có mặt 3');
  await expectClean(page);
  await ctx.close();
  await staffSeeThree();
}, 600_000); // a limit for a hang: several phones on a loaded machine take minutes

/** Staff of the commune: 3 retrained in person in the unit's numbers (dashboard and unit page) and 3 rows in the attendance export. */
async function staffSeeThree(): Promise<void> {
  await refreshRetrainingFigures(); // one pass of the figures' background job (the test app starts no jobs)
  const { ctx, step, expectClean } = await phone(env.browser, env.base);
  const page = await ctx.newPage();
  const shot = (name: string) => step(page, `retraining-staff-${name}`);
  await signIn(page, env.base, staff.username);
  await page.goto(`${env.base}/reports?unit=C-HN`);
  await shot('1-dashboard');
  const figures = () => page.$$eval('[data-figure]', (els) => Object.fromEntries(els.map((e) => [e.getAttribute('data-figure'), e.textContent])));
  const onDashboard = await figures();
  expect(onDashboard.retrained).toBe('3');
  await page.click('.retraining-section a[href^="/retraining/units/"]');
  await page.waitForURL(/\/retraining\/units\//);
  await shot('2-unit-page');
  expect(await figures()).toEqual(onDashboard);
  const [csv] = await Promise.all([page.waitForEvent('download'), page.click('.exports a[href$="/attendance.csv"]')]);
  const rows = fs.readFileSync((await csv.path())!, 'utf8').replace(/^\uFEFF/, '').trim().split(/\r?\n/);
  expect(rows).toHaveLength(1 + 3); // the header and the three who attended
  for (const v of volunteers) expect(rows.filter((r) => r.includes(v.username))).toHaveLength(1);
  expect(rows.filter((r) => r.includes('Tập huấn lại kỹ năng số — Đội Ba Đình'))).toHaveLength(3);
  await expectClean(page);
  await ctx.close();
}
