/**
 * Weight on a weak connection: each visited page's total transfer (document, styles,
 * scripts, fonts, images; compressed, with headers) stays under 60 KB for lessons and
 * quizzes and 120 KB for any other page, with an empty cache; nothing from another host.
 */
import fs from 'node:fs';
import path from 'node:path';
import { phone, signIn, useBrowserOnApp } from '../helpers/browser';
import { createUser } from '../helpers/factories';

const env = useBrowserOnApp(__filename);
/** Each page's measured transfer in KB, for people to read (git ignores test-results/). */
const WEIGHTS_FILE = path.join(__dirname, '..', '..', 'test-results', 'page-weights.json');

it('every page should stay under its weight budget', async () => {
  const { user } = await createUser('staff', '01');
  const { ctx, foreign } = await phone(env.browser, env.base);
  const page = await ctx.newPage();
  await signIn(page, env.base, user.username);
  const cookies = await ctx.cookies();

  const weights: Record<string, number> = {};
  const over: string[] = [];
  for (const [path, budgetKb] of [
    ['/', 120],
    ['/verify', 120],
    ['/courses', 120],
    ['/courses/digital-literacy/01-first/one', 60],
    ['/courses/digital-literacy/01-first/quiz', 60],
    ['/certificates', 120],
    ['/reports', 120],
    ['/cohorts', 120],
  ] as const) {
    // A fresh context each time: nothing comes from the cache.
    const fresh = await env.browser.newContext({ viewport: { width: 360, height: 800 } });
    await fresh.addCookies(cookies);
    const p = await fresh.newPage();
    const sizes: Promise<number>[] = [];
    p.on('requestfinished', (r) => sizes.push(r.sizes().then((s) => s.responseBodySize + s.responseHeadersSize)));
    await p.goto(`${env.base}${path}`, { waitUntil: 'networkidle' });
    const total = (await Promise.all(sizes)).reduce((a, b) => a + b, 0);
    weights[path] = Math.round(total / 102.4) / 10;
    if (total > budgetKb * 1024) over.push(`${path}: ${weights[path]} KB > ${budgetKb} KB`);
    await fresh.close();
  }
  fs.mkdirSync(path.dirname(WEIGHTS_FILE), { recursive: true });
  fs.writeFileSync(WEIGHTS_FILE, `${JSON.stringify(weights, null, 2)}\n`);
  expect(over).toEqual([]);
  expect(Object.values(weights).every((kb) => kb > 1)).toBe(true); // the measurement saw the pages
  expect(foreign).toEqual([]);
  await ctx.close();
}, 300_000); // a limit for a hang: a browser journey on a loaded machine takes minutes
