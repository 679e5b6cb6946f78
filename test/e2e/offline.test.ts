/**
 * Reading without a network (issue 19): a course kept on the phone is read with the network
 * off, every lesson from the saved copy with the banner saying so; lessons marked read offline
 * are recorded once each when the network is back; a kept course whose content changed is
 * saved again; "remove" frees the space. Chromium at 360 px, offline through the browser context.
 */
import type { Page } from 'playwright-core';
import { lessonReadsOf } from '../../src/courses';
import { phone, signIn, useBrowserOnApp } from '../helpers/browser';
import { createUser } from '../helpers/factories';

const env = useBrowserOnApp(__filename);
const L = '/courses/digital-literacy';
const LESSONS = ['01-first/one', '01-first/two', '02-second/one', '02-second/two'];

const outboxSize = (page: Page) => page.evaluate<number>("caches.open('outbox').then((c) => c.keys()).then((k) => k.length)");
const keptVersion = (page: Page) =>
  page.evaluate<string | null>("caches.open('course-digital-literacy').then((c) => c.match('/__offline/meta')).then((r) => (r ? r.json().then((m) => m.version) : null))");

/** Waits until `done` holds (page.waitForFunction does not wait for a promise); a hang ends at the test's limit. */
async function until(done: () => Promise<boolean>): Promise<void> {
  while (!(await done())) await new Promise((r) => setTimeout(r, 100));
}

it('when a course is kept on the phone, should read offline with a saved-copy banner and record the lessons read offline once each', async () => {
  const { user } = await createUser('volunteer', 'T-HN');
  const { ctx, step, expectClean } = await phone(env.browser, env.base);
  const page = await ctx.newPage();
  const shot = (name: string) => step(page, `offline-${name}`);
  await signIn(page, env.base, user.username);
  await page.goto(`${env.base}${L}`);
  await page.evaluate('navigator.serviceWorker.ready.then(() => true)');

  // Keep the course: its size and the time it was saved are shown, "remove" appears.
  const keep = page.locator('.offline-keep [data-offline-action="keep"]');
  await keep.click();
  await page.locator('.offline-keep [data-offline-status]', { hasText: 'MB' }).waitFor();
  expect(await page.textContent('.offline-keep [data-offline-status]')).toMatch(/^Đã lưu trên máy: [\d,]+ MB, lúc \d{2}\/\d{2}\/\d{4} \d{2}:\d{2}\.$/);
  expect(await page.isVisible('.offline-keep [data-offline-action="remove"]')).toBe(true);
  await shot('1-kept');

  // Network off: every lesson opens (none was visited before), each says it is a saved copy.
  await ctx.setOffline(true);
  for (const lesson of LESSONS) {
    await page.goto(`${env.base}${L}/${lesson}`);
    expect(await page.textContent('main h1')).toBe(`Bài ${lesson.split('/')[1]}`);
    await page.locator('#offline-banner').waitFor({ state: 'visible' });
    expect(await page.textContent('#offline-banner')).toMatch(/^Bạn đang xem bản lưu trên máy \(lưu lúc \d{2}\/\d{2}\/\d{4} \d{2}:\d{2}\)/);
  }
  await shot('2-lesson-offline');

  // Two lessons marked read offline: each goes on to the next lesson, nothing reaches the server yet.
  await page.goto(`${env.base}${L}/01-first/one`);
  await page.click('.lesson-nav button.primary');
  await page.waitForURL(`${env.base}${L}/01-first/two`);
  await page.click('.lesson-nav button.primary');
  await page.waitForURL(`${env.base}${L}/02-second/one`);
  expect(await outboxSize(page)).toBe(2);
  expect(await lessonReadsOf(user._id)).toEqual([]);

  // Back online: the queue is sent once, the course page shows both lessons read.
  await ctx.setOffline(false);
  await page.goto(`${env.base}${L}`);
  await until(async () => (await outboxSize(page)) === 0);
  await page.reload();
  await page.evaluate("window.dispatchEvent(new Event('online'))"); // a second "online" sends nothing again
  expect((await lessonReadsOf(user._id)).map((r) => r.lesson).sort()).toEqual(['01-first/one', '01-first/two']);
  expect(await page.locator('ol.lessons .tag-ok').count()).toBe(2);
  expect(await page.isVisible('#offline-banner')).toBe(false);
  await shot('3-back-online');

  // Content changed (another version than the one saved): the course page saves it again.
  const version = await keptVersion(page);
  await page.evaluate("caches.open('course-digital-literacy').then((c) => c.put('/__offline/meta', new Response(JSON.stringify({ version: 'old', bytes: 1, savedAt: new Date(0).toISOString() }))))");
  await page.reload();
  await until(async () => (await keptVersion(page)) === version);

  // Remove: the saved course is gone.
  await page.locator('.offline-keep [data-offline-status]', { hasText: 'MB' }).waitFor();
  await page.click('.offline-keep [data-offline-action="remove"]');
  await page.locator('.offline-keep [data-offline-status]', { hasText: 'Đã xoá bản lưu' }).waitFor();
  expect(await page.evaluate("caches.has('course-digital-literacy')")).toBe(false);
  await shot('4-removed');
  await expectClean(page);
  await ctx.close();
}, 300_000); // a limit for a hang: a browser journey on a loaded machine takes minutes
