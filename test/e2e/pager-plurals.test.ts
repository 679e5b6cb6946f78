/**
 * At phone width, in English: a long list of people pages with Next and Previous, keeping the
 * search (a silly ?page= shows the first page); a cohort of one person says "1 person", its
 * due date "1 day left" (plural-aware messages).
 */
import { toActor } from '../../src/accounts';
import { addMember, createCohort } from '../../src/cohorts';
import { PAGE_SIZE } from '../../src/shared/pager';
import { phone, signIn, useBrowserOnApp } from '../helpers/browser';
import { createUser, manyVolunteers } from '../helpers/factories';

const env = useBrowserOnApp(__filename);
const DAY = 24 * 3600 * 1000;

it('in English, staff page through a long search with Next and Previous, and a trainer\'s cohort of one says "1 person" and "1 day left"', async () => {
  await manyVolunteers('T-CB', PAGE_SIZE + 2);
  const { user: staff } = await createUser('staff', '04');
  const { user: trainer } = await createUser('trainer', 'T-CB');
  const cohort = await createCohort(toActor(trainer), { name: 'Lớp một người', unitCode: 'T-CB', courses: ['digital-literacy'], dueDate: new Date(Date.now() + DAY) }); // tomorrow, in any time zone: 1 day left
  await addMember(toActor(trainer), String(cohort._id), 'pager.000');

  const { ctx, step, expectClean } = await phone(env.browser, env.base, { javaScriptEnabled: false });
  await ctx.addCookies([{ name: 'lang', value: 'en', url: env.base }]);
  const page = await ctx.newPage();
  await signIn(page, env.base, staff.username);
  await page.goto(`${env.base}/people?q=pager`);
  const names = () => page.$$eval('ul.rows > li', (r) => r.map((li) => li.textContent ?? ''));
  expect(await names()).toHaveLength(PAGE_SIZE);
  expect(await page.$('nav.pager a:text("Previous")')).toBeNull();
  await page.click('nav.pager a:text("Next")');
  expect(new URL(page.url()).search).toBe('?q=pager&page=2');
  const second = await names();
  expect(second).toHaveLength(2);
  expect(second[1]).toContain('pager.051');
  await page.locator('nav.pager').scrollIntoViewIfNeeded();
  await step(page, 'pager-1-second-page');
  await page.click('nav.pager a:text("Previous")');
  expect(await names()).toHaveLength(PAGE_SIZE);
  await page.goto(`${env.base}/people?q=pager&page=-3`);
  expect(await names()).toHaveLength(PAGE_SIZE);
  await expectClean(page);

  const trainerPage = await (await phone(env.browser, env.base, { javaScriptEnabled: false })).ctx.newPage();
  await trainerPage.context().addCookies([{ name: 'lang', value: 'en', url: env.base }]);
  await signIn(trainerPage, env.base, trainer.username);
  await trainerPage.goto(`${env.base}/cohorts`);
  const line = (await trainerPage.textContent('main'))!;
  expect(line).toContain('1 person');
  expect(line).toContain('1 day left');
  expect(line).not.toMatch(/1 people|1 days/);
  await step(trainerPage, 'pager-2-cohort-of-one');
  await trainerPage.context().close();
  await ctx.close();
}, 300_000);
