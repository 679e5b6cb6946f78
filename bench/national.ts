/**
 * The campaign's size on the default store (FerretDB v1.24.2 on PostgreSQL), measured as
 * people use it. Seeds `seed:scale` data (BENCH_VOLUNTEERS, default 240,000; kept in
 * BENCH_DATA_DIR between runs when set), starts the app in its own process (bench/serve.ts)
 * and measures over loopback:
 *   - sign-in (p50/p95), each signed-in page of every role at 20 concurrent users (p50/p95),
 *     every dashboard level on its own;
 *   - quiz submissions per second at 50 concurrent learners, and 50 identical submissions of
 *     one attempt giving one result;
 *   - the signed-in lesson page at 50 connections, and a bare Node.js `http` handler in the
 *     same run (the ratio);
 *   - the province per-person CSV, the whole-country export (with the app's peak memory),
 *     reports:reconcile, the seed and the store's size on disk.
 * Writes the "national" section of bench/RESULTS.md.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import autocannon from 'autocannon';
import mongoose from 'mongoose';
import pino from 'pino';
import { createAccount } from '../src/accounts';
import '../src/app'; // every feature's models, so that index sync covers them all
import { loadConfig } from '../src/config';
import { loadCatalog } from '../src/courses';
import { connectMongoose, EmbeddedStore, ensureStoreBinary, syncIndexes, useStorePostgres } from '../src/db';
import { currentWeek, DIFFICULTY_CATEGORIES, shiftWeek } from '../src/fieldreports';
import { FieldReport } from '../src/fieldreports/field-report.model';
import { QuizResult } from '../src/quizzes/quiz.model';
import { generateSerial } from '../src/certificates/serial';
import { Unit } from '../src/org/unit.model';
import { markCompletionsBucketed, rebuildRollups, reconcile, refreshRollupsIfChanged } from '../src/reports';
import { seedScale, SCALE_DEFAULTS, SCALE_PASSWORD } from '../src/seed';
import { dirtyMarks } from '../src/shared/changes';
import { wire } from '../src/wiring';
import { Client } from './client';
import { writeSection } from './results-file';

const VOLUNTEERS = Number(process.env.BENCH_VOLUNTEERS ?? 240_000);
const STAFF_PASSWORD = 'Bench-password-2025!';
const DB = 'bench';
/** The username of the n-th synthetic volunteer (wrapped into the seeded range). */
const tnv = (n: number) => `sc.tnv${1 + (((n - 1) % VOLUNTEERS) + VOLUNTEERS) % VOLUNTEERS}`;

const pct = (values: number[], p: number) => {
  const s = [...values].sort((a, b) => a - b);
  return Math.round(s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? NaN);
};

async function timed<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const t = performance.now();
  const value = await fn();
  return { ms: Math.round(performance.now() - t), value };
}

async function pool<T>(items: T[], size: number, fn: (item: T, i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: size }, async () => {
      while (next < items.length) {
        const i = next++;
        await fn(items[i]!, i);
      }
    }),
  );
}

interface Load {
  p50: number;
  p95: number;
  p99: number;
  rps: number;
  errors: number;
  non2xx: number;
  /** The answers other than 2xx by status code, e.g. "429×812". */
  codes: string;
}

async function load(url: string, cookie: string, opts: { connections: number; amount?: number; duration?: number }): Promise<Load> {
  const r = await autocannon({
    url,
    connections: opts.connections,
    ...(opts.amount ? { amount: opts.amount } : { duration: opts.duration ?? 10 }),
    headers: { cookie },
    timeout: 30,
  });
  // autocannon reports p90 and p97.5, not p95: p97.5 stands for it (on the safe side).
  const codes = Object.entries(r.statusCodeStats ?? {})
    .filter(([code]) => !code.startsWith('2'))
    .map(([code, s]) => `${code}×${s.count}`)
    .join(', ');
  return { p50: r.latency.p50, p95: r.latency.p97_5, p99: r.latency.p99, rps: Math.round(r.requests.average), errors: r.errors + r.timeouts, non2xx: r.non2xx, codes };
}

function startProcess(cmd: string, args: string[], env: Record<string, string> = {}): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(cmd, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    readline.createInterface({ input: child.stdout! }).on('line', (line) => {
      const m = /^PORT (\d+)/.exec(line);
      if (m) resolve({ child, port: Number(m[1]) });
    });
    child.once('exit', (code) => reject(new Error(`${cmd} exited with ${code}`)));
  });
}

/** Resident memory of the app: the node process tsx started under `pid` (the largest in its tree). */
function rssOf(pid: number): { rss: number } {
  const tree = (p: number): number[] => {
    let kids: number[] = [];
    try {
      for (const t of fs.readdirSync(`/proc/${p}/task`)) {
        kids = kids.concat(fs.readFileSync(`/proc/${p}/task/${t}/children`, 'utf8').split(' ').filter(Boolean).map(Number));
      }
    } catch {
      // gone
    }
    return [p, ...kids.flatMap(tree)];
  };
  let rss = 0;
  for (const p of tree(pid)) {
    try {
      const kb = Number(/VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${p}/status`, 'utf8'))?.[1] ?? 0);
      rss = Math.max(rss, Math.round(kb / 1024));
    } catch {
      // gone
    }
  }
  return { rss };
}

/** CPU seconds so far of the app (the tree under `appPid`), FerretDB and PostgreSQL processes. */
function cpuByProcess(appPid: number): { app: number; ferretdb: number; postgres: number } {
  const hz = 100;
  const out = { app: 0, ferretdb: 0, postgres: 0 };
  const parentOf = new Map<number, number>();
  const stats = new Map<number, { comm: string; cpu: number }>();
  for (const d of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const text = fs.readFileSync(`/proc/${d}/stat`, 'utf8');
      const comm = text.slice(text.indexOf('(') + 1, text.lastIndexOf(')'));
      const f = text.slice(text.lastIndexOf(')') + 2).split(' ');
      parentOf.set(Number(d), Number(f[1]));
      stats.set(Number(d), { comm, cpu: (Number(f[11]) + Number(f[12])) / hz });
    } catch {
      // gone
    }
  }
  const under = (pid: number): boolean => pid === appPid || (pid > 1 && parentOf.has(pid) && under(parentOf.get(pid)!));
  for (const [pid, s] of stats) {
    if (under(pid)) out.app += s.cpu;
    else if (s.comm === 'postgres') out.postgres += s.cpu;
    else if (s.comm.startsWith('ferretdb')) out.ferretdb += s.cpu;
  }
  return out;
}

function duMb(dir: string): number {
  return Math.round(Number(execFileSync('du', ['-sb', dir]).toString().split('\t')[0]) / 1024 / 1024);
}

async function main(): Promise<void> {
  const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', PATH: process.env.PATH });
  const logger = pino({ level: 'warn' });
  const binary = await ensureStoreBinary({ cacheDir: config.storeCacheDir, envPath: config.searchPath, log: console.log });
  const keep = process.env.BENCH_DATA_DIR;
  const dataDir = keep ? path.resolve(keep) : fs.mkdtempSync(path.join(os.tmpdir(), 'tss-bench-national-'));
  fs.mkdirSync(dataDir, { recursive: true });
  const store = new EmbeddedStore({ binary, dataDir, logger });
  const uri = await store.start();
  useStorePostgres(store.postgresUrl);
  await connectMongoose(uri, DB);
  await syncIndexes();
  wire(); // as every process of the app
  const catalog = loadCatalog();

  // Seed once (kept with BENCH_DATA_DIR), with every team's weekly field reports for 8 weeks.
  const marker = path.join(dataDir, 'bench-seed.json');
  let seed: { volunteers: number; people: number; units: number; completions: number; seedMs: number; rollupMs: number; fieldReports: number };
  if (fs.existsSync(marker) && JSON.parse(fs.readFileSync(marker, 'utf8')).volunteers === VOLUNTEERS) {
    seed = JSON.parse(fs.readFileSync(marker, 'utf8'));
    console.log(`reusing seeded data in ${dataDir}`);
    await markCompletionsBucketed(); // seed:scale gives every completion record its bucket
  } else {
    const communes = Math.max(10, Math.round((SCALE_DEFAULTS.communes * VOLUNTEERS) / SCALE_DEFAULTS.volunteers));
    const scaled = VOLUNTEERS >= SCALE_DEFAULTS.volunteers ? SCALE_DEFAULTS : { volunteers: VOLUNTEERS, communes, remote: Math.round(communes * 0.086), teams: Math.round(communes * 1.45) };
    console.log(`seeding ${JSON.stringify({ ...scaled, volunteers: VOLUNTEERS })} …`);
    let last = 0;
    const seeded = await timed(() =>
      seedScale({
        ...scaled,
        volunteers: VOLUNTEERS,
        progress: (n, total, what) => {
          if (Date.now() - last < 5000 && n !== total) return;
          console.log(`  ${what}: ${n}/${total}`);
          last = Date.now();
        },
      }),
    );
    const province = (await Unit.findOne({ code: '01' }).lean())!;
    await createAccount(null, { username: 'bench.admin', fullName: 'Bench Admin', role: 'admin', unitCode: 'TW', password: STAFF_PASSWORD });
    await createAccount(null, { username: 'bench.province', fullName: 'Bench Province', role: 'staff', unitCode: province.code, password: STAFF_PASSWORD });
    await createAccount(null, { username: 'bench.commune', fullName: 'Bench Commune', role: 'staff', unitCode: 'SC-00001', password: STAFF_PASSWORD });
    const teams = await Unit.find({ level: 'team' }).select('lineage').lean();
    const thisWeek = currentWeek(new Date());
    const admin = (await mongoose.connection.db!.collection('users').findOne({ username: 'bench.admin' }))!;
    for (let back = 0; back < 8; back++) {
      const week = shiftWeek(thisWeek, -back).label;
      const docs = teams.map((t, i) => ({
        team: t._id,
        week,
        lineage: t.lineage,
        counts: { vneid: (i % 17) + 3, onlineService: i % 11, dossier: i % 5, digitise: i % 3, other: i % 2 },
        difficulties: i % 4 === 0 ? [{ category: DIFFICULTY_CATEGORIES[i % DIFFICULTY_CATEGORIES.length]!, description: `Khó khăn ${i}`, helpNeeded: i % 8 === 0 }] : [],
        filedBy: admin._id,
        filedByUsername: 'bench.admin',
        updatedBy: admin._id,
        updatedByUsername: 'bench.admin',
      }));
      for (let i = 0; i < docs.length; i += 1000) await FieldReport.insertMany(docs.slice(i, i + 1000));
    }
    const rollups = await timed(() => rebuildRollups());
    seed = { volunteers: VOLUNTEERS, ...seeded.value, seedMs: seeded.ms, rollupMs: rollups.ms, fieldReports: teams.length * 8 };
    fs.writeFileSync(marker, JSON.stringify(seed));
    console.log(`seeded in ${seeded.ms} ms, roll-ups in ${rollups.ms} ms`);
  }
  await syncIndexes(); // GIN indexes for collections the seed made
  if (process.env.BENCH_SEED_ONLY === '1') {
    await mongoose.disconnect();
    await store.stop();
    return;
  }
  // BENCH_PAGES=<regex>: only the signed-in pages whose name matches, printed with each process's
  // CPU time, nothing written: the loop for making one page cheaper.
  const only = process.env.BENCH_PAGES ? new RegExp(process.env.BENCH_PAGES) : null;
  const rec = only ? { ms: 0, value: { differences: [] } } : await timed(() => reconcile());
  console.log(`reconcile in ${rec.ms} ms, ${rec.value.differences.length} differences`);
  const diskMb = duMb(store.postgresDir);
  // Earlier runs' submissions changed people: bring the roll-ups up to date here, so that the
  // app measures its steady state, not a national rebuild it would start at once.
  if (!only) console.log(`roll-ups up to date: ${(await refreshRollupsIfChanged()) ? 'rebuilt' : 'already'}`);

  // The app in its own process.
  const { child: app, port } = await startProcess(process.execPath, [
    // the heap limit `npm start` gives the app (package.json "config.heapMb")
    `--max-old-space-size=${(JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'package.json'), 'utf8')) as { config: { heapMb: number } }).config.heapMb}`,
    // BENCH_APP_NODE_ARGS: flags for the app's node, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof"
    ...(process.env.BENCH_APP_NODE_ARGS?.split(' ').filter(Boolean) ?? []),
    '--import',
    'tsx',
    path.join(__dirname, 'serve.ts'),
    uri,
    DB,
    store.postgresUrl,
  ]);
  const base = `http://127.0.0.1:${port}`;
  // the app reads the weekly field figures ahead at start: let it finish before measuring
  await new Promise((r) => setTimeout(r, 20_000));
  const rows: string[] = [];
  const row = (what: string, value: string) => {
    rows.push(`| ${what} | ${value} |`);
    console.log(`${what}: ${value}`);
  };

  try {
    // Sign-in: 40 different volunteers one after the other, then 40 more 10 at a time.
    const warm = new Client(base);
    const seq: number[] = [];
    const par: number[] = [];
    if (!only) {
    await warm.signIn('bench.admin', STAFF_PASSWORD);
    for (let i = 0; i < 40; i++) seq.push(await new Client(base).signIn(tnv(1000 + i * 37), SCALE_PASSWORD));
    await pool(Array.from({ length: 40 }, (_, i) => i), 10, async (i) => {
      par.push(await new Client(base).signIn(tnv(5000 + i * 53), SCALE_PASSWORD));
    });
    }

    // One signed-in person per role.
    const as = async (username: string, password: string) => {
      const c = new Client(base);
      await c.signIn(username, password);
      return c;
    };
    const volunteer = await as('sc.tnv77', SCALE_PASSWORD);
    const leader = await as('sc.doi1', SCALE_PASSWORD);
    const communeTrainer = await as('sc.xa1', SCALE_PASSWORD);
    const admin = await as('bench.admin', STAFF_PASSWORD);
    const provinceStaff = await as('bench.province', STAFF_PASSWORD);
    const communeStaff = await as('bench.commune', STAFF_PASSWORD);

    const dl = catalog.courses.find((c) => c.slug === 'digital-literacy')!;
    const m1 = dl.modules[0]!;
    const lessonUrl = `/courses/${dl.slug}/${m1.folder}/${m1.lessons[0]!.slug}`;
    const province = (await Unit.findOne({ code: '01' }).lean())!;
    const week = shiftWeek(currentWeek(new Date()), -1).label;

    // Each dashboard level on its own (one user, 5 times).
    const dashboards: [string, Client, string][] = [
      ['dashboard, centre (all 34 provinces)', admin, '/reports'],
      ['dashboard, province', provinceStaff, `/reports?unit=${province.code}`],
      ['dashboard, commune, with its overdue and not-started lists', communeStaff, '/reports?unit=SC-00001'],
      ['dashboard, team and its people', communeStaff, '/reports?unit=ST-00001'],
    ];
    const alone: string[] = [];
    for (const [what, c, url] of only ? [] : dashboards) {
      const times: number[] = [];
      for (let i = 0; i < 6; i++) {
        const t = await timed(() => c.request('GET', url));
        if (t.value.status !== 200) throw new Error(`${url} answered ${t.value.status}`);
        if (i > 0) times.push(t.ms);
      }
      alone.push(`| ${what} (\`${url}\`) | ${pct(times, 50)} ms | ${Math.max(...times)} ms |`);
      console.log(what, times);
    }

    // Every signed-in page at 20 concurrent users.
    const pages: [string, Client, string][] = [
      ['volunteer: home', volunteer, '/'],
      ['volunteer: my courses', volunteer, '/courses'],
      ['volunteer: a course', volunteer, `/courses/${dl.slug}`],
      ['volunteer: a lesson', volunteer, lessonUrl],
      ['volunteer: a quiz overview', volunteer, `/courses/${dl.slug}/${m1.folder}/quiz`],
      ['volunteer: my certificates', volunteer, '/certificates'],
      ['volunteer: my account', volunteer, '/account'],
      ['team leader: home', leader, '/'],
      ['team leader: cohorts', leader, '/cohorts'],
      ['team leader: my cascade', leader, '/cascade'],
      ['commune trainer: my cascade', communeTrainer, '/cascade'],
      ['team leader: weekly reports', leader, '/field-reports'],
      ['staff: dashboard, centre', admin, '/reports'],
      ['staff: dashboard, province', provinceStaff, `/reports?unit=${province.code}`],
      ['staff: dashboard, commune', communeStaff, '/reports?unit=SC-00001'],
      ['staff: dashboard, team', communeStaff, '/reports?unit=ST-00001'],
      ['staff: people of a commune', communeStaff, '/people'],
      ['admin: audit log', admin, '/admin/audit'],
      ['anyone: certificate verification', new Client(base), `/verify/${generateSerial()}`],
    ];
    // The weekly field summaries read a whole week's reports of the unit: measured last, so that
    // a slow one cannot hold up the measurements after it.
    const lastPages: [string, Client, string][] = [
      ['staff: weekly field summary, commune', communeStaff, `/field-reports/summary?week=${week}`],
      ['staff: weekly field summary, province', provinceStaff, `/field-reports/summary?week=${week}`],
      ['staff: weekly field summary, centre', admin, `/field-reports/summary?week=${week}`],
    ];
    const concurrent: string[] = [];
    const pageRows: string[] = [];
    const measurePages = async (list: [string, Client, string][]) => {
      for (const [what, c, url] of list) {
        if (only && !only.test(what)) continue;
        const cpu0 = cpuByProcess(app.pid!);
        const r = await load(base + url, c.cookie, { connections: 20, duration: 6 });
        if (only) {
          const cpu1 = cpuByProcess(app.pid!);
          const served = Math.max(1, r.rps * 6);
          const per = (k: keyof typeof cpu0) => `${(((cpu1[k] - cpu0[k]) * 1000) / served).toFixed(1)} ms`;
          console.log(`${what}: p50 ${r.p50} ms, p95 ${r.p95} ms, ${r.rps}/s${r.non2xx ? ` (${r.codes})` : ''}; CPU per request: app ${per('app')}, FerretDB ${per('ferretdb')}, PostgreSQL ${per('postgres')}`);
          pageRows.push(`| ${what} (\`${url}\`) | ${r.p50} ms | ${r.p95} ms | ${r.rps}/s | ${per('app')} | ${per('ferretdb')} | ${per('postgres')} |${r.non2xx ? ` ${r.non2xx} non-2xx (${r.codes})` : ''}`);
          continue;
        }
        const done = r.rps > 0;
        concurrent.push(`| ${what} (\`${url}\`) | ${done ? `${r.p50} ms` : '—'} | ${done ? `${r.p95} ms` : '—'} | ${done ? `${r.rps}/s` : '< 1/s: no answer within 6 s'} | ${r.non2xx ? `${r.non2xx} non-2xx (${r.codes})` : ''}${r.errors ? ` ${r.errors} errors` : ''} |`);
        console.log(what, r);
        await new Promise((res) => setTimeout(res, 1000));
      }
    };

    await measurePages(pages);
    if (only) {
      await measurePages(lastPages);
      // its own section: a run of some pages does not replace the whole national run's figures
      writeSection('national-pages', [
        '## Signed-in pages at 20 concurrent users, with the CPU each request costs (`BENCH_PAGES`)',
        '',
        `Last run: ${new Date().toISOString()} on ${os.cpus().length} CPU(s) (${os.cpus()[0]?.model.trim()}), Node ${process.version}; the national data (${seed.people.toLocaleString('en')} people), ` +
          `the app in its own process, 6 s of autocannon per page; pages matching \`${only.source}\`. p95 is autocannon's p97.5.`,
        '',
        '| page | p50 | p95 | throughput | app CPU | FerretDB CPU | PostgreSQL CPU |',
        '| --- | --- | --- | --- | --- | --- | --- |',
        ...pageRows,
      ]);
      return;
    }

    // The lesson page at 50 connections for 10 s, and a bare handler in the same run.
    const lesson = await load(base + lessonUrl, volunteer.cookie, { connections: 50, duration: 10 });
    const bare = await startProcess(process.execPath, ['-e', "const s=require('http').createServer((q,r)=>r.end('ok')).listen(0,'127.0.0.1',()=>console.log('PORT '+s.address().port))"]);
    const bareLoad = await load(`http://127.0.0.1:${bare.port}/`, '', { connections: 50, duration: 10 });
    bare.child.kill();

    // Quiz submissions: learners who have not started read the first module and open its quiz.
    const LEARNERS = 300;
    const learners: { c: Client; url: string; form: Record<string, string> }[] = [];
    // other volunteers on each run (an earlier run's learners are in their cooldown)
    const offset = Math.floor(Date.now() / 1000) % 50_000;
    await pool(Array.from({ length: LEARNERS }, (_, i) => tnv(VOLUNTEERS - offset - i * 7)), 10, async (username) => {
      const c = new Client(base);
      await c.signIn(username, SCALE_PASSWORD);
      const token = await c.csrf('/courses');
      for (const l of m1.lessons) await c.request('POST', `/courses/${dl.slug}/${m1.folder}/${l.slug}/read`, { _csrf: token });
      const started = await c.request('POST', `/courses/${dl.slug}/${m1.folder}/quiz/start`, { _csrf: token });
      if (started.status !== 303) return; // in a cooldown from an earlier run: skip
      const page = await c.request('GET', started.location!);
      // the first option of each question, as the page offers it (right or wrong: each submission is graded)
      const answers = new Map<string, string>();
      for (const input of page.text.matchAll(/<input[^>]*>/g)) {
        const name = /name="(q_[\w-]+)"/.exec(input[0])?.[1];
        const value = /value="([^"]*)"/.exec(input[0])?.[1];
        if (name && value !== undefined && !answers.has(name)) answers.set(name, value);
      }
      const csrf = /name="_csrf" value="([^"]+)"/.exec(page.text)![1]!;
      learners.push({ c, url: `${started.location!}/submit`, form: { _csrf: csrf, ...Object.fromEntries(answers) } });
    });
    const dup = learners.pop()!;
    const dupStatuses = await Promise.all(Array.from({ length: 50 }, () => dup.c.request('POST', dup.url, dup.form).then((r) => r.status)));
    const attemptId = /\/quiz\/attempts\/(\w+)\/submit/.exec(dup.url)![1]!;
    const dupResults = await QuizResult.countDocuments({ attempt: new mongoose.Types.ObjectId(attemptId) });
    const quizLatencies: number[] = [];
    let quizFailures = 0;
    const quizRun = await timed(() =>
      pool(learners, 50, async (l) => {
        const t = performance.now();
        const r = await l.c.request('POST', l.url, l.form);
        if (r.status !== 303) quizFailures++;
        quizLatencies.push(performance.now() - t);
      }),
    );
    const quizRate = Math.round((learners.length / quizRun.ms) * 1000);
    // Those learners started a course: the roll-up job brings their units and cascades up to date (no rebuild).
    const fresh = await timed(async () => {
      while ((await dirtyMarks(1)).length > 0) await new Promise((r) => setTimeout(r, 200));
    });

    // Exports: a province's people, then the whole country (with the app's peak memory).
    const provinceCsv = await timed(async () => {
      const res = await fetch(`${base}/reports/people.csv?unit=${province.code}`, { headers: { cookie: provinceStaff.cookie } });
      const text = await res.text();
      return { status: res.status, rows: text.split('\n').length - 2, kb: Math.round(text.length / 1024) };
    });
    const before = rssOf(app.pid!);
    let peak = before.rss;
    const sampler = setInterval(() => (peak = Math.max(peak, rssOf(app.pid!).rss)), 100);
    const countryCsv = await timed(async () => {
      // too big for a request: asked for with the form, prepared in the background, then downloaded
      const offered = await admin.request('GET', '/reports/people.csv?unit=TW');
      if (offered.status !== 303) throw new Error(`country export answered ${offered.status}`);
      const _csrf = await admin.csrf(offered.location!);
      const linkRe = /href="(\/reports\/exports\/[a-f0-9]{24}\/download)"/g;
      const before = (await admin.request('GET', '/reports/exports')).text;
      const earlier = new Set([...before.matchAll(linkRe)].map((m) => m[1]));
      const failedBefore = before.split('class="bad"').length; // jobs of earlier runs that failed are listed too
      const asked = await admin.request('POST', '/reports/exports', { _csrf, unit: 'TW', format: 'csv' });
      if (asked.status !== 303) throw new Error(`asking for the country export answered ${asked.status}`);
      const deadline = Date.now() + 15 * 60_000;
      for (;;) {
        const page = await admin.request('GET', '/reports/exports');
        const link = [...page.text.matchAll(linkRe)].find((m) => !earlier.has(m[1]));
        if (link) {
          const res = await fetch(base + link[1], { headers: { cookie: admin.cookie } });
          let bytes = 0;
          let lines = 0;
          for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
            bytes += chunk.length;
            for (const b of chunk) if (b === 10) lines++;
          }
          return { status: res.status, rows: lines - 1, kb: Math.round(bytes / 1024) };
        }
        if (page.text.split('class="bad"').length > failedBefore || Date.now() > deadline) throw new Error('the country export failed or took more than 15 minutes');
        await new Promise((r) => setTimeout(r, 1000));
      }
    }).catch((err: Error) => {
      console.error(err);
      return { ms: NaN, value: { status: 0, rows: 0, kb: 0 } };
    });
    clearInterval(sampler);
    await measurePages(lastPages);

    row('sign-in, one at a time (40 volunteers)', `p50 ${pct(seq, 50)} ms, p95 ${pct(seq, 95)} ms`);
    row('sign-in, 10 at once (40 volunteers)', `p50 ${pct(par, 50)} ms, p95 ${pct(par, 95)} ms`);
    row(`quiz submissions, ${learners.length} learners, 50 at once`, `${quizRate}/s; p50 ${pct(quizLatencies, 50)} ms, p95 ${pct(quizLatencies, 95)} ms${quizFailures ? `, ${quizFailures} not 303` : ''}`);
    row(`compliance figures up to date after those ${learners.length} learners started a course (incremental pass, no rebuild)`, `${(fresh.ms / 1000).toFixed(1)} s after the last submission`);
    row('50 identical submissions of one attempt', `${dupResults} result stored; answers ${[...new Set(dupStatuses)].join(', ')}`);
    row('lesson page, 50 connections, 10 s', `${lesson.rps} requests/s, p50 ${lesson.p50} ms, p99 ${lesson.p99} ms${lesson.non2xx ? `, ${lesson.non2xx} non-2xx` : ''}`);
    row('bare Node.js http handler, same load', `${bareLoad.rps} requests/s, p99 ${bareLoad.p99} ms`);
    row('lesson page ÷ bare handler', `${((lesson.rps / bareLoad.rps) * 100).toFixed(2)} %`);
    row(`per-person CSV, one province (${provinceCsv.value.rows.toLocaleString('en')} rows, ${provinceCsv.value.kb} KB)`, `${(provinceCsv.ms / 1000).toFixed(1)} s`);
    row(`per-person CSV, whole country, prepared in the background (${countryCsv.value.rows.toLocaleString('en')} rows, ${countryCsv.value.kb} KB)`, `${(countryCsv.ms / 1000).toFixed(1)} s from asking to the end of the download; app memory ${before.rss} MB before, peak ${peak} MB`);
    row('reports:reconcile', `${(rec.ms / 1000).toFixed(1)} s, ${rec.value.differences.length} differences`);
    row('seed:scale (once, when the data was made)', `${(seed.seedMs / 1000).toFixed(1)} s; roll-up rebuild ${(seed.rollupMs / 1000).toFixed(1)} s`);
    row("store's size on disk (PostgreSQL cluster)", `${diskMb} MB`);

    const lines = [
      '## The campaign\'s size on the default store',
      '',
      `Last run: ${new Date().toISOString()} on ${os.cpus().length} CPU(s) (${os.cpus()[0]?.model.trim()}), ${Math.round(os.totalmem() / 2 ** 30)} GB, Node ${process.version}; ` +
        'embedded store FerretDB v1.24.2 on PostgreSQL (Debian\'s), app in its own process (`bench/serve.ts`, production settings), load over loopback from this process (autocannon). ' +
        `Data: ${seed.people.toLocaleString('en')} people (${seed.volunteers.toLocaleString('en')} volunteers and their trainers), ${seed.units.toLocaleString('en')} units, ` +
        `${seed.completions.toLocaleString('en')} completions, ${seed.fieldReports.toLocaleString('en')} weekly field reports. p95 is autocannon's p97.5 (it reports no p95).`,
      '',
      '| what | measured |',
      '| --- | --- |',
      ...rows,
      '',
      '### Each dashboard level alone (one user, 5 requests after one warm-up)',
      '',
      '| page | p50 | max |',
      '| --- | --- | --- |',
      ...alone,
      '',
      '### Signed-in pages at 20 concurrent users (6 s each)',
      '',
      '| page | p50 | p95 | throughput | |',
      '| --- | --- | --- | --- | --- |',
      ...concurrent,
      '',
    ];
    writeSection('national', lines);
  } finally {
    app.kill('SIGTERM');
    await mongoose.disconnect();
    await store.stop();
    if (!keep) fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
