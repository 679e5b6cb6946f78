import mongoose from 'mongoose';
import request from 'supertest';
import { actionLabelKey, AUDIT_ACTIONS, AuditEntry, slotsOf } from '../../src/audit/audit.model';
import { AUDIT_PAGE_SIZE, auditLimits, giveAuditEntriesTheirSlots, listAudit } from '../../src/audit/audit.service';
import { findUnitByCode, importOrgCsv } from '../../src/org';
import type { Actor } from '../../src/shared/actor';
import { translate } from '../../src/shared/i18n';
import { testApp } from '../helpers/app';
import { useTestDatabase } from '../helpers/db';
import { createTree, createUser, csrfToken, signedInAgent, uniqueName } from '../helpers/factories';

useTestDatabase(__filename);
let app: ReturnType<typeof testApp>;
let admin: request.Agent;
let adminCb: request.Agent;
let hnUser = '';

beforeAll(async () => {
  await createTree();
  app = testApp();
  admin = await signedInAgent(app, (await createUser('admin', 'TW')).user.username);
  adminCb = await signedInAgent(app, (await createUser('admin', '04')).user.username);
  hnUser = (await createUser('volunteer', 'T-HN')).user.username;
  await signedInAgent(app, hnUser);
  const failing = request.agent(app);
  const _csrf = await csrfToken(failing);
  await failing.post('/login').type('form').send({ _csrf, username: hnUser, password: 'wrong-password-9' });
});

describe('GET /admin/audit', () => {
  it('when opened by the central admin, should list sign-ins and failures with who, what, when and from where', async () => {
    const res = await admin.get('/admin/audit').expect(200);
    expect(res.text).toContain('Đăng nhập thất bại');
    expect(res.text).toContain(hnUser);
    expect(res.text).toMatch(/127\.0\.0\.1/);
  });

  it('when filtered by action and person, should show only matching entries', async () => {
    const res = await admin.get(`/admin/audit?action=login.failed&username=${hnUser}`).expect(200);
    expect(res.text).toContain('Đăng nhập thất bại');
    expect(res.text.match(/<tr>/g)!.length).toBe(2); // header + one entry
  });

  it('when filtered by dates, should keep to them', async () => {
    const res = await admin.get('/admin/audit?from=2000-01-01&to=2000-01-02').expect(200);
    expect(res.text).toContain('Không có bản ghi nào.');
  });

  it('when the filter is malformed, should answer 400', async () => {
    await admin.get('/admin/audit?action=drop.tables').expect(400);
    await admin.get('/admin/audit?from=yesterday').expect(400);
  });

  it('when someone signs in with an unknown username, should show the failure to the central admin and not to a provincial admin', async () => {
    const anon = request.agent(app);
    const _csrf = await csrfToken(anon);
    await anon.post('/login').type('form').send({ _csrf, username: 'ghost.user', password: 'whatever-123' });
    expect((await admin.get('/admin/audit?action=login.failed').expect(200)).text).toContain('unknown username=ghost.user');
    expect((await adminCb.get('/admin/audit?action=login.failed').expect(200)).text).not.toContain('ghost.user');
  });

  it('when an admin of another province asks for a person of this province, should not show their entries', async () => {
    const res = await adminCb.get(`/admin/audit?username=${hnUser}`).expect(200);
    expect(res.text).not.toContain(hnUser + '</td>');
  });
});

describe('audit action names', () => {
  it('when any action is shown, should have a name in both languages', () => {
    for (const locale of ['vi', 'en'] as const) {
      for (const action of AUDIT_ACTIONS) expect(translate(locale, actionLabelKey(action))).not.toBe(actionLabelKey(action));
    }
  });
});

describe('reading the log a time slot at a time', () => {
  const now = new Date('2026-11-20T10:15:30+07:00');
  const ago = (ms: number) => new Date(now.getTime() - ms);
  const MIN = 60_000;
  const DAY = 86_400_000;
  let actor: Actor;

  beforeAll(async () => {
    const unit = (await findUnitByCode('C-CB'))!;
    actor = { id: new mongoose.Types.ObjectId(), username: 'cb.admin', role: 'admin', unitId: unit._id };
    const entry = (at: Date, details: string) => ({ at, ...slotsOf(at), action: 'login', actorUsername: 'cb.someone', lineage: unit.lineage, details });
    // 60 in the newest minute (a page and more), then older ones spread over hours, days, months and years
    const docs = Array.from({ length: 60 }, (_, i) => entry(new Date(now.getTime() - 20_000 + i * 100), `same-minute-${String(i).padStart(2, '0')}`));
    docs.push(entry(ago(3 * 3600_000), 'three-hours'), entry(ago(2 * DAY), 'two-days'), entry(ago(40 * DAY), 'forty-days'), entry(ago(400 * DAY), 'four-hundred-days'), entry(ago(800 * DAY), 'eight-hundred-days'));
    docs.push(entry(ago(5 * MIN), 'five-minutes'));
    await AuditEntry.insertMany(docs);
    await giveAuditEntriesTheirSlots(); // their markers, as for entries written before the markers existed
  });

  it('when paged without a filter, should give the newest first, a page at a time, across minutes, hours, days, months and years', async () => {
    const page1 = await listAudit(actor, { page: 1 }, false, now);
    expect(page1.entries).toHaveLength(AUDIT_PAGE_SIZE);
    expect(page1.hasMore).toBe(true);
    expect(page1.entries[0]!.details).toBe('same-minute-59');
    expect(page1.entries[49]!.details).toBe('same-minute-10');
    const page2 = await listAudit(actor, { page: 2 }, false, now);
    expect(page2.entries.map((e) => e.details)).toEqual([
      ...Array.from({ length: 10 }, (_, i) => `same-minute-${String(9 - i).padStart(2, '0')}`),
      'five-minutes',
      'three-hours',
      'two-days',
      'forty-days',
      'four-hundred-days',
    ]);
    expect(page2.hasMore).toBe(false); // older than 24 months is left to a chosen start date
    expect(page2.stoppedAt).toBeNull();
  });

  it('when given dates, should keep to them, and reach entries older than the default span', async () => {
    const old = await listAudit(actor, { page: 1, from: ago(900 * DAY), to: ago(300 * DAY) }, false, now);
    expect(old.entries.map((e) => e.details)).toEqual(['four-hundred-days', 'eight-hundred-days']);
    const narrow = await listAudit(actor, { page: 1, from: ago(4 * 3600_000), to: ago(2 * MIN) }, false, now);
    expect(narrow.entries.map((e) => e.details)).toEqual(['five-minutes', 'three-hours']);
  });

  it('when filtered by an action that is not there, should find nothing and say so', async () => {
    const none = await listAudit(actor, { page: 1, action: 'user.promoted' }, false, now);
    expect(none.entries).toEqual([]);
    expect(none.hasMore).toBe(false);
  });

  it('when a filter matches little in a long log, should stop after so many slots and say where', async () => {
    auditLimits.maxSlots = 8;
    try {
      const res = await listAudit(actor, { page: 1, username: 'nobody.like.this' }, false, now);
      expect(res.entries).toEqual([]);
      expect(res.stoppedAt).not.toBeNull();
      expect(res.stoppedAt!.getTime()).toBeLessThan(now.getTime());
      auditLimits.maxSlots = 2;
      const page = await admin.get('/admin/audit?username=nobody.like.this').set('Accept-Language', 'en').expect(200);
      expect(page.text).toContain('The search stopped at entries before');
    } finally {
      auditLimits.maxSlots = 600;
    }
  });

  it('when entries were written before the log had slots, should give them slots once, and then list them', async () => {
    // a commune of its own: the entry is not among those the other tests of this block page through
    const code = uniqueName('C-AUD');
    expect((await importOrgCsv(['code,name_vi,name_en,level,parent_code,remote', `${code},Xã Nhật Ký,Log Commune,commune,04,true`].join('\n'))).problems).toEqual([]);
    const unit = (await findUnitByCode(code))!;
    const own: Actor = { id: new mongoose.Types.ObjectId(), username: 'cb.admin.before', role: 'admin', unitId: unit._id };
    const at = ago(10 * DAY);
    await mongoose.connection.db!.collection<{ _id: string }>('change_marks').deleteOne({ _id: 'migration:audit-slot-marks-2' }); // as before the first start with markers
    await AuditEntry.collection.insertOne({ at, action: 'logout', actor: null, actorUsername: 'cb.before', targetUser: null, targetUsername: null, lineage: unit.lineage, ip: null, userAgent: null, details: 'before-slots' });
    expect((await listAudit(own, { page: 1, action: 'logout' }, false, now)).entries).toEqual([]);
    expect(await giveAuditEntriesTheirSlots()).toBeGreaterThanOrEqual(1);
    expect((await listAudit(own, { page: 1, action: 'logout' }, false, now)).entries.map((e) => e.details)).toEqual(['before-slots']);
    expect(await giveAuditEntriesTheirSlots()).toBe(0); // once
  });
});
