/**
 * A tampered quiz form in a real browser at phone width (issue 17.4): seven answers sent for
 * one question (no quiz form sends that) give the questions again with a message in the
 * learner's language, nothing graded; the learner then answers and passes.
 */
import type { Page } from 'playwright-core';
import { countQuizResults } from '../helpers/progress';
import { phone, signIn, useBrowserOnApp } from '../helpers/browser';
import { createUser } from '../helpers/factories';

const env = useBrowserOnApp(__filename);

/** In the fixture banks option "a" is right. */
async function checkAll(page: Page) {
  const names = [...new Set(await page.$$eval('form.quiz input[type=radio]', (els) => els.map((e) => e.getAttribute('name') ?? '')))];
  for (const name of names) await page.check(`input[name="${name}"][value="a"]`);
  return names;
}

describe('a tampered quiz form', () => {
  it.each([
    ['vi', 'không đúng dạng'],
    ['en', 'in a form this quiz cannot read'],
  ])('when a question is sent seven answers (%s), should show the questions again with a message, grade nothing, then grade the real answers', async (lang, message) => {
    const { user } = await createUser('volunteer', 'T-HN');
    const { ctx, step, expectClean } = await phone(env.browser, env.base);
    const page = await ctx.newPage();
    await signIn(page, env.base, user.username);
    if (lang === 'en') await page.click('button[name=lang][value=en]');
    await page.goto(`${env.base}/courses/digital-literacy/01-first/quiz`);
    await page.click('main form button.primary');
    expect(new URL(page.url()).pathname).toMatch(/^\/quiz\/attempts\/[a-f0-9]{24}$/);
    const names = await checkAll(page);
    // the form tampered with: seven values for the first question
    await page.evaluate(`(() => {
      const form = document.querySelector('form.quiz');
      for (let i = 0; i < 7; i++) {
        const input = document.createElement('input');
        Object.assign(input, { type: 'hidden', name: ${JSON.stringify(names[0])}, value: 'a' });
        form.appendChild(input);
      }
    })()`);
    const [response] = await Promise.all([page.waitForResponse((r) => r.url().endsWith('/submit')), page.click('form.quiz button.primary')]);
    expect(response.status()).toBe(400);
    expect(await page.textContent('#quiz-error')).toContain(message);
    expect(await page.locator('form.quiz fieldset.question').count()).toBe(names.length);
    await step(page, `hostile-quiz-${lang}-1-refused`);
    expect(await countQuizResults(user._id)).toBe(0);

    await checkAll(page);
    await page.click('form.quiz button.primary');
    expect(new URL(page.url()).pathname).toMatch(/^\/quiz\/results\/[a-f0-9]{24}$/);
    await step(page, `hostile-quiz-${lang}-2-result`);
    expect(await countQuizResults(user._id)).toBe(1);
    await expectClean(page);
    await ctx.close();
  });
});
