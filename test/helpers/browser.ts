/**
 * A real headless Chromium (Debian's, driven by playwright-core) against the app served on
 * loopback. Never downloads a browser; every request to another host fails the test.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import AxeBuilder from '@axe-core/playwright';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import type { Express } from 'express';
import { testApp } from './app';
import { useTestDatabase } from './db';
import { createTree, TEST_PASSWORD } from './factories';

export const CHROMIUM = '/usr/bin/chromium';
export const SCREENSHOT_DIR = path.join(__dirname, '..', '..', 'test-results', 'screenshots');

export async function launchBrowser(): Promise<Browser> {
  if (!fs.existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: install Debian's chromium (.ci/run does)`);
  return chromium.launch({
    executablePath: CHROMIUM,
    // playwright gives every launch a new, empty profile of its own
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
  });
}

export async function serve(app: Express): Promise<{ base: string; server: Server }> {
  const server = app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  return { base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

/**
 * A phone-sized context that records requests to other hosts, and the transfer of every
 * page visited (its document and everything it loaded, compressed, with headers).
 */
export async function phone(
  browser: Browser,
  base: string,
  opts: { javaScriptEnabled?: boolean; width?: number } = {},
): Promise<{
  ctx: BrowserContext;
  foreign: string[];
  overBudget: () => Promise<string[]>;
  step: (page: Page, name: string) => Promise<void>;
  expectClean: (page: Page) => Promise<void>;
}> {
  const ctx = await browser.newContext({ viewport: { width: opts.width ?? 360, height: 800 }, locale: 'vi-VN', javaScriptEnabled: opts.javaScriptEnabled ?? true, acceptDownloads: true });
  const foreign: string[] = [];
  const host = new URL(base).host;
  const pages: { url: string; sizes: Promise<number>[] }[] = [];
  ctx.on('request', (r) => {
    const url = new URL(r.url());
    if (!['data:', 'blob:'].includes(url.protocol) && url.host !== host) foreign.push(r.url());
    if (r.isNavigationRequest() && r.resourceType() === 'document') pages.push({ url: r.url(), sizes: [] });
  });
  ctx.on('requestfinished', (r) => {
    const current = pages[pages.length - 1];
    // A size asked for just as the test closes its context is never known: counted as nothing, rather than
    // left as a rejected promise nobody awaits (which fails whichever test runs when it surfaces).
    if (current) current.sizes.push(r.sizes().then((s) => s.responseBodySize + s.responseHeadersSize, () => 0));
  });
  /** Pages over budget: 60 KB for lessons and quizzes, 120 KB for any other page. */
  const overBudget = async () => {
    const over: string[] = pages.length === 0 ? ['no page was recorded'] : [];
    for (const p of pages) {
      if (p.sizes.length === 0) continue; // a download (PDF, CSV, ZIP), not a page
      const total = (await Promise.all(p.sizes)).reduce((a, b) => a + b, 0);
      const path = new URL(p.url).pathname;
      const budget = /^\/courses\/[^/]+\/[^/]+\/[^/]+$|\/quiz/.test(path) ? 60 : 120;
      if (total > budget * 1024) over.push(`${path}: ${Math.round(total / 1024)} KB > ${budget} KB`);
    }
    return over;
  };
  const violations: string[] = [];
  const js = opts.javaScriptEnabled ?? true;
  /** A journey step: a screenshot to look at, and (axe being a script, only with JavaScript) an accessibility check. */
  const step = async (page: Page, name: string) => {
    await page.screenshot({ path: screenshotPath(name), fullPage: true });
    if (js) violations.push(...(await axeViolations(page)));
  };
  /** The end of a journey: no overflow, nothing from another host, no accessibility violation, every page in budget. */
  const expectClean = async (page: Page) => {
    expect(await page.evaluate('document.documentElement.scrollWidth <= window.innerWidth')).toBe(true);
    expect(foreign).toEqual([]);
    expect(violations).toEqual([]);
    expect(await overBudget()).toEqual([]);
  };
  return { ctx, foreign, overBudget, step, expectClean };
}

export function screenshotPath(name: string): string {
  fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
  return path.join(SCREENSHOT_DIR, `${name}.png`);
}

/** Serious and critical accessibility violations on the current page (axe, run in the page). */
export async function axeViolations(page: Page): Promise<string[]> {
  const result = await new AxeBuilder({ page: page as never }).analyze();
  if (result.passes.length === 0) throw new Error('axe checked nothing on this page');
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${page.url()} ${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

/**
 * One browser and one served app for a test file, on its own database: `arrange` makes the
 * data first (default: the test tree). Read `env.base` and `env.browser` inside tests.
 */
export function useBrowserOnApp(testFile: string, arrange: () => Promise<void> = createTree): { base: string; browser: Browser } {
  useTestDatabase(testFile);
  const env = { base: '', browser: undefined as unknown as Browser };
  let server: Server | undefined;
  beforeAll(async () => {
    await arrange();
    const served = await serve(testApp());
    env.base = served.base;
    server = served.server;
    env.browser = await launchBrowser();
  });
  afterAll(async () => {
    await env.browser?.close();
    server?.close();
  });
  return env;
}

/** Signs in through the sign-in form. */
export async function signIn(page: Page, base: string, username: string, password = TEST_PASSWORD): Promise<void> {
  await page.goto(`${base}/login`);
  await page.fill('#username', username);
  await page.fill('#password', password);
  await page.click('form.stack button.primary');
}
