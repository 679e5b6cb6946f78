/**
 * Reports at scale on the embedded store: seed synthetic data (seed:scale), then time the
 * roll-up rebuild, reconcile, sign-in, the dashboard at national, province and commune
 * level, and the per-person CSV export of a province and of the whole country, with the
 * process's peak memory. BENCH_VOLUNTEERS sets the size (default 20,000; the contract's
 * national figure is 240,000). Writes its section of bench/RESULTS.md.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import mongoose from 'mongoose';
import pino from 'pino';
import { createAccount, User } from '../src/accounts';
import { createApp } from '../src/app';
import { loadConfig } from '../src/config';
import { loadCatalog } from '../src/courses';
import { currentWeek, DIFFICULTY_CATEGORIES, FieldReport, shiftWeek } from '../src/fieldreports';
import { connectMongoose, EmbeddedStore, ensureStoreBinary, syncIndexes } from '../src/db';
import { Unit } from '../src/org';
import { rebuildRollups, reconcile } from '../src/reports';
import { seedScale, SCALE_DEFAULTS } from '../src/seed/scale';
import { writeSection } from './results-file';

const VOLUNTEERS = Number(process.env.BENCH_VOLUNTEERS ?? 20_000);
const PASSWORD = 'Bench-password-2025!';

async function timed<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const t = performance.now();
  const value = await fn();
  return { ms: Math.round(performance.now() - t), value };
}

/** Peak resident memory while `fn` runs (sampled every 20 ms). */
async function peakRss<T>(fn: () => Promise<T>): Promise<{ ms: number; mb: number; value: T }> {
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
  const r = await timed(fn);
  clearInterval(timer);
  return { ...r, mb: Math.round(Math.max(peak, process.memoryUsage().rss) / 1024 / 1024) };
}

async function main(): Promise<void> {
  const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', PATH: process.env.PATH });
  const logger = pino({ level: 'silent' });
  const binary = await ensureStoreBinary({ cacheDir: config.storeCacheDir, envPath: config.searchPath, log: console.log });
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tss-bench-reports-'));
  const store = new EmbeddedStore({ binary, dataDir, logger });
  await connectMongoose(await store.start(), 'bench');
  await syncIndexes();

  const communes = Math.max(10, Math.round((SCALE_DEFAULTS.communes * VOLUNTEERS) / SCALE_DEFAULTS.volunteers));
  const scaled = VOLUNTEERS >= SCALE_DEFAULTS.volunteers ? SCALE_DEFAULTS : { volunteers: VOLUNTEERS, communes, remote: Math.round(communes * 0.086), teams: Math.round(communes * 1.45) };
  console.log(`seeding ${JSON.stringify(scaled)} …`);
  const seeded = await timed(() => seedScale({ ...scaled, volunteers: VOLUNTEERS }));
  await createAccount(null, { username: 'bench.admin', fullName: 'Bench Admin', role: 'admin', unitCode: 'TW', password: PASSWORD });
  console.log(`seeded in ${seeded.ms} ms`);
  const rollups = await timed(() => rebuildRollups());
  console.log(`roll-ups in ${rollups.ms} ms`);
  const rec = await timed(() => reconcile());
  console.log(`reconcile in ${rec.ms} ms`);

  const app = createApp({ config, logger, catalog: loadCatalog(), loginLimits: { perUserIp: { points: 1e6, durationSec: 60 }, perIp: { points: 1e6, durationSec: 60 } } });
  const server = app.listen(0);
  await new Promise((r) => server.once('listening', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  let cookie = '';
  const get = async (url: string) => {
    const res = await fetch(base + url, { headers: { cookie }, redirect: 'manual' });
    const set = res.headers.getSetCookie().find((c) => c.startsWith('tss.sid='));
    if (set) cookie = set.split(';')[0]!;
    return res;
  };
  const loginPage = await (await get('/login')).text();
  const csrf = /name="_csrf" value="([^"]+)"/.exec(loginPage)![1]!;
  const signIn = await timed(async () =>
    fetch(`${base}/login`, { method: 'POST', redirect: 'manual', headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ _csrf: csrf, username: 'bench.admin', password: PASSWORD }).toString() }),
  );
  cookie = signIn.value.headers.getSetCookie().find((c) => c.startsWith('tss.sid='))!.split(';')[0]!;

  const province = (await Unit.findOne({ level: 'province' }).sort({ code: 1 }).lean())!;
  const commune = (await Unit.findOne({ level: 'commune', code: 'SC-00001' }).lean())!;
  const page = async (url: string) => {
    await (await get(url)).text(); // warm once
    const runs: number[] = [];
    for (let i = 0; i < 3; i++) runs.push((await timed(async () => (await get(url)).text())).ms);
    return Math.min(...runs);
  };
  console.log(`sign-in in ${signIn.ms} ms`);
  const national = await page('/reports');
  console.log(`national dashboard ${national} ms`);
  const provincial = await page(`/reports?unit=${province.code}`);
  const communal = await page(`/reports?unit=${commune.code}`);
  const exportOf = async (url: string) => {
    const r = await peakRss(async () => {
      const res = await get(url);
      let bytes = 0;
      let lines = 0;
      let failure = '';
      try {
        for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
          bytes += chunk.length;
          for (const b of chunk) if (b === 10) lines += 1;
        }
      } catch (err) {
        failure = (err as Error).message; // the server cut the stream (e.g. a store timeout)
      }
      return { bytes, lines, failure };
    });
    console.log(url, r.ms, 'ms', r.value);
    return r;
  };
  const provinceCsv = await exportOf(`/reports/people.csv?unit=${province.code}`);
  // At national scale on the embedded store the whole-country export takes hours (each batch of
  // 1,000 people scans the collections); BENCH_COUNTRY_EXPORT=0 leaves it out.
  const countryCsv = process.env.BENCH_COUNTRY_EXPORT === '0' ? null : await exportOf('/reports/people.csv?unit=TW');

  // Weekly field reports: every team files this week and the 7 before (as a whole campaign would).
  const teams = await Unit.find({ level: 'team' }).select('lineage').lean();
  const benchAdmin = (await User.findOne({ username: 'bench.admin' }).lean())!;
  const thisWeek = currentWeek(new Date());
  for (let back = 0; back < 8; back++) {
    const week = shiftWeek(thisWeek, -back).label;
    const docs = teams.map((t, i) => ({
      team: t._id,
      week,
      lineage: t.lineage,
      counts: { vneid: (i % 17) + 3, onlineService: i % 11, dossier: i % 5, digitise: i % 3, other: i % 2 },
      difficulties: i % 4 === 0 ? [{ category: DIFFICULTY_CATEGORIES[i % DIFFICULTY_CATEGORIES.length]!, description: `Khó khăn ${i}`, helpNeeded: i % 8 === 0 }] : [],
      filedBy: benchAdmin._id,
      filedByUsername: 'bench.admin',
      updatedBy: benchAdmin._id,
      updatedByUsername: 'bench.admin',
    }));
    for (let i = 0; i < docs.length; i += 1000) await FieldReport.insertMany(docs.slice(i, i + 1000));
  }
  const fieldNational = await page('/field-reports/summary');
  const fieldProvince = await page(`/field-reports/summary?unit=${province.code}`);
  const fieldPdf = await timed(async () => (await get('/field-reports/summary.pdf')).arrayBuffer());
  const fieldXlsx = await timed(async () => (await get('/field-reports/summary.xlsx')).arrayBuffer());
  console.log(`field summary national ${fieldNational} ms, province ${fieldProvince} ms, pdf ${fieldPdf.ms} ms, xlsx ${fieldXlsx.ms} ms`);

  const people = seeded.value.people;
  const lines = [
    '## Reports at scale',
    '',
    `Last run: ${new Date().toISOString()} on ${os.cpus().length} CPU(s), Node ${process.version}, embedded store FerretDB v1.24.2 (SQLite). ` +
      `Data: ${people.toLocaleString('en')} people (${VOLUNTEERS.toLocaleString('en')} volunteers and their trainers), ${seeded.value.units.toLocaleString('en')} units, ${seeded.value.completions.toLocaleString('en')} completions. ` +
      '`BENCH_VOLUNTEERS=240000 npm run bench` for the national figure.',
    '',
    '| what | time |',
    '| --- | --- |',
    `| seed:scale | ${(seeded.ms / 1000).toFixed(1)} s |`,
    `| roll-up rebuild (all units and cascades) | ${(rollups.ms / 1000).toFixed(1)} s |`,
    `| reports:reconcile | ${(rec.ms / 1000).toFixed(1)} s (${rec.value.differences.length} differences) |`,
    `| sign-in (POST /login) | ${signIn.ms} ms |`,
    `| dashboard, national (GET /reports, best of 3) | ${national} ms |`,
    `| dashboard, province | ${provincial} ms |`,
    `| dashboard, commune | ${communal} ms |`,
    `| per-person CSV, one province (${(provinceCsv.value.lines - 1).toLocaleString('en')} rows, ${Math.round(provinceCsv.value.bytes / 1024)} KB) | ${(provinceCsv.ms / 1000).toFixed(1)} s, peak RSS ${provinceCsv.mb} MB${provinceCsv.value.failure ? ` — **cut off**: ${provinceCsv.value.failure}` : ''} |`,
    countryCsv
      ? `| per-person CSV, whole country (${(countryCsv.value.lines - 1).toLocaleString('en')} rows, ${Math.round(countryCsv.value.bytes / 1024)} KB) | ${(countryCsv.ms / 1000).toFixed(1)} s, peak RSS ${countryCsv.mb} MB${countryCsv.value.failure ? ` — **cut off**: ${countryCsv.value.failure}` : ''} |`
      : '| per-person CSV, whole country | not run (BENCH_COUNTRY_EXPORT=0) |',
    `| weekly field reports: summary, national (${teams.length.toLocaleString('en')} teams × 8 weeks of reports, best of 3) | ${fieldNational} ms |`,
    `| weekly field reports: summary, province | ${fieldProvince} ms |`,
    `| weekly field reports: one-page PDF, national | ${fieldPdf.ms} ms |`,
    `| weekly field reports: Excel, national | ${fieldXlsx.ms} ms |`,
    '',
    'On the embedded store every query reads the whole collection (docs/STORE-NOTES.md), so these times grow with the number of people, not with what a page shows; with MongoDB the declared indexes serve the same queries.',
    '',
  ];
  writeSection(VOLUNTEERS >= SCALE_DEFAULTS.volunteers ? 'reports-national' : 'reports', lines.map((l) => (VOLUNTEERS >= SCALE_DEFAULTS.volunteers ? l.replace('## Reports at scale', '## Reports at national scale') : l)));
  console.log(lines.join('\n'));
  server.close();
  await mongoose.disconnect();
  await store.stop();
  fs.rmSync(dataDir, { recursive: true, force: true });
}

void main();
