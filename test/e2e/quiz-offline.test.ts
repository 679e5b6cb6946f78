/**
 * Quiz answers that are never lost (issue 19.3, "Done when"), in a real browser at phone width:
 * a quiz answered with the network cut halfway, the page reloaded while offline (the service
 * worker's saved copy, the phone's answers put back), then submitted while still offline and
 * sent when the network returns → exactly one result with every answer. And a reload while
 * online brings back the answers the server saved.
 */
import type { Page } from 'playwright-core';
import { phone, signIn, useBrowserOnApp } from '../helpers/browser';
import { createUser } from '../helpers/factories';
import { countQuizResults } from '../helpers/progress';

const env = useBrowserOnApp(__filename);
/** A module of the fixture course with a time limit (the rule is shown) and three questions. */
const QUIZ = '/courses/digital-literacy/02-second/quiz';

async function questionNames(page: Page): Promise<string[]> {
  return [...new Set(await page.$$eval('form.quiz input[type=radio]', (els) => els.map((e) => e.getAttribute('name') ?? '')))];
}

/** Chooses an answer and waits until the server has saved it. */
async function chooseSaved(page: Page, name: string, option: string): Promise<void> {
  await Promise.all([page.waitForResponse((r) => r.url().endsWith('/answers') && r.status() === 200), page.check(`input[name="${name}"][value="${option}"]`)]);
}

function statusIs(page: Page, text: string) {
  return page.waitForFunction(`document.getElementById('draft-status').textContent === ${JSON.stringify(text)}`);
}

async function startQuiz(page: Page): Promise<string> {
  await page.goto(`${env.base}${QUIZ}`);
  await page.click('form[action$="/quiz/start"] button');
  await page.waitForURL(/\/quiz\/attempts\/[a-f0-9]{24}$/);
  return page.url();
}

describe('a quiz on a connection that drops', () => {
  it('when the network is cut halfway, the page reloaded offline and the quiz submitted, should give one result with every answer once back online', async () => {
    const { user } = await createUser('volunteer', 'T-HN');
    const { ctx, step, expectClean } = await phone(env.browser, env.base);
    const page = await ctx.newPage();
    await signIn(page, env.base, user.username);
    // The service worker takes charge of the pages visited from now on.
    await page.goto(`${env.base}/courses`);
    await page.waitForFunction('navigator.serviceWorker.controller !== null');
    const attemptUrl = await startQuiz(page);
    await expect(page.textContent('#draft-rule')).resolves.toContain('Đáp án được lưu lên máy chủ trước khi hết giờ vẫn được tính nếu mất mạng');
    const names = await questionNames(page);
    expect(names).toHaveLength(3);

    // The first answer reaches the server; then the network is cut and the other two stay on the phone.
    await chooseSaved(page, names[0]!, 'a');
    await statusIs(page, 'Đã lưu đáp án lên máy chủ.');
    await step(page, 'quiz-offline-1-saved');
    await ctx.setOffline(true);
    await page.check(`input[name="${names[1]}"][value="a"]`);
    await page.check(`input[name="${names[2]}"][value="a"]`);
    await statusIs(page, 'Chưa có mạng: đáp án được lưu trên máy này và sẽ gửi lên máy chủ khi có mạng.');
    await step(page, 'quiz-offline-2-answers-on-phone');

    // Reloaded offline: the saved copy of the page, with every answer back.
    await page.reload();
    expect(page.url()).toBe(attemptUrl);
    await expect(page.getAttribute('body', 'data-saved-at')).resolves.toBeTruthy();
    await page.waitForSelector('#offline-banner:not([hidden])');
    for (const name of names) await page.waitForSelector(`input[name="${name}"][value="a"]:checked`);
    await step(page, 'quiz-offline-3-reloaded-offline');

    // Submitted offline: kept on the phone, nothing graded yet.
    await page.click('form.quiz button.primary');
    await statusIs(page, 'Chưa có mạng: bài nộp được giữ trên máy này và sẽ tự gửi khi có mạng. Đừng xóa dữ liệu trình duyệt.');
    expect(page.url()).toBe(attemptUrl);
    expect(await countQuizResults(user._id)).toBe(0);
    await step(page, 'quiz-offline-4-submission-kept');

    // Back online: sent by itself, graded once, every answer counted.
    await Promise.all([page.waitForURL(/\/quiz\/results\/[a-f0-9]{24}$/), ctx.setOffline(false)]);
    await expect(page.textContent('main')).resolves.toContain('3/3');
    await step(page, 'quiz-offline-5-result');
    expect(await countQuizResults(user._id)).toBe(1);
    // Going back to the attempt shows its result: no second grading.
    await page.goto(attemptUrl);
    expect(page.url()).toMatch(/\/quiz\/results\/[a-f0-9]{24}$/);
    expect(await countQuizResults(user._id)).toBe(1);
    await expectClean(page);
    await ctx.close();
  }, 300_000); // a limit for a hang: a browser journey on a loaded machine takes minutes

  it('when the page is reloaded online, should bring back the answers the server saved, also in a new tab without the phone\'s copy', async () => {
    const { user } = await createUser('volunteer', 'T-HN');
    const { ctx, step } = await phone(env.browser, env.base, { javaScriptEnabled: true });
    const page = await ctx.newPage();
    await signIn(page, env.base, user.username);
    const attemptUrl = await startQuiz(page);
    const names = await questionNames(page);
    await chooseSaved(page, names[0]!, 'b');
    await chooseSaved(page, names[1]!, 'a');
    // The phone's copy is gone (another browser): the server's draft alone puts the answers back.
    await page.evaluate('localStorage.clear()');
    await page.reload();
    await page.waitForSelector(`input[name="${names[0]}"][value="b"]:checked`);
    await page.waitForSelector(`input[name="${names[1]}"][value="a"]:checked`);
    expect(await page.$$eval('form.quiz input:checked', (els) => els.length)).toBe(2);
    expect(page.url()).toBe(attemptUrl);
    await step(page, 'quiz-offline-6-reloaded-online');
    await ctx.close();
  }, 300_000);
});
