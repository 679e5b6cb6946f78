import request from 'supertest';
import { actionLabelKey, AUDIT_ACTIONS } from '../../src/audit/audit.model';
import { translate } from '../../src/shared/i18n';
import { testApp } from '../helpers/app';
import { useTestDatabase } from '../helpers/db';
import { createTree, createUser, csrfToken, signedInAgent } from '../helpers/factories';

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
  it('should list sign-ins and failures with who, what, when and from where', async () => {
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

  it('the central admin should also see failed sign-ins of unknown usernames; a provincial admin should not', async () => {
    const anon = request.agent(app);
    const _csrf = await csrfToken(anon);
    await anon.post('/login').type('form').send({ _csrf, username: 'ghost.user', password: 'whatever-123' });
    expect((await admin.get('/admin/audit?action=login.failed').expect(200)).text).toContain('unknown username=ghost.user');
    expect((await adminCb.get('/admin/audit?action=login.failed').expect(200)).text).not.toContain('ghost.user');
  });

  it('an admin of another province should not see this province\'s entries', async () => {
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
