import http from 'node:http';
import type { AddressInfo } from 'node:net';
import mongoose from 'mongoose';
import request from 'supertest';
import { User } from '../../src/accounts/user.model';
import { ABSOLUTE_TIMEOUT_MS } from '../../src/shared/session';
import { testApp } from '../helpers/app';
import { countAuditEntries } from '../helpers/audit-records';
import { useTestDatabase } from '../helpers/db';
import { createTree, createUser, csrfToken, postForm, signedInAgent, TEST_PASSWORD } from '../helpers/factories';

useTestDatabase(__filename);
let app: ReturnType<typeof testApp>;

beforeAll(async () => {
  await createTree();
  app = testApp({ loginLimits: { perUserIp: { points: 3, durationSec: 60 }, perIp: { points: 1000, durationSec: 60 } } });
});

async function login(agent: request.Agent, body: Record<string, unknown>) {
  const _csrf = await csrfToken(agent);
  return agent.post('/login').type('form').send({ _csrf, ...body });
}

function sessionCookie(res: request.Response): string | undefined {
  const cookies = ([] as string[]).concat(res.headers['set-cookie'] ?? []);
  return cookies.find((c) => c.startsWith('tss.sid='))?.split(';')[0];
}

describe('POST /login', () => {
  it('when the password is right, should sign in, regenerate the session and land home', async () => {
    const { user } = await createUser('volunteer', 'T-HN');
    const agent = request.agent(app);
    const before = sessionCookie(await agent.get('/login'));
    const res = await login(agent, { username: user.username, password: TEST_PASSWORD });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/');
    const after = sessionCookie(res);
    expect(after).toBeDefined();
    expect(after).not.toBe(before); // no session fixation
    const home = await agent.get('/').expect(200);
    expect(home.text).toContain(user.fullName);
    expect(await countAuditEntries({ action: 'login', actorUsername: user.username })).toBe(1);
  });

  it('when the username has capitals or spaces around it, should still sign in', async () => {
    const { user } = await createUser('volunteer', 'T-HN');
    const res = await login(request.agent(app), { username: `  ${user.username.toUpperCase()} `, password: TEST_PASSWORD });
    expect(res.status).toBe(303);
  });

  it('when the password is wrong or the user unknown, should answer 401 with the same generic message', async () => {
    const { user } = await createUser('volunteer', 'T-HN');
    const wrong = await login(request.agent(app), { username: user.username, password: 'not-the-password' });
    const unknown = await login(request.agent(app), { username: 'nobody.here', password: 'whatever-123' });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(wrong.text).toContain('Tên đăng nhập hoặc mật khẩu không đúng.');
    expect(unknown.text).toContain('Tên đăng nhập hoặc mật khẩu không đúng.');
    expect(await countAuditEntries({ action: 'login.failed', targetUsername: user.username })).toBe(1);
  });

  it('when fields are empty, should answer 400 and keep the username typed', async () => {
    const res = await login(request.agent(app), { username: 'someone', password: '' });
    expect(res.status).toBe(400);
    expect(res.text).toContain('value="someone"');
  });

  it.each([
    ['an operator object', { username: { $ne: null }, password: { $ne: null } }],
    ['an array', { username: ['a', 'b'], password: 'x' }],
  ])('when the username is %s, should answer 400 and run no query', async (_label, body) => {
    const agent = request.agent(app);
    const _csrf = await csrfToken(agent);
    await agent.post('/login').send({ _csrf, ...body }).expect(400);
  });

  it('when the CSRF token is missing, should answer 403', async () => {
    const { user } = await createUser('volunteer', 'T-HN');
    await request(app).post('/login').type('form').send({ username: user.username, password: TEST_PASSWORD }).expect(403);
  });

  it('when next is another site, should land home instead; when it is a local path, should go there', async () => {
    const { user } = await createUser('volunteer', 'T-HN');
    const evil = await login(request.agent(app), { username: user.username, password: TEST_PASSWORD, next: '//evil.example/' });
    expect(evil.headers.location).toBe('/');
    const local = await login(request.agent(app), { username: user.username, password: TEST_PASSWORD, next: '/account' });
    expect(local.headers.location).toBe('/account');
  });

  it('when a username+IP fails too often, should answer 429 even with the right password, with a generic message', async () => {
    const { user } = await createUser('volunteer', 'T-HN');
    for (let i = 0; i < 3; i++) expect((await login(request.agent(app), { username: user.username, password: 'wrong-guess-1' })).status).toBe(401);
    const blocked = await login(request.agent(app), { username: user.username, password: TEST_PASSWORD });
    expect(blocked.status).toBe(429);
    expect(blocked.headers['retry-after']).toMatch(/^\d+$/);
    expect(blocked.text).toContain('Bạn đã thử quá nhiều lần');
  });

  it('when two app processes share the database, should share the limits', async () => {
    const { user } = await createUser('volunteer', 'T-HN');
    const other = testApp({ loginLimits: { perUserIp: { points: 3, durationSec: 60 }, perIp: { points: 1000, durationSec: 60 } } });
    for (let i = 0; i < 3; i++) await login(request.agent(i % 2 ? app : other), { username: user.username, password: 'wrong-guess-2' });
    expect((await login(request.agent(other), { username: user.username, password: TEST_PASSWORD })).status).toBe(429);
  });

  it('when the account is disabled, should refuse with the same generic message', async () => {
    const { user } = await createUser('volunteer', 'T-HN');
    await mongoose.model('User').updateOne({ _id: user._id }, { $set: { disabled: true } });
    const res = await login(request.agent(app), { username: user.username, password: TEST_PASSWORD });
    expect(res.status).toBe(401);
    expect(res.text).toContain('Tên đăng nhập hoặc mật khẩu không đúng.');
  });
});

describe('sessions', () => {
  it('when signing out, should destroy the session in the store so the old cookie no longer works', async () => {
    const { user } = await createUser('volunteer', 'T-HN');
    const agent = await signedInAgent(app, user.username);
    const page = await agent.get('/account').expect(200);
    const cookie = page.request.cookies;
    const sessions = mongoose.connection.db!.collection('sessions');
    const count = await sessions.countDocuments({ 'session.passport.user': String(user._id) });
    expect(count).toBe(1);
    await postForm(agent, '/logout', {}, '/account').then((r) => expect(r.status).toBe(303));
    expect(await sessions.countDocuments({ 'session.passport.user': String(user._id) })).toBe(0);
    const replay = await request(app).get('/account').set('Cookie', cookie);
    expect(replay.status).toBe(303);
    expect(replay.headers.location).toMatch(/^\/login/);
  });

  it('when the account is disabled while signed in, should stop working at the next request', async () => {
    const { user } = await createUser('volunteer', 'T-HN');
    const agent = await signedInAgent(app, user.username);
    await agent.get('/account').expect(200);
    await mongoose.model('User').updateOne({ _id: user._id }, { $set: { disabled: true } });
    const res = await agent.get('/account');
    expect(res.status).toBe(303);
    expect(res.headers.location).toMatch(/^\/login/);
  });

  it('when the session is older than the absolute timeout, should sign the person out', async () => {
    const { user } = await createUser('volunteer', 'T-HN');
    const agent = await signedInAgent(app, user.username);
    await mongoose.connection.db!.collection('sessions').updateOne(
      { 'session.passport.user': String(user._id) },
      { $set: { 'session.signedInAt': Date.now() - ABSOLUTE_TIMEOUT_MS - 1000 } },
    );
    const res = await agent.get('/account');
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/login?expired=1');
    expect((await agent.get('/account')).headers.location).toMatch(/^\/login/);
  });

  it('should keep only the user id, sign-in time and CSRF token in the session', async () => {
    const { user } = await createUser('volunteer', 'T-HN');
    await signedInAgent(app, user.username);
    const doc = await mongoose.connection.db!.collection('sessions').findOne({ 'session.passport.user': String(user._id) });
    expect(Object.keys(doc!.session as object).sort()).toEqual(['cookie', 'csrfToken', 'passport', 'signedInAt']);
    expect(doc!.session.passport).toEqual({ user: String(user._id) });
  });

  it('the session cookie should be HttpOnly and SameSite=Lax', async () => {
    const res = await request(app).get('/login');
    expect(([] as string[]).concat(res.headers['set-cookie'] ?? []).find((c) => c.startsWith('tss.sid='))).toMatch(/HttpOnly; SameSite=Lax/);
  });
});

describe('one-time passwords', () => {
  it('when signing in with one, should be held on the password page until a new one is chosen', async () => {
    const { user, password } = await createUser('volunteer', 'T-HN', { oneTime: true });
    const agent = request.agent(app);
    const res = await login(agent, { username: user.username, password });
    expect(res.headers.location).toBe('/account/password');
    expect((await agent.get('/account')).headers.location).toBe('/account/password');
    expect((await agent.get('/')).headers.location).toBe('/account/password');

    const weak = await postForm(agent, '/account/password', { currentPassword: password, newPassword: 'password123', confirmPassword: 'password123' }, '/account/password');
    expect(weak.status).toBe(400);
    expect(weak.text).toContain('Mật khẩu này quá phổ biến');
    expect(weak.text).toContain('aria-invalid="true"');

    const ok = await postForm(agent, '/account/password', { currentPassword: password, newPassword: 'Hoa sen nở giữa hồ 2025', confirmPassword: 'Hoa sen nở giữa hồ 2025' }, '/account/password');
    expect(ok.status).toBe(303);
    expect(ok.headers.location).toBe('/courses?password=set');
    expect((await agent.get(ok.headers.location!)).text).toContain('Đã lưu mật khẩu mới');
    await agent.get('/account').expect(200);
    const again = await login(request.agent(app), { username: user.username, password: 'Hoa sen nở giữa hồ 2025' });
    expect(again.headers.location).toBe('/');
  });
});

describe('a first password chosen by staff', () => {
  it('should lead to the home page, told it is saved; a later change stays on My account', async () => {
    const { user, password } = await createUser('staff', '01', { oneTime: true });
    const agent = request.agent(app);
    await login(agent, { username: user.username, password });
    const first = await postForm(agent, '/account/password', { currentPassword: password, newPassword: 'Cầu Long Biên mùa thu 2025', confirmPassword: 'Cầu Long Biên mùa thu 2025' }, '/account/password');
    expect(first.headers.location).toBe('/?password=set');
    expect((await agent.get('/?password=set')).text).toContain('Đã lưu mật khẩu mới');
    const later = await postForm(agent, '/account/password', { currentPassword: 'Cầu Long Biên mùa thu 2025', newPassword: 'Hồ Tây lộng gió chiều 2026', confirmPassword: 'Hồ Tây lộng gió chiều 2026' }, '/account/password');
    expect(later.headers.location).toBe('/account?saved=1');
  });
});

describe('a redirect after a change to the session', () => {
  /** POSTs a form over plain http and, the moment the response's headers arrive (what a browser follows), reads the stored session. */
  async function atHeaders(base: string, path: string, cookie: string, form: Record<string, string>): Promise<{ status: number; cookie: string; stored: Record<string, unknown> | null }> {
    const body = new URLSearchParams(form).toString();
    const res = await new Promise<http.IncomingMessage>((resolve, reject) => {
      const req = http.request(`${base}${path}`, { method: 'POST', headers: { cookie, 'content-type': 'application/x-www-form-urlencoded', 'content-length': Buffer.byteLength(body) } }, resolve);
      req.on('error', reject);
      req.end(body);
    });
    const sid = ([] as string[]).concat(res.headers['set-cookie'] ?? []).find((c) => c.startsWith('tss.sid='))?.split(';')[0] ?? cookie;
    const id = decodeURIComponent(sid.slice('tss.sid='.length)).replace(/^s:/, '').replace(/\.[^.]*$/, '');
    const stored = (await mongoose.connection.db!.collection<{ _id: string; session: Record<string, unknown> }>('sessions').findOne({ _id: id }))?.session ?? null;
    res.resume();
    await new Promise((r) => res.on('end', r));
    return { status: res.statusCode ?? 0, cookie: sid, stored };
  }

  it('the session should be stored as the next page will check it before the redirect is sent, at sign-in and at a password change', async () => {
    const server = app.listen(0);
    try {
      const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      for (let i = 0; i < 5; i++) {
        const { user, password } = await createUser('volunteer', 'T-HN', { oneTime: true });
        const agent = request.agent(app);
        const loginPage = await agent.get('/login');
        const first = sessionCookie(loginPage)!;
        const signedIn = await atHeaders(base, '/login', first, { _csrf: /name="_csrf" value="([^"]+)"/.exec(loginPage.text)![1]!, username: user.username, password });
        expect(signedIn.status).toBe(303);
        expect(signedIn.stored?.signedInAt).toEqual(expect.any(Number));
        const form = await request(app).get('/account/password').set('Cookie', signedIn.cookie).expect(200);
        const _csrf = /name="_csrf" value="([^"]+)"/.exec(form.text)![1]!;
        const changed = await atHeaders(base, '/account/password', signedIn.cookie, { _csrf, currentPassword: password, newPassword: 'Hoa sen nở giữa hồ 2025', confirmPassword: 'Hoa sen nở giữa hồ 2025' });
        expect(changed.status).toBe(303);
        const validFrom = (await User.findById(user._id).lean())!.sessionsValidFrom!;
        expect(changed.stored?.signedInAt).toBeGreaterThanOrEqual(validFrom.getTime());
        await request(app).get('/account').set('Cookie', changed.cookie).expect(200);
      }
    } finally {
      server.close();
    }
  });
});
