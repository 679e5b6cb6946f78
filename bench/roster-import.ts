/**
 * A 20,000-row roster on the default store, over real HTTP: upload and preview, then confirm;
 * meanwhile another signed-in person opens a page every 250 ms, and their latencies say whether
 * the app stays responsive. Writes its section of bench/RESULTS.md. Run: npx tsx bench/roster-import.ts
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import mongoose from 'mongoose';
import pino from 'pino';
import { createApp } from '../src/app';
import { loadConfig } from '../src/config';
import { CohortMember } from '../src/cohorts/cohort.model';
import { connectMongoose, EmbeddedStore, ensureStoreBinary, syncIndexes, useStorePostgres } from '../src/db';
import { User } from '../src/accounts/user.model';
import { createTree, createUser, TEST_PASSWORD } from '../test/helpers/factories';
import { Client } from './client';
import { writeSection } from './results-file';

const ROWS = Number(process.env.BENCH_ROSTER_ROWS ?? 20_000);

const pct = (values: number[], p: number) => {
  const s = [...values].sort((a, b) => a - b);
  return Math.round(s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? NaN);
};

async function main(): Promise<void> {
  const config = loadConfig({ NODE_ENV: 'production', SESSION_SECRET: 'bench-session-secret-0123456789abcdef', BASE_URL: 'http://127.0.0.1', LOG_LEVEL: 'silent', MONGODB_URI: 'mongodb://unused', PATH: process.env.PATH });
  const logger = pino({ level: 'silent' });
  const binary = await ensureStoreBinary({ cacheDir: loadConfig({ NODE_ENV: 'test', PATH: process.env.PATH }).storeCacheDir, envPath: process.env.PATH, log: console.log });
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tss-bench-roster-'));
  const store = new EmbeddedStore({ binary, dataDir, logger });
  const uri = await store.start();
  useStorePostgres(store.postgresUrl);
  await connectMongoose(uri, 'bench');
  await syncIndexes();
  try {
    await createTree();
    const trainer = (await createUser('trainer', 'C-HN', { username: 'bench.trainer' })).user;
    const other = (await createUser('volunteer', 'T-CB', { username: 'bench.other' })).user;
    const app = createApp({ config, logger, loginLimits: { perUserIp: { points: 1e6, durationSec: 60 }, perIp: { points: 1e6, durationSec: 60 } } });
    const server = app.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const t = new Client(base);
    await t.signIn(trainer.username, TEST_PASSWORD);
    const o = new Client(base);
    await o.signIn(other.username, TEST_PASSWORD);

    const made = await t.request('POST', '/cohorts', { _csrf: await t.csrf('/cohorts/new'), name: 'Lớp 20.000 người', unitCode: 'C-HN', courses: 'digital-literacy', dueDate: '2026-12-31' });
    const cohortId = /\/cohorts\/([a-f0-9]{24})/.exec(made.location ?? '')![1]!;
    const csv = ['Tên đăng nhập,Họ và tên,Mã đơn vị', ...Array.from({ length: ROWS }, (_, i) => `bench.tnv${i + 1},Người Học ${i + 1},${i % 2 ? 'T-HN' : 'C-HN'}`)].join('\n');

    // the other person's page, every 250 ms, while the import runs
    const latencies: number[] = [];
    let running = true;
    const probe = (async () => {
      while (running) {
        const s = performance.now();
        const r = await o.request('GET', '/account');
        if (r.status === 200) latencies.push(performance.now() - s);
        await new Promise((res) => setTimeout(res, 250));
      }
    })();

    const form = new FormData();
    form.set('_csrf', await t.csrf(`/cohorts/${cohortId}`));
    form.set('file', new Blob([csv], { type: 'text/csv' }), 'roster.csv');
    const t0 = performance.now();
    const up = await fetch(`${base}/cohorts/${cohortId}/import`, { method: 'POST', body: form, headers: { cookie: t.cookie }, redirect: 'manual' });
    if (up.status !== 303) throw new Error(`upload answered ${up.status}: ${(await up.text()).slice(0, 300)}`);
    const previewUrl = up.headers.get('location')!;
    const preview = await t.request('GET', previewUrl);
    const uploadMs = performance.now() - t0;
    const _csrf = /name="_csrf" value="([^"]+)"/.exec(preview.text)![1]!;
    const t1 = performance.now();
    const done = await t.request('POST', `${previewUrl}/confirm`, { _csrf });
    const confirmMs = performance.now() - t1;
    running = false;
    await probe;
    if (done.status !== 200) throw new Error(`confirm answered ${done.status}`);
    const created = await User.countDocuments({ username: mongoose.trusted({ $regex: '^bench\\.tnv' }) });
    const members = await CohortMember.countDocuments({ cohort: new mongoose.Types.ObjectId(cohortId) });
    const rows = [
      `| rows in the file | ${ROWS.toLocaleString('en')} (${Math.round(csv.length / 1024)} KB CSV) |`,
      `| upload, check and preview | ${(uploadMs / 1000).toFixed(1)} s |`,
      `| confirm (accounts made, enrolled, one-time passwords sealed) | ${(confirmMs / 1000).toFixed(1)} s; ${created.toLocaleString('en')} accounts, ${members.toLocaleString('en')} members |`,
      `| another person's page meanwhile (${latencies.length} requests) | p50 ${pct(latencies, 50)} ms, p95 ${pct(latencies, 95)} ms, max ${Math.round(Math.max(...latencies))} ms |`,
    ];
    console.log(rows.join('\n'));
    writeSection('roster-import', [
      '## A 20,000-row roster on the default store',
      '',
      `Last run: ${new Date().toISOString()} on ${os.cpus().length} CPU(s) (${os.cpus()[0]?.model.trim()}), Node ${process.version}; app in this process, embedded store FerretDB v1.24.2 on PostgreSQL, over loopback HTTP.`,
      '',
      '| what | measured |',
      '| --- | --- |',
      ...rows,
      '',
    ]);
    server.close();
  } finally {
    await mongoose.disconnect();
    await store.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
