/**
 * The rules over a seeded week (./week-fixture), without email (SMTP_URL unset): what each
 * person finds in their inbox, in their language, each once, whatever reruns, runs at once or
 * crashes happen.
 */
import { toActor, type UserDoc } from '../../src/accounts';
import { loadCatalog, stepPath, type Catalog } from '../../src/courses';
import { inboxPage, notifyMany, openNotification, runDelivery, type InboxItem } from '../../src/notifications';
import { testConfig } from '../helpers/app';
import { currentRules, runReminders } from '../../src/reminders';
import { planDigests } from '../../src/reminders/plan-digest';
import { ReminderRun } from '../../src/reminders/reminder.model';
import { RUN_STALE_MS } from '../../src/reminders/rules';
import { dayText } from '../../src/shared/dates';
import { useTestDatabase } from '../helpers/db';
import { seedWeek, type Week } from './week-fixture';

useTestDatabase(__filename);

let week: Week;
let catalog: Catalog;

async function inboxOf(user: UserDoc): Promise<InboxItem[]> {
  return (await inboxPage(toActor(user), user.locale === 'en' ? 'en' : 'vi', 1)).items;
}

async function kindsOf(user: UserDoc): Promise<string[]> {
  return (await inboxOf(user)).map((i) => i.kind).sort();
}

/** Every person's inbox as kinds, for "nothing more" comparisons. */
async function everyInbox(): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {};
  for (const [name, user] of Object.entries(week.people)) out[name] = await kindsOf(user);
  return out;
}

const EXPECTED = {
  volVi: ['dueSoon', 'dueSoon'],
  volEn: ['dueSoon', 'dueSoon'],
  volDone: [],
  volTomorrow: ['duePassed', 'dueSoon'],
  volLate: [],
  volCalm: [],
  trainer: ['trainerDigest'],
  topTrainer: ['trainerDigest'],
  staffHN: ['escalation'],
  staffCB: [],
  calmTrainer: [],
  leaderCB: ['fieldReportMissing', 'fieldReportMissing'],
  leaderHN: [],
};

beforeAll(async () => {
  catalog = loadCatalog();
  week = await seedWeek();
});

describe('the reminders over a week', () => {
  it('when it is Monday 07:00 in Vietnam (before the sending hour), should send nothing yet', async () => {
    const early = new Date(week.monday.getTime() - 2 * 3600_000);
    const outcomes = await runReminders({ now: early, catalog });
    expect(outcomes.map((o) => o.state)).toEqual(['notYet', 'notYet', 'notYet']);
    expect(await kindsOf(week.people.volVi)).toEqual([]);
  });

  it('when Monday\'s digest run dies after its first digest, should leave the run to its claimant a while, then finish it adding only what was missing', async () => {
    // the run as a crash leaves it: claimed, its first digest in the outbox, then the process gone
    await ReminderRun.create({ rule: 'digest', period: week.weekLabel, startedAt: week.monday });
    await expect(
      planDigests(week.monday, week.weekLabel, await currentRules(), catalog, async (notices) => {
        await notifyMany(notices.slice(0, 1), { now: week.monday });
        throw new Error('killed');
      }),
    ).rejects.toThrow('killed');
    const digests = async () => (await Promise.all([week.people.trainer, week.people.topTrainer, week.people.staffHN].map(kindsOf))).flat().length;
    expect(await digests()).toBe(1);

    const outcomes = await runReminders({ now: week.monday, catalog });
    expect(outcomes.map((o) => o.state)).toEqual(['ran', 'taken', 'notYet']);
    expect(await digests()).toBe(1);

    const later = new Date(week.monday.getTime() + RUN_STALE_MS + 60_000);
    expect((await runReminders({ now: later, catalog })).find((o) => o.rule === 'digest')).toMatchObject({ state: 'ran', queued: 2 });
    expect(await digests()).toBe(3);
  });

  it('when the job runs on Wednesday, Friday and Sunday too, should have given each person what the rules say, once', async () => {
    for (const now of [week.wednesday, week.friday, week.sunday]) await runReminders({ now, catalog });
    expect(await everyInbox()).toEqual(EXPECTED);
  });

  it('when a learner\'s cohort is due in 7 days, should tell them in their language what to do next, with a link to it', async () => {
    const [vi] = (await inboxOf(week.people.volVi)).filter((i) => i.title.includes('Lớp bảy ngày')).slice(-1);
    const due = dayText(new Date(week.monday.getTime() + 7 * 86400_000));
    expect(vi!.title).toBe(`Lớp “Lớp bảy ngày” đến hạn ngày ${due}`);
    const course = catalog.courses.find((c) => c.slug === 'digital-literacy')!;
    const firstLesson = course.modules[0]!.lessons[0]!;
    expect(vi!.body.join(' ')).toContain(`Việc tiếp theo của bạn: đọc bài “${firstLesson.title.vi}”`);
    const link = await openNotification(toActor(week.people.volVi), vi!.id);
    expect(link).toBe(stepPath('digital-literacy', { kind: 'lesson', module: course.modules[0]!, lesson: firstLesson }));

    const en = (await inboxOf(week.people.volEn)).at(-1)!;
    expect(en.title).toBe(`“Lớp bảy ngày” is due on ${due}`);
    expect(en.body.join(' ')).toContain(`Your next step: read the lesson “${firstLesson.title.en}”`);
  });

  it('when the trainer\'s Monday digest is made, should list the people behind and overdue with how late, the most overdue first', async () => {
    const [digest] = await inboxOf(week.people.trainer);
    expect(digest!.lines).toHaveLength(4);
    expect(digest!.lines[0]).toContain('Bùi Văn Trễ');
    expect(digest!.lines[0]).toContain('quá hạn 15 ngày');
    expect(digest!.lines.join('\n')).toContain('Vũ Thị Mai');
    expect(digest!.lines.join('\n')).not.toContain('Đỗ Văn Xong');
  });

  it('when a person is 15 days overdue, should escalate them to the trainer\'s own trainer and to their commune\'s staff (in English for them), and no further', async () => {
    const [top] = await inboxOf(week.people.topTrainer);
    expect(top!.lines).toHaveLength(1);
    expect(top!.lines[0]).toContain('Bùi Văn Trễ');
    expect(top!.lines[0]).toContain('Lê Thị Tập Huấn');
    const [staff] = await inboxOf(week.people.staffHN);
    expect(staff!.title).toBe(`Long overdue in your commune – week ${week.weekLabel}`);
    expect(staff!.lines[0]).toContain('15 days overdue');
    expect(await kindsOf(week.people.staffCB)).toEqual([]);
  });

  it('when the week\'s field report is not filed, should remind the team leader on Friday and on Sunday with a link to the form', async () => {
    const items = await inboxOf(week.people.leaderCB);
    expect(items.map((i) => i.title).sort()).toEqual([`Nhắc lần cuối: báo cáo tuần ${week.weekLabel} chưa được gửi`, `Đội chưa gửi báo cáo tuần ${week.weekLabel}`].sort());
    expect(await openNotification(toActor(week.people.leaderCB), items[0]!.id)).toBe(`/field-reports/week/${week.weekLabel}`);
  });

  it('when the job runs again, later the same days and twice at once, should add nothing', async () => {
    for (const now of [week.monday, week.wednesday, week.friday, week.sunday]) {
      const later = new Date(now.getTime() + 3 * 3600_000);
      await Promise.all([runReminders({ now: later, catalog }), runReminders({ now: later, catalog })]);
    }
    expect(await everyInbox()).toEqual(EXPECTED);
  });

  it('when SMTP_URL is unset and the delivery runs, should send nothing, fail nothing, and leave every reminder in the inbox', async () => {
    const config = testConfig();
    expect(config.mail.channel).toBe('none');
    const result = await runDelivery({ config, limit: 1000 });
    expect(result).toMatchObject({ sent: 0, failed: 0, retried: 0 });
    expect(result.suppressed).toBeGreaterThan(0);
    expect(await everyInbox()).toEqual(EXPECTED);
  });
});
