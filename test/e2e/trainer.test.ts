/**
 * The trainer's journey in a real browser at phone width, with and without JavaScript:
 * create a cohort by picking its unit by name, download the roster template, import a
 * messy roster with the headings officials type, read the errors, import the corrected
 * template, reload the one-time password sheet, re-issue one person's password, find a
 * person by phone, and open "My cascade".
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import type { Page } from 'playwright-core';
import { phone, signIn, useBrowserOnApp } from '../helpers/browser';
import { countMembers } from '../helpers/cohort-records';
import { createUser, reloadUser } from '../helpers/factories';

const env = useBrowserOnApp(__filename);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tss-e2e-roster-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** Creates a cohort by typing part of the unit's name, finding it and picking it. */
async function createCohortByUnitName(page: Page, shot: (name: string) => Promise<void>, name: string): Promise<string> {
  await page.click('a[href="/cohorts"]');
  await page.click('a.button[href="/cohorts/new"]');
  await page.fill('#name', name);
  await page.fill('#unitCode', 'phuong ba dinh');
  await page.fill('#dueDate', '2026-12-31');
  await page.click('button[name="findUnit"]');
  expect(await page.inputValue('#name')).toBe(name); // what was typed is kept
  expect(await page.isChecked('input[name="unitPick"][value="C-HN"]')).toBe(true); // the one unit found, picked
  await shot('picker');
  await page.click('form.stack button.primary');
  expect(await page.textContent('h1')).toBe(name);
  return page.url();
}

const otps = (page: Page) => page.$$eval('.print-sheet tbody tr td:nth-child(3) code', (cells) => cells.map((c) => c.textContent ?? ''));

it('with JavaScript, a trainer picks the unit by name, imports the template, reloads the passwords, re-issues one, finds a person by phone and follows the cascade', async () => {
  const { user: trainer } = await createUser('trainer', 'C-HN', { fullName: 'Trần Quốc Huy' });
  const messy = path.join(dir, 'danh-sach.csv');
  fs.writeFileSync(messy, '\uFEFFTên đăng nhập;Họ và tên;Mã đơn vị;SĐT;Vai trò;Người tập huấn\nnguyen.hoa;Nguyễn Thị Hoa;T-HN;0912 345 678;;\ntran.nam;Trần Văn Nam;T-HN;;trainer;\nPham Duc;Phạm Đức;T-HN;;;\nle.mai;Lê Thị Mai;T-XX;;;tran.nam\n');

  const { ctx, step, expectClean } = await phone(env.browser, env.base);
  const page = await ctx.newPage();
  const shot = (name: string) => step(page, `trainer-${name}`);
  await signIn(page, env.base, trainer.username);
  const cohortUrl = await createCohortByUnitName(page, shot, 'Tập huấn lại đội Ba Đình');
  await shot('1-cohort');

  // the template: Vietnamese headings, an example row, instructions; filled in as a trainer would
  const [template] = await Promise.all([page.waitForEvent('download'), page.click('a[href="/cohorts/template.xlsx"]')]);
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.readFile((await template.path())!);
  expect(wb.worksheets.map((w) => w.name)).toEqual(['Danh sách', 'Hướng dẫn']);
  const list = wb.worksheets[0]!;
  expect((list.getRow(1).values as unknown[]).slice(1, 4)).toEqual(['Họ và tên', 'Tên đăng nhập', 'Mã đơn vị']);
  list.spliceRows(2, 1, ['Nguyễn Thị Hoa', 'nguyen.hoa', 'T-HN', '0912 345 678', '', ''], ['Trần Văn Nam', 'tran.nam', 'T-HN', '', 'tập huấn viên', ''], ['Phạm Đức', 'pham.duc', 'T-HN', '', '', ''], ['Lê Thị Mai', 'le.mai', 'T-HN', '', '', 'tran.nam']);
  const fixed = path.join(dir, 'danh-sach-da-sua.xlsx');
  await wb.xlsx.writeFile(fixed);

  await page.setInputFiles('#file', messy);
  await page.click('form[enctype="multipart/form-data"] button.primary');
  await shot('2-preview-errors');
  const errors = await page.$$eval('table:first-of-type tbody tr', (rows) => rows.map((r) => r.textContent ?? ''));
  expect(errors.some((e) => e.includes('4') && e.includes('Tên đăng nhập phải gồm'))).toBe(true);
  expect(errors.some((e) => e.includes('5') && e.includes('Không có đơn vị mã "T-XX"'))).toBe(true);

  await page.goto(cohortUrl);
  await page.setInputFiles('#file', fixed);
  await page.click('form[enctype="multipart/form-data"] button.primary');
  expect(await page.textContent('.summary')).toMatch(/4\s*tài khoản mới/);
  await shot('3-preview');
  await page.click('form.stack button.primary');
  await shot('4-passwords');
  const shown = await otps(page);
  expect(shown).toHaveLength(4);
  expect(await page.textContent('#sheet-rule')).toContain('30 phút');
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('form.no-print button')]);
  const csv = fs.readFileSync((await download.path())!, 'utf8');
  expect(csv).toMatch(/^\uFEFFTên đăng nhập,Họ và tên,Mật khẩu dùng một lần/); // in the trainer's words
  expect(csv.trim().split('\n')).toHaveLength(5);
  // a reload (or Back and forth) shows the same sheet; the CSV has gone once
  await page.reload();
  expect(await otps(page)).toEqual(shown);
  expect(await page.textContent('main')).toContain('Tệp CSV đã được tải');
  await shot('5-passwords-reloaded');

  // find a person by phone, re-issue their password
  await page.goto(cohortUrl);
  expect(await page.$$eval('ul.members > li', (r) => r.length)).toBe(4);
  expect(await countMembers(new URL(cohortUrl).pathname.split('/')[2]!)).toBe(4); // this cohort's, whatever other tests made
  await shot('6-progress');
  await page.fill('#q', '0912 345 678');
  await page.click('form[role="search"] button');
  const found = await page.$$eval('ul.members > li strong', (r) => r.map((s) => s.textContent));
  expect(found).toEqual(['Nguyễn Thị Hoa']);
  await shot('7-found-by-phone');
  await page.click('ul.members a.reissue');
  await shot('8-reissue-ask');
  await page.click('form.stack button.primary');
  const otp = await page.textContent('code.big');
  expect(otp).toMatch(/^[a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4}$/);
  expect(shown).not.toContain(otp);
  expect((await reloadUser('nguyen.hoa'))!.mustChangePassword).toBe(true);
  await shot('9-reissued');

  await page.click('.nav-more summary'); // My cascade is under "Thêm" in the menu
  await page.click('a[href="/cascade"]');
  await shot('10-cascade');
  const levels = await page.$$eval('tbody tr', (rows) => rows.map((r) => Array.from(r.querySelectorAll('td, th'), (c: { textContent: string | null }) => (c.textContent ?? '').trim()).join('|')));
  expect(levels[0]).toBe('Cấp 1|3|0|0|0 (0%)');
  expect(levels[1]).toBe('Cấp 2|1|0|0|0 (0%)');
  await expectClean(page);
  await ctx.close();
}, 300_000); // a limit for a hang: a browser journey on a loaded machine takes minutes

it('without JavaScript, the same forms work: unit by name, import, sheet reloaded, password re-issued, person found by phone', async () => {
  const { user: trainer } = await createUser('trainer', 'C-HN', { fullName: 'Vũ Thị Lan' });
  const roster = path.join(dir, 'lop-khong-js.csv');
  fs.writeFileSync(roster, '\uFEFFHo va ten,Ten dang nhap,Ma don vi,So dien thoai\nĐỗ Minh Khoa,do.khoa,T-HN,0987 654 321\nBùi Thu Trang,bui.trang,T-HN,\n');

  const { ctx, step, expectClean } = await phone(env.browser, env.base, { javaScriptEnabled: false });
  const page = await ctx.newPage();
  const shot = (name: string) => step(page, `trainer-nojs-${name}`);
  await signIn(page, env.base, trainer.username);
  const cohortUrl = await createCohortByUnitName(page, shot, 'Lớp không JavaScript');
  // Enter in a field creates the cohort (the form's own action), with the unit typed by its unique name
  await page.goto(`${env.base}/cohorts/new`);
  await page.fill('#unitCode', 'Đội Ba Đình');
  await page.fill('#name', 'Lớp tạo bằng phím Enter');
  await page.press('#name', 'Enter');
  expect(await page.textContent('h1')).toBe('Lớp tạo bằng phím Enter');
  await page.goto(cohortUrl);

  await page.setInputFiles('#file', roster);
  await page.click('form[enctype="multipart/form-data"] button.primary');
  expect(await page.textContent('.summary')).toMatch(/2\s*tài khoản mới/);
  await page.click('form.stack button.primary');
  const shown = await otps(page);
  expect(shown).toHaveLength(2);
  await page.reload();
  expect(await otps(page)).toEqual(shown);
  await shot('1-passwords-reloaded');

  await page.goto(cohortUrl);
  await page.fill('#q', '0987654321');
  await page.click('form[role="search"] button');
  expect(await page.$$eval('ul.members > li strong', (r) => r.map((s) => s.textContent))).toEqual(['Đỗ Minh Khoa']);
  await shot('2-found-by-phone');
  await page.click('ul.members a.reissue');
  await page.click('form.stack button.primary');
  expect(await page.textContent('code.big')).toMatch(/^[a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4}$/);
  await shot('3-reissued');
  await expectClean(page);
  await ctx.close();
}, 300_000);
