/**
 * The weekly field report in a real browser: a team leader files it from a phone (360 px,
 * a slow mobile connection emulated), then the province's staff find it in the week's
 * summary, take its difficulty up, and export the summary whose numbers equal the page.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { parse } from 'csv-parse/sync';
import { currentWeek } from '../../src/fieldreports';
import { formatWeek } from '../../src/shared/i18n';
import { phone, signIn, useBrowserOnApp } from '../helpers/browser';
import { createUser } from '../helpers/factories';

const env = useBrowserOnApp(__filename);

it('a team leader files the week from a phone, and province staff see it in the summary and its exports', async () => {
  const week = currentWeek(new Date()).label;
  const { user: leaderUser } = await createUser('trainer', 'T-HN', { fullName: 'Nguyễn Thị Lan' });
  const { user: staffUser } = await createUser('staff', '01');

  // The leader, on a phone over a slow mobile connection (about 3G: 400 ms, 400 kbit/s).
  const leader = await phone(env.browser, env.base);
  const page = await leader.ctx.newPage();
  const cdp = await leader.ctx.newCDPSession(page);
  await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 400, downloadThroughput: 50_000, uploadThroughput: 50_000 });
  await signIn(page, env.base, leaderUser.username);
  const started = Date.now();
  await page.goto(`${env.base}/`);
  await leader.step(page, 'field-1-home-due');
  expect(await page.textContent('.weekly')).toContain('Chưa gửi');
  await page.click(`.weekly a[href="/field-reports/week/${week}"]`);
  await leader.step(page, 'field-2-form');
  await page.fill('#vneid', '14');
  await page.fill('#onlineService', '6');
  await page.fill('#dossier', '3');
  await page.selectOption('#d0_category', 'connectivity');
  await page.fill('#d0_description', 'Sóng yếu ở thôn Nà Ca, người dân không nhận được OTP');
  await page.check('input[name="d0_help"]');
  await page.click('button[type="submit"].primary');
  await page.waitForURL(/\/field-reports\?saved=/);
  const elapsed = Date.now() - started;
  await leader.step(page, 'field-3-saved');
  expect(await page.textContent('.alert-ok')).toContain(formatWeek('vi', currentWeek(new Date())));
  expect(await page.textContent('.week-card')).toContain('đã hỗ trợ 23 người, 1 khó khăn');
  // What the leader's machine spent on it, beside the time to type (recorded, not asserted: see bench/RESULTS.md).
  fs.mkdirSync(path.join('test-results'), { recursive: true });
  fs.writeFileSync(path.join('test-results', 'field-report-phone.json'), JSON.stringify({ week, pages: 3, elapsedMsOnEmulated3G: elapsed }, null, 2));
  await leader.expectClean(page);
  await leader.ctx.close();

  // Province staff at their desk.
  const staff = await phone(env.browser, env.base, { width: 1280 });
  const desk = await staff.ctx.newPage();
  await signIn(desk, env.base, staffUser.username);
  await desk.click('nav a[href="/field-reports"]');
  await staff.step(desk, 'field-4-summary');
  const kpis = await desk.$$eval('.kpis strong', (els) => els.map((e) => e.textContent?.trim()));
  expect(kpis).toEqual(['1/1', '23', '1', '1']);
  expect(await desk.textContent('.difficulties')).toContain('Sóng yếu ở thôn Nà Ca');
  await desk.click('.difficulties summary');
  await desk.fill('.difficulties textarea[name="note"]', 'Tỉnh đoàn đã đề nghị nhà mạng kiểm tra trạm phát sóng');
  await desk.click('.difficulties button[type="submit"]');
  await desk.waitForURL(/\/field-reports\/summary\?/);
  await staff.step(desk, 'field-5-taken-up');
  expect(await desk.textContent('.difficulties')).toContain('Tỉnh đoàn đã đề nghị nhà mạng');

  const [csv] = await Promise.all([desk.waitForEvent('download'), desk.click('a[href^="/field-reports/summary.csv"]')]);
  // in the reader's words: the week as people say it, the level named
  const rows = parse(fs.readFileSync((await csv.path())!, 'utf8'), { bom: true }) as string[][];
  expect(rows[0]!.slice(0, 3)).toEqual(['Tuần', 'Mã đơn vị', 'Tên đơn vị']);
  expect(rows[1]!.slice(0, 14)).toEqual([formatWeek('vi', currentWeek(new Date())), '01', 'Thành phố Hà Nội', 'Tỉnh, thành phố', '1', '1', '14', '6', '3', '0', '0', '23', '1', '1']);
  const [codes] = await Promise.all([desk.waitForEvent('download'), desk.click('.exports-codes a[href^="/field-reports/summary.csv"]')]);
  const codeLines = fs.readFileSync((await codes.path())!, 'utf8').replace(/^\uFEFF/, '').trim().split('\n');
  expect(codeLines[1]!.split(',').slice(0, 14)).toEqual([week, '01', 'Thành phố Hà Nội', 'province', '1', '1', '14', '6', '3', '0', '0', '23', '1', '1']);
  const [xlsx] = await Promise.all([desk.waitForEvent('download'), desk.click('a[href^="/field-reports/summary.xlsx"]')]);
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.readFile((await xlsx.path())!);
  expect(wb.getWorksheet('Khó khăn')!.getRow(2).getCell(12).value).toBe('Tỉnh đoàn đã đề nghị nhà mạng kiểm tra trạm phát sóng');
  const [pdf] = await Promise.all([desk.waitForEvent('download'), desk.click('a[href^="/field-reports/summary.pdf"]')]);
  const text = execFileSync('pdftotext', ['-layout', (await pdf.path())!, '-']).toString();
  expect(text).toContain('1/1 đội đã báo cáo · hỗ trợ 23 người');
  expect(text).toContain('Sóng yếu ở thôn Nà Ca');
  await staff.expectClean(desk);
  await staff.ctx.close();
}, 180_000);
