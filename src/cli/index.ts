/**
 * Operator commands: `npm run cli -- <command>`. `--help` lists them all.
 * Commands that need the database use the running server's embedded store when there
 * is one on the same DATA_DIR, otherwise they start it (or use MONGODB_URI).
 */
import fs from 'node:fs';
import { Command } from 'commander';
import { z } from 'zod';
import { createAccount } from '../accounts';
import { runBriefings } from '../briefings';
import { bankSummary, CONTENT_DIR, loadCatalog, loadContent, settleUnsettledCompletions } from '../courses';
import { loadConfig } from '../config';
import { ensureStoreBinary, openDatabase } from '../db';
import { runDelivery } from '../notifications';
import { importOrgCsv, loadDefaultTreeIfEmpty } from '../org';
import { settleUnsettledResults } from '../quizzes';
import { runReminders } from '../reminders';
import { rebuildRollups, reconcile } from '../reports';
import { rebuildRetrainingFigures } from '../retraining';
import { SCALE_DEFAULTS, SCALE_PASSWORD, seedDemo, seedScale } from '../seed';
import { ROLES } from '../shared/actor';
import { Invalid } from '../shared/errors';
import { createLogger } from '../shared/logger';
import { translate } from '../shared/i18n';
import { wire } from '../wiring';
import { registerBackupCommands } from './backup';
import { registerOpsCommands } from './ops';

const program = new Command();
program
  .name('npm run cli --')
  .description('Tiếp sức số — operator commands')
  .showHelpAfterError()
  .configureOutput({ outputError: (str, write) => write(str) });

/** Runs `fn` with the database open, and closes it (and any store it started) afterwards. */
async function withDatabase<T>(fn: () => Promise<T>): Promise<T> {
  const config = loadConfig();
  const logger = createLogger({ logLevel: config.logLevel === 'info' ? 'warn' : config.logLevel });
  const db = await openDatabase(config, logger, { reuseRunning: true });
  wire(); // the features' events and listeners, as in the server
  try {
    return await fn();
  } finally {
    await db.close();
  }
}

program
  .command('store:build')
  .description('build the embedded store (FerretDB) now, instead of at the first start')
  .action(async () => {
    const config = loadConfig();
    const logger = createLogger(config);
    console.log(await ensureStoreBinary({ cacheDir: config.storeCacheDir, envPath: config.searchPath, log: (m) => logger.info(m) }));
  });

const userOptions = z.object({
  username: z.string(),
  password: z.string(),
  role: z.enum(ROLES, { error: `--role must be one of ${ROLES.join(', ')}` }),
  unit: z.string(),
  name: z.string().optional(),
});

program
  .command('user:create')
  .description('create an account (its password is the operator\'s choice, not one-time)')
  .requiredOption('--username <username>', 'lower-case letters, digits, ".", "_", "-" (3–64)')
  .requiredOption('--password <password>', 'at least 8 characters, not a common password')
  .requiredOption('--role <role>', ROLES.join(' | '))
  .requiredOption('--unit <code>', 'code of the unit the account belongs to')
  .option('--name <full name>', 'the person\'s full name (default: the username)')
  .action(async (raw: unknown) => {
    const parsed = userOptions.safeParse(raw);
    if (!parsed.success) {
      console.error(parsed.error.issues.map((i) => i.message).join('\n'));
      process.exitCode = 1;
      return;
    }
    const o = parsed.data;
    await withDatabase(async () => {
      await loadDefaultTreeIfEmpty();
      try {
        const { user } = await createAccount(null, { username: o.username, password: o.password, role: o.role, unitCode: o.unit, fullName: o.name ?? o.username });
        console.log(`created ${user.role} "${user.username}" in unit ${o.unit}`);
      } catch (err) {
        if (!(err instanceof Invalid)) throw err;
        for (const [field, key] of Object.entries(err.fields)) {
          const option = { fullName: 'name', unitCode: 'unit' }[field] ?? field;
          console.error(`--${option}: ${translate('en', key)}`);
        }
        process.exitCode = 1;
      }
    });
  });

program
  .command('org:import')
  .argument('<file>', 'CSV with columns code,name_vi,name_en,level,parent_code,remote')
  .description('load or update the organisation tree; reports each bad line; re-running changes nothing')
  .action(async (file: string) => {
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch (err) {
      console.error(`cannot read ${file}: ${(err as Error).message}`);
      process.exitCode = 1;
      return;
    }
    await withDatabase(async () => {
      const report = await importOrgCsv(text);
      for (const p of report.problems) console.error(`${file}:${p.line}: ${p.message}`);
      console.log(`units: ${report.created} created, ${report.updated} updated, ${report.unchanged} unchanged, ${report.problems.length} line(s) refused`);
      if (report.problems.length > 0) process.exitCode = 1;
    });
  });

program
  .command('seed:demo')
  .description('load a small, realistic demo (idempotent)')
  .action(async () => {
    await withDatabase(async () => {
      const { created } = await seedDemo(loadCatalog());
      console.log(`demo: ${created} account(s) created`);
    });
  });

program
  .command('content:check')
  .description('validate every file under content/; prints each problem as file:line and the word counts')
  .action(() => {
    const { catalog, problems } = loadContent(CONTENT_DIR);
    for (const p of problems) console.error(`content/${p.file}:${p.line}: ${p.message}`);
    if (!catalog) {
      console.error(`${problems.length} problem(s) found.`);
      process.exitCode = 1;
      return;
    }
    let modules = 0;
    let lessons = 0;
    for (const course of catalog.courses) {
      console.log(`${course.slug} (version ${course.version})`);
      for (const m of course.modules) {
        modules += 1;
        console.log(`  ${m.folder}: ${m.lessons.length} lessons, ${m.bank.length} questions, ${m.quiz.questions} drawn per attempt`);
        console.log(`    bank: ${bankSummary(m.bank)}`);
        for (const l of m.lessons) {
          lessons += 1;
          console.log(`    ${l.slug.padEnd(28)} vi ${String(l.words.vi).padStart(4)} words   en ${String(l.words.en).padStart(4)} words`);
        }
      }
    }
    const total = (loc: 'vi' | 'en') => catalog.courses.flatMap((c) => c.modules.flatMap((m) => m.lessons)).reduce((n, l) => n + l.words[loc], 0);
    console.log(`content OK: ${catalog.courses.length} courses, ${modules} modules, ${lessons} lessons; words vi ${total('vi')}, en ${total('en')}`);
  });

program
  .command('reports:reconcile')
  .description('recompute every roll-up and retraining tally from the raw records; print and repair each difference')
  .action(async () => {
    await withDatabase(async () => {
      const started = Date.now();
      const { differences, peopleRepaired } = await reconcile();
      for (const d of differences) {
        console.log(`${d.key}: stored ${JSON.stringify(d.stored)} → actual ${JSON.stringify(d.actual)} (repaired)`);
      }
      console.log(`reconcile: ${differences.length} roll-up difference(s), ${peopleRepaired} person record(s) repaired, in ${Date.now() - started} ms`);
      // the retraining tallies, recounted from the raw sessions and attendance records
      const retraining = await rebuildRetrainingFigures();
      for (const d of retraining.differences) {
        console.log(`retraining ${d.key}: stored ${JSON.stringify(d.stored)} → actual ${JSON.stringify(d.actual)} (repaired)`);
      }
      console.log(`reconcile: ${retraining.differences.length} retraining tally difference(s), ${retraining.peopleRepaired} retrained record(s) repaired`);
    });
  });

const briefingsOptions = z.object({
  now: z
    .string()
    .refine((v) => !Number.isNaN(Date.parse(v)), { error: '--now must be a date and time in ISO 8601, e.g. 2026-12-07T07:00:00+07:00' })
    .transform((v) => new Date(v))
    .optional(),
});

program
  .command('briefings:run')
  .description("prepare this week's missing briefing packs (from Monday 07:00 Vietnam time) and notify their subscribers; the server checks every 5 minutes")
  .option('--now <ISO time>', 'the moment to run as (default: now), e.g. 2026-12-07T07:00:00+07:00')
  .action(async (raw: unknown) => {
    const parsed = briefingsOptions.safeParse(raw);
    if (!parsed.success) {
      console.error(parsed.error.issues.map((i) => i.message).join('\n'));
      process.exitCode = 1;
      return;
    }
    await withDatabase(async () => {
      const config = loadConfig();
      const run = await runBriefings({ now: parsed.data.now, dataDir: config.dataDir, defaultLocale: config.defaultLocale });
      if (!run.week) console.log('briefings: nothing is due before Monday 07:00 (Vietnam time)');
      else console.log(`briefings ${run.week}: ${run.prepared.length} pack(s) prepared${run.prepared.length ? ` (${run.prepared.join(', ')})` : ''}, ${run.notified} subscriber notification(s)`);
    });
  });

const remindersOptions = z.object({ now: z.iso.datetime({ offset: true, error: '--now must be a date and time such as 2026-12-07T08:00:00+07:00' }).optional() });

program
  .command('reminders:run')
  .description('run the reminders whose time has come now (or at --now): each once per day, week or Friday/Sunday, whatever runs them at once')
  .option('--now <iso>', 'the moment to run as, e.g. 2026-12-07T08:00:00+07:00 (default: now)')
  .action(async (raw: unknown) => {
    const parsed = remindersOptions.safeParse(raw);
    if (!parsed.success) {
      console.error(parsed.error.issues.map((i) => i.message).join('\n'));
      process.exitCode = 1;
      return;
    }
    await withDatabase(async () => {
      const outcomes = await runReminders({ now: parsed.data.now ? new Date(parsed.data.now) : new Date(), catalog: loadCatalog() });
      for (const o of outcomes) console.log(`${o.rule}${o.period ? ` ${o.period}` : ''}: ${o.state === 'ran' ? `ran, ${o.queued} notification(s) queued` : o.state === 'taken' ? 'done or running elsewhere' : 'not its time'}`);
    });
  });

program
  .command('repair:settle')
  .description('finish now the passed quizzes and course completions a crash left half done (module pass, completion, certificate); the server does this every minute')
  .action(async () => {
    await withDatabase(async () => {
      const catalog = loadCatalog();
      const results = await settleUnsettledResults(catalog);
      const completions = await settleUnsettledCompletions();
      console.log(`settled: ${results} passed quiz result(s), ${completions} course completion(s)`);
    });
  });

program
  .command('seed:scale')
  .description('load synthetic national-scale data (communes, teams, trainers, volunteers, mixed progress)')
  .option('--volunteers <n>', 'number of volunteers', String(SCALE_DEFAULTS.volunteers))
  .option('--communes <n>', 'communes, wards and special zones', String(SCALE_DEFAULTS.communes))
  .option('--remote <n>', 'of which border, remote or isolated', String(SCALE_DEFAULTS.remote))
  .option('--teams <n>', 'volunteer teams', String(SCALE_DEFAULTS.teams))
  .action(async (raw: Record<string, string>) => {
    const n = (v: string, name: string) => {
      const x = Number(v);
      if (!Number.isInteger(x) || x < 1 || x > 2_000_000) throw new Error(`--${name} must be a whole number from 1 to 2,000,000`);
      return x;
    };
    const opts = { volunteers: n(raw.volunteers!, 'volunteers'), communes: n(raw.communes!, 'communes'), remote: n(raw.remote!, 'remote'), teams: n(raw.teams!, 'teams') };
    await withDatabase(async () => {
      const started = Date.now();
      const bar = (done: number, total: number, what: string) => {
        const width = 30;
        const filled = Math.round((done / Math.max(1, total)) * width);
        process.stderr.write(`\r[${'#'.repeat(filled)}${' '.repeat(width - filled)}] ${String(Math.round((done / Math.max(1, total)) * 100)).padStart(3)}% ${what} ${done}/${total}   `);
        if (done >= total) process.stderr.write('\n');
      };
      const result = await seedScale({ ...opts, progress: bar });
      await rebuildRollups();
      console.log(`scale data: ${result.units} units, ${result.people} people, ${result.completions} completions in ${Math.round((Date.now() - started) / 1000)} s (password of every synthetic account: ${SCALE_PASSWORD})`);
    });
  });

program
  .command('notify:deliver')
  .description('send the pending notification emails now, once (the server does this every 15 seconds); safe while servers run')
  .option('--limit <n>', 'at most this many emails', '1000')
  .action(async (raw: { limit: string }) => {
    const limit = Number(raw.limit);
    if (!Number.isInteger(limit) || limit < 1 || limit > 1_000_000) throw new Error('--limit must be a whole number from 1 to 1,000,000');
    const config = loadConfig();
    await withDatabase(async () => {
      const r = await runDelivery({ config, limit, logger: createLogger(config) });
      console.log(`emails: ${r.sent} sent, ${r.retried} to retry, ${r.failed} failed, ${r.suppressed} suppressed (no SMTP_URL), ${r.dropped} no longer wanted, ${r.skipped} taken by another process`);
    });
  });
registerBackupCommands(program, withDatabase);
registerOpsCommands(program, withDatabase);

program.parseAsync(process.argv).catch((err: Error) => {
  console.error(err.message);
  process.exitCode = 1;
});
