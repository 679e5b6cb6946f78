/** The reminder rules' page: an administrator changes them (checked, audited); the next run follows them. */
import type { Express } from 'express';
import { toActor } from '../../src/accounts';
import { addMember, createCohort } from '../../src/cohorts';
import { loadCatalog } from '../../src/courses';
import { inboxPage } from '../../src/notifications';
import { currentRules, DEFAULT_RULES, runReminders } from '../../src/reminders';
import { testApp } from '../helpers/app';
import { countAuditEntries } from '../helpers/audit-records';
import { createTree, createUser, csrfToken, postForm, signedInAgent } from '../helpers/factories';
import { useTestDatabase } from '../helpers/db';
import { nextMondayAt9 } from './week-fixture';

useTestDatabase(__filename);
let app: Express;
let admin: string;

const form = (over: Record<string, string> = {}) => ({ firstReminderDays: '7', lastReminderDays: '1', escalationDays: '14', sendHour: '8', ...over });

beforeAll(async () => {
  await createTree();
  app = testApp();
  admin = (await createUser('admin', 'TW')).user.username;
});

describe('the reminder rules page', () => {
  it('when an administrator opens it, should show the rules in force (the defaults) with their defaults said', async () => {
    const agent = await signedInAgent(app, admin);
    const res = await agent.get('/reminders/settings').expect(200);
    expect(res.text).toContain('Quy tắc nhắc việc');
    expect(res.text).toMatch(/name="firstReminderDays" type="number"\s+value="7"/);
    expect(res.text).toContain(`Mặc định: ${DEFAULT_RULES.escalationDays}`);
  });

  it('when a staff member or a volunteer opens it, should refuse (403)', async () => {
    for (const [role, unit] of [['staff', '01'], ['volunteer', 'T-HN']] as const) {
      const agent = await signedInAgent(app, (await createUser(role, unit)).user.username);
      await agent.get('/reminders/settings').expect(403);
    }
  });

  it('when the last reminder is not closer to the due date than the first, should answer 400 with that field\'s message and save nothing', async () => {
    const agent = await signedInAgent(app, admin);
    const res = await postForm(agent, '/reminders/settings', form({ firstReminderDays: '3', lastReminderDays: '3' }), '/reminders/settings');
    expect(res.status).toBe(400);
    expect(res.text).toContain('Lần nhắc cuối phải gần hạn hơn lần nhắc đầu');
    expect(res.text).toContain('id="lastReminderDays-error"');
    expect(await currentRules()).toEqual(DEFAULT_RULES);
  });

  it('when a value is not a whole number in its range (or a field is sent twice), should answer 400 naming the field, never 500', async () => {
    const agent = await signedInAgent(app, admin);
    const word = await postForm(agent, '/reminders/settings', form({ escalationDays: 'mười' }), '/reminders/settings');
    expect(word.status).toBe(400);
    expect(word.text).toContain('Báo lên cấp trên: một số nguyên từ 1 đến 120 ngày.');
    const hour = await postForm(agent, '/reminders/settings', form({ sendHour: '24' }), '/reminders/settings');
    expect(hour.status).toBe(400);
    expect(hour.text).toContain('Giờ gửi: một số nguyên từ 0 đến 23.');
    const _csrf = await csrfToken(agent, '/reminders/settings');
    const twice = await agent.post('/reminders/settings').type('form').send(`firstReminderDays=7&firstReminderDays=8&lastReminderDays=1&escalationDays=14&sendHour=8&_csrf=${encodeURIComponent(_csrf)}`);
    expect(twice.status).toBe(400);
    expect(twice.text).toContain('Nhắc lần đầu: một số nguyên từ 2 đến 60 ngày.');
  });

  it('when an administrator saves new rules, should keep them, audit the change, and the next run should remind by them', async () => {
    const agent = await signedInAgent(app, admin);
    const res = await postForm(agent, '/reminders/settings', form({ firstReminderDays: '5' }), '/reminders/settings');
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/reminders/settings?saved=1');
    expect((await agent.get('/reminders/settings?saved=1').expect(200)).text).toContain('Đã lưu quy tắc nhắc việc.');
    expect(await currentRules()).toEqual({ ...DEFAULT_RULES, firstReminderDays: 5 });
    expect(await countAuditEntries({ action: 'reminders.settings_changed', actorUsername: admin })).toBe(1);

    // a cohort due in 5 days: reminded now (under the defaults it would wait for the last reminder)
    const monday = nextMondayAt9();
    const trainer = (await createUser('trainer', 'C-HN')).user;
    const learner = (await createUser('volunteer', 'T-HN')).user;
    const dueDate = new Date(monday.getTime() + 5 * 86400_000 + 12 * 3600_000);
    const cohort = await createCohort(toActor(trainer), { name: 'Lớp năm ngày', unitCode: 'T-HN', courses: ['digital-literacy'], dueDate });
    await addMember(toActor(trainer), String(cohort._id), learner.username);
    await runReminders({ now: monday, catalog: loadCatalog() });
    const items = (await inboxPage(toActor(learner), 'vi', 1)).items;
    expect(items.map((i) => i.kind)).toEqual(['dueSoon']);
  });
});
