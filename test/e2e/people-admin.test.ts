/**
 * Staff administering people at phone width, without JavaScript (the forms need none):
 * create a trainer's account choosing the unit by name, find a person by phone and see
 * their last activity, move them to a unit found by name.
 */
import { phone, signIn, useBrowserOnApp } from '../helpers/browser';
import { createUser, reloadUser } from '../helpers/factories';
import { setUserFields } from '../helpers/people';

const env = useBrowserOnApp(__filename);

it.each([
  ['without JavaScript', false],
  ['with JavaScript', true],
])('%s, staff create an account with the unit picked by name, find a person by phone and move them to a unit found by name', async (label, js) => {
  const suffix = js ? 'js' : 'nojs';
  const { user: staff } = await createUser('staff', '01', { fullName: 'Cán Bộ Thành Đoàn' });
  const { user: person } = await createUser('volunteer', 'T-HN', { fullName: `Hoàng Văn Bảo ${suffix}` });
  const number = js ? '0977111222' : '0977333444';
  await setUserFields(person._id, { phone: number });

  const { ctx, step, expectClean } = await phone(env.browser, env.base, { javaScriptEnabled: js });
  const page = await ctx.newPage();
  const shot = (name: string) => step(page, `people-${suffix}-${name}`);
  await signIn(page, env.base, staff.username);

  await page.goto(`${env.base}/people/new`);
  await page.fill('#fullName', 'Lý Thị Thu');
  await page.fill('#username', `ly.thu.${suffix}`);
  await page.fill('#unitCode', 'doi ba dinh');
  await page.click('button[name="findUnit"]');
  expect(await page.inputValue('#fullName')).toBe('Lý Thị Thu');
  expect(await page.isChecked('input[name="unitPick"][value="T-HN"]')).toBe(true);
  await shot('1-picker');
  await page.click('form.stack button.primary');
  expect(await page.textContent('h1')).toBe('Đã tạo tài khoản');
  expect(String((await reloadUser(`ly.thu.${suffix}`))!.unit)).toBe(String(person.unit));

  await page.goto(`${env.base}/people?unit=T-HN`);
  await page.fill('#q', number.replace(/^0(\d{3})(\d{3})/, '0$1 $2 '));
  await page.click('form[role="search"] button');
  const rows = await page.$$eval('ul.rows > li', (r) => r.map((li) => li.textContent ?? ''));
  expect(rows).toHaveLength(1);
  expect(rows[0]).toContain(`Hoàng Văn Bảo ${suffix}`);
  expect(rows[0]).toContain(number);
  expect(rows[0]).toContain('Chưa đăng nhập lần nào');
  await shot('2-found-by-phone');

  await page.click(`a[href="/people/${person._id}"]`);
  await page.fill('#unitCode', 'phuong ba');
  await page.click('button[name="findUnit"]');
  await page.check('input[name="unitPick"][value="C-HN"]');
  await shot('3-move-picker');
  await page.click('form[action$="/move"] button.secondary:not([name])');
  expect(await page.textContent('.alert-ok')).toContain('Đã chuyển đơn vị');
  expect((await reloadUser(person.username))!.lineage).toHaveLength(3);
  await expectClean(page);
  await ctx.close();
}, 300_000);
