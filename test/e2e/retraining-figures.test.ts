/**
 * Staff read a unit's in-person retraining at 360 px: the section of the unit's dashboard, then
 * the unit's own page (this week's sessions, the trainer who held none, the files), with and
 * without JavaScript; both show the same numbers.
 */
import type { Page } from 'playwright-core';
import { toActor } from '../../src/accounts';
import { findUnitByCode } from '../../src/org';
import { rebuildRollups } from '../../src/reports';
import { recordAttendance, refreshRetrainingFigures } from '../../src/retraining';
import { weekOf } from '../../src/shared/vn-time';
import { wire } from '../../src/wiring';
import { phone, signIn, useBrowserOnApp } from '../helpers/browser';
import { createTree, createUser } from '../helpers/factories';
import { changeSessionStatus, writeSession } from '../helpers/retraining-records';

let communeId = '';

const env = useBrowserOnApp(__filename, async () => {
  wire(); // the figures' listeners, before the data is made (the app is built after)
  await createTree();
  const commune = (await findUnitByCode('C-HN'))!;
  const team = (await findUnitByCode('T-HN'))!;
  communeId = String(commune._id);
  const trainer = (await createUser('trainer', 'T-HN', { fullName: 'Trần Văn An' })).user;
  await createUser('trainer', 'C-HN', { fullName: 'Lê Thị Bình', username: 'le.thi.binh' }); // holds none
  const people = [];
  for (const fullName of ['Nguyễn Thị Ánh Tuyết', 'Đỗ Minh Đức', 'Hoàng Thu Hà', 'Bùi Thị Lan']) people.push((await createUser('volunteer', 'T-HN', { fullName })).user);
  await rebuildRollups();
  await refreshRetrainingFigures();
  const startsAt = new Date(weekOf(new Date()).monday.getTime() + 3600_000);
  const session = await writeSession({ title: 'Kỹ năng số cơ bản cho đoàn viên', unit: team, trainer, startsAt, status: 'open', invitedCount: 4 });
  for (const p of people.slice(0, 3)) await recordAttendance(toActor(trainer), session, p._id, 'roster', startsAt);
  await changeSessionStatus(session, 'closed');
  await refreshRetrainingFigures();
});

const figuresOf = (page: Page) => page.$$eval('[data-figure]', (els) => els.map((e) => `${e.getAttribute('data-figure')}=${e.textContent}`));

it.each([true, false])('at 360 px (JavaScript %s), staff see 3 retrained in person on the commune dashboard and the same on its page', async (javaScriptEnabled) => {
  const { user } = await createUser('staff', '01');
  const { ctx, step, expectClean } = await phone(env.browser, env.base, { javaScriptEnabled });
  const page = await ctx.newPage();
  const shot = (name: string) => step(page, `retraining-figures${javaScriptEnabled ? '' : '-nojs'}-${name}`);
  await signIn(page, env.base, user.username);
  await page.goto(`${env.base}/reports?unit=C-HN`);
  await shot('1-dashboard');
  const onDashboard = await figuresOf(page);
  expect(onDashboard).toEqual(['held-this-week=1', 'held=1', 'retrained=3', 'idle=1']);
  expect(await page.textContent('.retraining-section')).toContain('Người đã được tập huấn lại trực tiếp');
  await page.click(`.retraining-section a[href="/retraining/units/${communeId}"]`);
  await page.waitForURL(/\/retraining\/units\//);
  await shot('2-unit-page');
  expect(await figuresOf(page)).toEqual(onDashboard);
  expect(await page.textContent('.this-week')).toContain('Kỹ năng số cơ bản cho đoàn viên');
  expect(await page.textContent('.idle-trainers')).toContain('Lê Thị Bình');
  await expectClean(page);
  await ctx.close();
});
