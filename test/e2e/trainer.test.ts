/**
 * The trainer's journey in a real browser at phone width: create a cohort, import a roster
 * with errors, read them, import the corrected file, download the one-time passwords,
 * follow progress and open "My cascade".
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CohortMember } from '../../src/cohorts';
import { phone, signIn, useBrowserOnApp } from '../helpers/browser';
import { createUser } from '../helpers/factories';

const env = useBrowserOnApp(__filename);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tss-e2e-roster-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

it('a trainer imports a messy roster, fixes it, hands out passwords and follows the cascade', async () => {
  const { user: trainer } = await createUser('trainer', 'C-HN', { fullName: 'Trần Quốc Huy' });
  const messy = path.join(dir, 'danh-sach.csv');
  const fixed = path.join(dir, 'danh-sach-da-sua.csv');
  fs.writeFileSync(messy, '\uFEFFten_dang_nhap;ho_ten;ma_don_vi;so_dien_thoai;vai_tro;nguoi_tap_huan\nnguyen.hoa;Nguyễn Thị Hoa;T-HN;0912 345 678;;\ntran.nam;Trần Văn Nam;T-HN;;trainer;\nPham Duc;Phạm Đức;T-HN;;;\nle.mai;Lê Thị Mai;T-XX;;;tran.nam\n');
  fs.writeFileSync(fixed, '\uFEFFten_dang_nhap;ho_ten;ma_don_vi;so_dien_thoai;vai_tro;nguoi_tap_huan\nnguyen.hoa;Nguyễn Thị Hoa;T-HN;0912 345 678;;\ntran.nam;Trần Văn Nam;T-HN;;trainer;\npham.duc;Phạm Đức;T-HN;;;\nle.mai;Lê Thị Mai;T-HN;;;tran.nam\n');

  const { ctx, step, expectClean } = await phone(env.browser, env.base);
  const page = await ctx.newPage();
  const shot = (name: string) => step(page, `trainer-${name}`);
  await signIn(page, env.base, trainer.username);

  await page.click('a[href="/cohorts"]');
  await page.click('a.button[href="/cohorts/new"]');
  await page.fill('#name', 'Tập huấn lại đội Ba Đình');
  await page.fill('#unitCode', 'C-HN');
  await page.fill('#dueDate', '2026-12-31');
  await page.click('form.stack button.primary');
  const cohortUrl = page.url();
  await shot('1-cohort');

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
  await page.click('form.stack button.primary');
  await shot('3-passwords');
  expect(await page.$$eval('.print-sheet tbody tr', (r) => r.length)).toBe(4);
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('form.no-print button')]);
  const csv = fs.readFileSync((await download.path())!, 'utf8');
  expect(csv).toMatch(/^\uFEFFusername,full_name,one_time_password/);
  expect(csv.trim().split('\n')).toHaveLength(5);

  await page.goto(cohortUrl);
  await shot('4-progress');
  expect(await page.$$eval('tbody tr', (r) => r.length)).toBe(4);
  expect(await CohortMember.countDocuments({})).toBe(4);

  await page.click('.nav-more summary'); // My cascade is under "Thêm" in the menu
  await page.click('a[href="/cascade"]');
  await shot('5-cascade');
  const levels = await page.$$eval('tbody tr', (rows) => rows.map((r) => Array.from(r.querySelectorAll('td, th'), (c: { textContent: string | null }) => (c.textContent ?? '').trim()).join('|')));
  expect(levels[0]).toBe('Cấp 1|3|0|0|0 (0%)');
  expect(levels[1]).toBe('Cấp 2|1|0|0|0 (0%)');
  await expectClean(page);
  await ctx.close();
}, 300_000); // a limit for a hang: a browser journey on a loaded machine takes minutes
