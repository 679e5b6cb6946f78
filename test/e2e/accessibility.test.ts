/**
 * Accessibility of the pages the journeys visit: axe (run in the page by
 * @axe-core/playwright) must find no serious or critical violation. Also keyboard-only
 * sign-in and quiz.
 */
import { axeViolations, phone, signIn, useBrowserOnApp } from '../helpers/browser';
import { createUser, TEST_PASSWORD } from '../helpers/factories';

const env = useBrowserOnApp(__filename);

const seriousViolations = axeViolations;

it('the pages of the journeys should have no serious or critical axe violation', async () => {
  const staff = (await createUser('staff', '01')).user;
  const { ctx } = await phone(env.browser, env.base);
  const page = await ctx.newPage();
  const found: Record<string, string[]> = {};
  const check = async (path: string) => {
    await page.goto(`${env.base}${path}`);
    const v = await seriousViolations(page);
    if (v.length) found[path] = v;
  };
  await check('/');
  await check('/login');
  await check('/verify');
  await signIn(page, env.base, staff.username);
  for (const path of ['/courses', '/courses/digital-literacy', '/courses/digital-literacy/01-first/one', '/courses/digital-literacy/01-first/quiz', '/certificates', '/account', '/account/password', '/cohorts', '/cohorts/new', '/cascade', '/reports', '/org', '/people', '/people/new']) {
    await check(path);
  }
  await page.goto(`${env.base}/courses/digital-literacy/01-first/quiz`);
  await page.click('form button.primary');
  const v = await seriousViolations(page);
  if (v.length) found['quiz attempt'] = v;
  expect(found).toEqual({});
  await ctx.close();
}, 300_000); // a limit for a hang: a browser journey on a loaded machine takes minutes

it('form errors should be announced and tied to their fields', async () => {
  const { ctx } = await phone(env.browser, env.base);
  const page = await ctx.newPage();
  await signIn(page, env.base, 'someone', 'wrong-password');
  expect(await page.getAttribute('#login-error', 'role')).toBe('alert');
  expect(await page.getAttribute('#username', 'aria-describedby')).toBe('login-error');
  expect(await page.getAttribute('#password', 'aria-invalid')).toBe('true');
  const staff = (await createUser('staff', '01')).user;
  await page.fill('#username', staff.username);
  await page.fill('#password', TEST_PASSWORD);
  await page.click('form.stack button.primary');
  await page.goto(`${env.base}/people/new`);
  await page.fill('#fullName', 'Tên');
  await page.fill('#username', 'Có Dấu');
  await page.fill('#unitCode', 'NOPE');
  await page.click('form.stack button.primary');
  expect(await page.getAttribute('#error-summary', 'role')).toBe('alert');
  expect(await page.getAttribute('#username', 'aria-describedby')).toContain('username-error');
  expect(await page.getAttribute('#unitCode', 'aria-invalid')).toBe('true');
  expect(await page.textContent('#unitCode-error')).toContain('Không có đơn vị với mã này');
  await ctx.close();
}, 60_000);

it('sign-in and a quiz should work with the keyboard alone', async () => {
  const { user } = await createUser('volunteer', 'T-HN');
  const { ctx } = await phone(env.browser, env.base);
  const page = await ctx.newPage();
  await page.goto(`${env.base}/login`);
  await page.focus('#username');
  await page.keyboard.type(user.username);
  await page.keyboard.press('Tab');
  await page.keyboard.type(TEST_PASSWORD);
  await page.keyboard.press('Enter');
  await page.waitForURL(`${env.base}/`);
  await page.goto(`${env.base}/courses/digital-literacy/01-first/quiz`);
  await page.focus('form button.primary');
  await page.keyboard.press('Enter');
  await page.waitForURL(/\/quiz\/attempts\//);
  // Each question is a radio group: Tab reaches it, Space chooses the focused option ("a" is right in the fixtures).
  const names = [...new Set(await page.$$eval('form.quiz input[type=radio]', (els) => els.map((e) => e.getAttribute('name') ?? '')))];
  for (const name of names) {
    await page.focus(`input[name="${name}"][value="a"]`);
    await page.keyboard.press('Space');
  }
  await page.focus('form.quiz button.primary');
  await page.keyboard.press('Enter');
  await page.waitForURL(/\/quiz\/results\//);
  expect(await page.textContent('.alert')).toContain('Chúc mừng, bạn đã đạt!');
  await ctx.close();
}, 60_000);
