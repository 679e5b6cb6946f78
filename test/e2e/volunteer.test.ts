/**
 * The volunteer's journey in a real browser at phone width: first sign-in with a one-time
 * password, choosing a password (then on to the courses), switching language, following the
 * course's one next step through each module's lessons to its quiz, failing then passing, completing the course, downloading the certificate and opening
 * its verification page. Once with JavaScript and once without.
 */
import type { Page } from 'playwright-core';
import { phone, useBrowserOnApp } from '../helpers/browser';
import { createUser } from '../helpers/factories';
import { backdateQuizResults } from '../helpers/progress';

const env = useBrowserOnApp(__filename);

/** In the fixture banks option "a" is right and "b" is wrong. */
async function answerAll(page: Page, option: 'a' | 'b') {
  const names = [...new Set(await page.$$eval('form.quiz input[type=radio]', (els) => els.map((e) => e.getAttribute('name') ?? '')))];
  for (const name of names) await page.check(`input[name="${name}"][value="${option}"]`);
  await page.click('form.quiz button.primary');
}

describe.each([
  ['with JavaScript', true],
  ['without JavaScript', false],
])('the volunteer journey %s', (_label, js) => {
  it('should go from a one-time password to a verified certificate', async () => {
    const { user, password } = await createUser('volunteer', 'T-HN', { fullName: 'Nguyễn Thị Ánh Tuyết', oneTime: true });
    const { ctx, step, expectClean } = await phone(env.browser, env.base, { javaScriptEnabled: js });
    const page = await ctx.newPage();
    const shot = (name: string) => step(page, `volunteer-${js ? 'js' : 'nojs'}-${name}`);

    await page.goto(`${env.base}/`);
    await shot('1-home');
    await page.click('a.button[href="/login"]');
    await page.fill('#username', user.username);
    await page.fill('#password', password);
    await page.click('form.stack button.primary');
    expect(new URL(page.url()).pathname).toBe('/account/password');
    await shot('2-choose-password');
    await page.fill('#currentPassword', password);
    await page.fill('#newPassword', 'Hoa sen nở giữa hồ 2025');
    await page.fill('#confirmPassword', 'Hoa sen nở giữa hồ 2025');
    await page.click('form.stack button.primary');
    // a new volunteer goes on to their courses, told that the password is saved
    expect(new URL(page.url()).pathname).toBe('/courses');
    expect(await page.textContent('.alert')).toContain('Đã lưu mật khẩu mới');

    // Switch to English and back.
    await page.click('button[name=lang][value=en]');
    expect(await page.getAttribute('html', 'lang')).toBe('en');
    await page.click('button[name=lang][value=vi]');
    expect(await page.getAttribute('html', 'lang')).toBe('vi');

    // The course page offers one next step; the path leads through each module's lessons, then its quiz.
    await page.goto(`${env.base}/courses/two-level-government`);
    expect(await page.locator('main a.button').count()).toBe(1);
    await page.click('main a.button');
    const readModule = async (module: string, n: number) => {
      for (let i = 1; i <= 2; i++) {
        expect(new URL(page.url()).pathname).toBe(`/courses/two-level-government/${module}/${i === 1 ? 'one' : 'two'}`);
        await shot(`3-lesson-${n}-${i}`);
        if (i === 2) expect(await page.textContent('.lesson-nav button')).toContain('làm bài kiểm tra');
        await page.click('.lesson-nav button');
      }
      expect(new URL(page.url()).pathname).toBe(`/courses/two-level-government/${module}/quiz`);
    };
    await readModule('01-first', 1);
    await page.click('form button.primary');
    await shot('4-quiz');
    await answerAll(page, 'a');
    expect(await page.textContent('.alert')).toContain('Chúc mừng, bạn đã đạt!');
    expect(await page.textContent('ol.review')).toContain('Chính xác');
    await shot('5-result');

    // Back on the course page, its one button goes on to the next module.
    await page.click('text=Về khóa học');
    expect(await page.locator('main a.button').count()).toBe(1);
    expect(await page.textContent('main a.button')).toContain('Học tiếp');
    await page.click('main a.button');
    await readModule('02-second', 2);
    // Fail once: the result says when a retry is allowed; wait out the cooldown (the result moved back in time), then pass.
    await page.click('form button.primary');
    await answerAll(page, 'b');
    expect(await page.textContent('.alert')).toContain('Bạn chưa đạt lần này.');
    expect(await page.textContent('main')).toContain('Bạn có thể làm lại từ');
    expect(await page.textContent('ol.review')).toContain('Chưa chính xác');
    await shot('5-result-failed');
    await backdateQuizResults(user._id, 10 * 60_000);
    await page.goto(`${env.base}/courses/two-level-government/02-second/quiz`);
    await page.click('form button.primary');
    await answerAll(page, 'a');
    expect(await page.textContent('.alert')).toContain('Chúc mừng, bạn đã đạt!');

    await page.goto(`${env.base}/courses/two-level-government`);
    expect(await page.locator('main .alert').count()).toBe(1); // one completion notice
    expect(await page.textContent('.alert')).toContain('Đã hoàn thành ngày');

    // The certificate: download it, then open its verification page as anyone would.
    await page.goto(`${env.base}/certificates`);
    await shot('6-certificates');
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('a.button[href$="/pdf"]')]);
    expect(download.suggestedFilename()).toMatch(/^chung-nhan-two-level-government-[0-9A-Z-]+\.pdf$/);
    const verifyHref = await page.getAttribute('a[href^="/verify/"]', 'href');
    await page.goto(`${env.base}${verifyHref}`);
    expect(await page.textContent('.verdict')).toContain('Chứng nhận hợp lệ');
    expect(await page.textContent('.facts-list')).toContain('Nguyễn Thị Ánh Tuyết');
    await shot('7-verify');

    await expectClean(page);
    await ctx.close();
  }, 300_000); // a limit for a hang: a browser journey on a loaded machine takes minutes
});
