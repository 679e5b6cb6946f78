/**
 * Issue 20's pages at 360 px: a trainer schedules a session for a team, ticks the roster on the
 * day, and an invited volunteer sees the session on "My sessions" with its calendar file.
 * (The QR check-in and the sign-in sheet have their own journey.)
 */
import { phone, signIn, useBrowserOnApp } from '../helpers/browser';
import { createUser } from '../helpers/factories';
import { retrainingSessionStarted } from '../helpers/retraining-sessions';

const env = useBrowserOnApp(__filename);

it('a trainer schedules a session on a phone, ticks who came, and an invited volunteer sees it on My sessions', async () => {
  const { user: trainerUser } = await createUser('trainer', 'C-HN', { fullName: 'Trần Quốc Huy' });
  const { user: tuyet } = await createUser('volunteer', 'T-HN', { fullName: 'Nguyễn Thị Ánh Tuyết' });
  const { user: an } = await createUser('volunteer', 'T-HN', { fullName: 'Đỗ Văn An' });
  const day = new Date(Date.now() + 2 * 86400_000 + 7 * 3600_000).toISOString().slice(0, 10);

  const trainer = await phone(env.browser, env.base);
  const page = await trainer.ctx.newPage();
  await signIn(page, env.base, trainerUser.username);
  await page.goto(`${env.base}/retraining`);
  await page.click('a[href="/retraining/new"]');
  await page.fill('#title', 'Tập huấn lại VNeID cho đội Ba Đình');
  await page.fill('#date', day);
  await page.fill('#startTime', '08:00');
  await page.fill('#endTime', '10:00');
  await page.check('input[name="placeKind"][value="hall"]');
  await page.fill('#place', 'Nhà văn hóa tổ dân phố 5');
  await page.fill('#unitCode', 'T-HN');
  await page.check('input[name="topics"][value="topic:vneid"]');
  await page.check('input[name="inviteUnit"]');
  await trainer.step(page, 'retraining-1-new-session');
  await page.click('form.stack button.primary');
  await page.waitForURL(/\/retraining\/[a-f0-9]{24}$/);
  const id = /\/retraining\/([a-f0-9]{24})$/.exec(page.url())![1]!;
  expect(await page.textContent('h1')).toBe('Tập huấn lại VNeID cho đội Ba Đình');
  expect(await page.textContent('.facts-list')).toContain(`${day.slice(8, 10)}/${day.slice(5, 7)}/${day.slice(0, 4)} 08:00–10:00`);

  // On the day: tick one name and save.
  await retrainingSessionStarted(id);
  await page.goto(`${env.base}/retraining/${id}`);
  await page.check(`input[name="tick"][value="${tuyet._id}"]`);
  await page.click('form.stack button.primary');
  await page.waitForURL(/saved=ticks/);
  expect(await page.textContent('.alert-ok')).toContain('Đã lưu điểm danh');
  expect(await page.isChecked(`input[name="tick"][value="${tuyet._id}"]`)).toBe(true);
  expect(await page.textContent('#absent + ul')).toContain('Đỗ Văn An');
  await trainer.step(page, 'retraining-2-session-roster');
  await trainer.expectClean(page);
  await trainer.ctx.close();

  const volunteer = await phone(env.browser, env.base);
  const vpage = await volunteer.ctx.newPage();
  // An was invited and not ticked yet: the session is upcoming on his phone, with its calendar file
  await signIn(vpage, env.base, an.username);
  await vpage.click('nav a[href="/retraining"]');
  await vpage.waitForURL(/\/retraining\/mine$/);
  expect(await vpage.textContent('main')).toContain('Tập huấn lại VNeID cho đội Ba Đình');
  const download = vpage.waitForEvent('download');
  await vpage.click(`a[href="/retraining/mine/${id}.ics"]`);
  expect((await download).suggestedFilename()).toBe(`tap-huan-${id}.ics`);
  await volunteer.step(vpage, 'retraining-3-my-sessions');
  await volunteer.expectClean(vpage);
  await volunteer.ctx.close();
});
