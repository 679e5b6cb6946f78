/**
 * Prints every store command one page sends, with its filter and time: the tool for finding a
 * query the store cannot serve from an index. Uses the data a national bench kept:
 *   BENCH_DATA_DIR=/path npx tsx bench/trace.ts <username> <password> <url> [<url>…]
 */
import fs from 'node:fs';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import mongoose from 'mongoose';
import pino from 'pino';
import { createApp } from '../src/app';
import { loadConfig } from '../src/config';
import { loadCatalog } from '../src/courses';
import { EmbeddedStore, ensureStoreBinary, useStorePostgres } from '../src/db';

async function main(): Promise<void> {
  const [username, password, ...urls] = process.argv.slice(2);
  const dataDir = path.resolve(process.env.BENCH_DATA_DIR ?? '');
  if (!fs.existsSync(path.join(dataDir, 'bench-seed.json'))) throw new Error('set BENCH_DATA_DIR to a directory a national bench seeded');
  const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', PATH: process.env.PATH });
  const logger = pino({ level: 'warn' });
  const binary = await ensureStoreBinary({ cacheDir: config.storeCacheDir, envPath: config.searchPath, log: console.log });
  const store = new EmbeddedStore({ binary, dataDir, logger });
  const uri = await store.start();
  useStorePostgres(store.postgresUrl);
  await mongoose.connect(uri, { dbName: 'bench', monitorCommands: true });
  const started = new Map<number, { at: number; text: string }>();
  let tracing = false;
  const client = mongoose.connection.getClient();
  client.on('commandStarted', (e) => {
    if (!tracing) return;
    const c = e.command as Record<string, unknown>;
    const coll = c[e.commandName];
    const detail = { filter: c.filter, sort: c.sort, limit: c.limit, pipeline: c.pipeline, updates: Array.isArray(c.updates) ? c.updates.length : undefined, q: Array.isArray(c.updates) ? (c.updates[0] as { q?: unknown }).q : undefined };
    started.set(e.requestId, { at: performance.now(), text: `${e.commandName} ${String(coll)} ${JSON.stringify(detail).slice(0, 300)}` });
  });
  const done = (e: { requestId: number }, extra: string) => {
    const s = started.get(e.requestId);
    if (!s) return;
    started.delete(e.requestId);
    console.log(`  ${(performance.now() - s.at).toFixed(1).padStart(7)} ms  ${s.text}${extra}`);
  };
  client.on('commandSucceeded', (e) => done(e, ` → ${Array.isArray((e.reply as { cursor?: { firstBatch?: unknown[] } }).cursor?.firstBatch) ? `${(e.reply as { cursor: { firstBatch: unknown[] } }).cursor.firstBatch.length} docs` : 'ok'}`));
  client.on('commandFailed', (e) => done(e, ' FAILED'));

  const app = createApp({ config, logger, catalog: loadCatalog(), loginLimits: { perUserIp: { points: 1e6, durationSec: 60 }, perIp: { points: 1e6, durationSec: 60 } } });
  const server = app.listen(0);
  await new Promise((r) => server.once('listening', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  let cookie = '';
  const req = async (method: string, url: string, body?: string) => {
    const res = await fetch(base + url, { method, redirect: 'manual', headers: { cookie, ...(body ? { 'content-type': 'application/x-www-form-urlencoded' } : {}) }, body });
    const set = res.headers.getSetCookie().find((c) => c.startsWith('tss.sid='));
    if (set) cookie = set.split(';')[0]!;
    return { status: res.status, text: await res.text() };
  };
  const csrf = /name="_csrf" value="([^"]+)"/.exec((await req('GET', '/login')).text)![1]!;
  tracing = process.env.TRACE_LOGIN === '1';
  const t0 = performance.now();
  const login = await req('POST', '/login', new URLSearchParams({ _csrf: csrf, username: username!, password: password! }).toString());
  console.log(`POST /login → ${login.status} in ${(performance.now() - t0).toFixed(0)} ms`);
  for (const url of urls) {
    await req('GET', url); // warm
    tracing = true;
    console.log(`GET ${url}`);
    const t = performance.now();
    const r = await req('GET', url);
    console.log(`→ ${r.status} in ${(performance.now() - t).toFixed(0)} ms, ${r.text.length} bytes\n`);
    tracing = false;
  }
  server.close();
  await mongoose.disconnect();
  await store.stop();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
