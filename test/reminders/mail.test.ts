/**
 * The Done-when's mail tests: a real SMTP server in the test process, the seeded week of
 * ./week-fixture, and the emails it produces — who gets what, in which language, each once;
 * rerunning sends nothing more; the CLI from two processes at once sends each message once; a
 * sender killed in the middle of a run and a restart send each missing message once.
 */
import { execFile, spawn } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import type { UserDoc } from '../../src/accounts';
import type { Config } from '../../src/config';
import { loadCatalog, type Catalog } from '../../src/courses';
import { LEASE_MS, runDelivery } from '../../src/notifications';
import { runReminders } from '../../src/reminders';
import { dayText } from '../../src/shared/dates';
import { projectRoot } from '../../src/shared/paths';
import { testConfig } from '../helpers/app';
import { testStoreUri, useTestDatabase } from '../helpers/db';
import { bodyText, startSmtp, type TestSmtp } from './smtp';
import { seedWeek, type Week } from './week-fixture';

const db = useTestDatabase(__filename);
const run = promisify(execFile);
const CLI = path.join(projectRoot, 'dist', 'cli', 'index.js');
const DAY_MS = 86400_000;
/** Every email's subject begins with the app's name (checked in the first test). */
const SUBJECT_PREFIX = 'Tiếp sức số: ';

let smtp: TestSmtp;
let config: Config;
let week: Week;
let catalog: Catalog;

function cliEnv(): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH ?? '', MONGODB_URI: `${testStoreUri()}${db.name}`, LOG_LEVEL: 'warn', SMTP_URL: smtp.url };
}

async function cli(...args: string[]): Promise<string> {
  const { stdout } = await run(process.execPath, [CLI, ...args], { env: cliEnv() });
  return stdout;
}

/** The subjects each person received, by name in the week, sorted (people who got nothing left out). */
function mailbox(): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [name, user] of Object.entries(week.people) as [string, UserDoc][]) {
    const subjects = smtp.received.filter((m) => m.to.includes(user.email!)).map((m) => m.subject.replace(SUBJECT_PREFIX, '')).sort();
    if (subjects.length) out[name] = subjects;
  }
  return out;
}

async function deliver(now = new Date()): Promise<void> {
  await runDelivery({ config, now, limit: 1000 });
}

beforeAll(async () => {
  smtp = await startSmtp();
  config = testConfig({ SMTP_URL: smtp.url });
  catalog = loadCatalog();
  week = await seedWeek();
});

afterAll(async () => {
  await smtp.close();
});

describe('the reminders by email', () => {
  let expected: Record<string, string[]>;

  it('when the seeded week runs and is delivered, should email each person what the rules say, in their language, each once', async () => {
    for (const now of [week.monday, week.wednesday, week.friday]) {
      await runReminders({ now, catalog });
      await deliver();
    }
    const in7 = dayText(new Date(week.monday.getTime() + 7 * DAY_MS));
    const tomorrow = dayText(new Date(week.monday.getTime() + DAY_MS));
    const w = week.weekLabel;
    expected = {
      volVi: [`Lớp “Lớp bảy ngày” đến hạn ngày ${in7}`],
      volEn: [`“Lớp bảy ngày” is due on ${in7}`],
      volTomorrow: [`Lớp “Lớp ngày mai” đã quá hạn (hạn ${tomorrow})`, `Lớp “Lớp ngày mai” đến hạn ngày ${tomorrow}`].sort(),
      trainer: [`Những người cần hỗ trợ – tuần ${w}`],
      topTrainer: [`Những người cần hỗ trợ – tuần ${w}`],
      staffHN: [`Long overdue in your commune – week ${w}`],
      leaderCB: [`Đội chưa gửi báo cáo tuần ${w}`],
    };
    expect(mailbox()).toEqual(expected);
    expect(smtp.received.every((m) => m.subject.startsWith(SUBJECT_PREFIX))).toBe(true);
    const digest = smtp.received.find((m) => m.to.includes(week.people.trainer.email!))!;
    expect(bodyText(digest.raw)).toContain('Bùi Văn Trễ (');
    expect(bodyText(digest.raw)).toContain('quá hạn 15 ngày');
  });

  it('when the job and the delivery run again, should send nothing more', async () => {
    for (const now of [week.monday, week.wednesday, week.friday]) {
      await runReminders({ now: new Date(now.getTime() + 3600_000), catalog });
      await deliver();
    }
    expect(mailbox()).toEqual(expected);
  });

  it('when two processes run Sunday\'s reminders and then deliver at the same moment, should send each of Sunday\'s messages once', async () => {
    const now = week.sunday.toISOString();
    const runs = await Promise.all([cli('reminders:run', '--now', now), cli('reminders:run', '--now', now)]);
    expect(runs.join('\n')).toMatch(/field \S+:sun: ran, 1 notification\(s\) queued/);
    expect(runs.join('\n')).toContain('done or running elsewhere');
    await Promise.all([cli('notify:deliver'), cli('notify:deliver')]);
    const due1 = dayText(new Date(week.monday.getTime() + 7 * DAY_MS));
    expected = {
      ...expected,
      volVi: [...expected.volVi!, `Lớp “Lớp bảy ngày” đến hạn ngày ${due1}`].sort(),
      volEn: [...expected.volEn!, `“Lớp bảy ngày” is due on ${due1}`].sort(),
      leaderCB: [...expected.leaderCB!, `Nhắc lần cuối: báo cáo tuần ${week.weekLabel} chưa được gửi`].sort(),
    };
    expect(mailbox()).toEqual(expected);
  });

  it('when the sender is killed in the middle of a run, should, after a restart, send each missing message once', async () => {
    // next Monday: four digests to send (the trainer's, their trainer's, the commune staff's, and the calm
    // trainer's, whose learner has fallen behind by then)
    const nextMonday = new Date(week.monday.getTime() + 7 * DAY_MS);
    await runReminders({ now: nextMonday, catalog });
    const before = smtp.received.length;

    const held = smtp.hold();
    const sender = spawn(process.execPath, [CLI, 'notify:deliver'], { env: cliEnv(), stdio: 'ignore' });
    const exited = new Promise<void>((resolve) => sender.on('exit', () => resolve()));
    await held; // the first message is in the server's hands, unanswered: the sender waits
    sender.kill('SIGKILL');
    await exited;
    expect(smtp.received.length).toBe(before);

    // the restart: its message claimed by the dead sender is taken again once its lease has run out
    await deliver(new Date(Date.now() + LEASE_MS + 60_000));
    const after = smtp.received.slice(before);
    const to = after.flatMap((m) => m.to).sort();
    expect(to).toEqual([week.people.trainer.email, week.people.topTrainer.email, week.people.staffHN.email, week.people.calmTrainer.email].sort());
    await deliver(new Date(Date.now() + 2 * LEASE_MS));
    expect(smtp.received.length).toBe(before + 4);
  });
});
