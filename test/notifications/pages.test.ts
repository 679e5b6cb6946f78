import request from 'supertest';
import type { UserDoc } from '../../src/accounts';
import { notify, unsubscribeToken, wantsEmail, type NotificationInput } from '../../src/notifications';
import { Notification } from '../../src/notifications/notification.model';
import { dayLabelVietnam } from '../../src/shared/vn-time';
import { testApp, testConfig } from '../helpers/app';
import { countAuditEntries } from '../helpers/audit-records';
import { useTestDatabase } from '../helpers/db';
import { createTree, createUser, csrfToken, postForm, reloadUser, signedInAgent } from '../helpers/factories';

useTestDatabase(__filename);
let app: ReturnType<typeof testApp>;
const secret = testConfig().sessionSecret;
let hn: UserDoc;
let cb: UserDoc;

const input = (user: UserDoc, key: string, extra: Partial<NotificationInput> = {}): NotificationInput => ({
  key,
  userId: user._id,
  kind: 'dueSoon',
  titleKey: 'notifications.kinds.dueSoon',
  bodyKey: 'notifications.inbox.empty',
  link: '/courses',
  ...extra,
});

const headerCount = (html: string) => /class="inbox-count">([^<]+)</.exec(html)?.[1] ?? null;

beforeAll(async () => {
  app = testApp();
  await createTree();
  hn = (await createUser('volunteer', 'T-HN')).user;
  cb = (await createUser('volunteer', 'T-CB')).user;
});

describe('the inbox', () => {
  it('when signed out, should send to the sign-in page', async () => {
    const res = await request(app).get('/inbox');
    expect(res.status).toBe(303);
    expect(res.headers.location).toMatch(/^\/login/);
  });

  it('when a person has unread notifications, should list them newest first, marked, with the count in the header of every page', async () => {
    const me = (await createUser('volunteer', 'T-HN')).user;
    await notify(input(me, `old:${me.username}`, { titleKey: 'notifications.kinds.duePassed' }), { now: new Date('2026-12-01T03:00:00Z') });
    await notify(input(me, `new:${me.username}`, { titleKey: 'notifications.kinds.dueSoon', link: '/courses/x' }), { now: new Date('2026-12-02T03:00:00Z') });
    const agent = await signedInAgent(app, me.username);
    const res = await agent.get('/inbox');
    expect(res.status).toBe(200);
    expect(res.text.indexOf('Nhắc hạn hoàn thành khóa học')).toBeLessThan(res.text.indexOf('Báo quá hạn khóa học'));
    expect(res.text.match(/class="tag tag-warn">Chưa đọc</g)).toHaveLength(2);
    expect(headerCount(res.text)).toBe('2');
    expect(res.text).toContain('02/12/2026 10:00');
    expect(headerCount((await agent.get('/account')).text)).toBe('2');
  });

  it('when a person opens one, should mark it read and follow its link; another person\'s is not found', async () => {
    const me = (await createUser('volunteer', 'T-HN')).user;
    await notify(input(me, `open:${me.username}`, { link: '/courses/x/quiz/y' }));
    await notify(input(hn, `theirs:${me.username}`));
    const mine = (await Notification.findOne({ key: `open:${me.username}` }).lean())!;
    const theirs = (await Notification.findOne({ key: `theirs:${me.username}` }).lean())!;
    const agent = await signedInAgent(app, me.username);
    expect((await postForm(agent, `/inbox/${String(theirs._id)}/open`, {}, '/inbox')).status).toBe(404);
    expect((await postForm(agent, '/inbox/not-an-id/open', {}, '/inbox')).status).toBe(404);
    const res = await postForm(agent, `/inbox/${String(mine._id)}/open`, {}, '/inbox');
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/courses/x/quiz/y');
    expect(headerCount((await agent.get('/inbox')).text)).toBeNull();
    expect((await Notification.findById(theirs._id).lean())?.unread).toBe(true);
  });

  it('when a person marks all read, should leave none unread, and need the form token', async () => {
    const me = (await createUser('volunteer', 'T-HN')).user;
    for (let i = 0; i < 3; i += 1) await notify(input(me, `all:${i}:${me.username}`));
    const agent = await signedInAgent(app, me.username);
    expect((await agent.post('/inbox/read-all').type('form').send({})).status).toBe(403);
    const res = await postForm(agent, '/inbox/read-all', {}, '/inbox');
    expect(res.headers.location).toBe('/inbox?done=read');
    expect(await Notification.countDocuments({ user: me._id, unread: true })).toBe(0);
    const page = await agent.get('/inbox?done=read');
    expect(page.text).toContain('Đã đánh dấu tất cả thông báo là đã đọc.');
    expect(headerCount(page.text)).toBeNull();
  });

  it('when there are more than a page, should page them', async () => {
    const me = (await createUser('volunteer', 'T-HN')).user;
    for (let i = 0; i < 52; i += 1) await notify(input(me, `page:${i}:${me.username}`), { now: new Date(Date.UTC(2026, 11, 1, 0, i)) });
    const agent = await signedInAgent(app, me.username);
    const first = await agent.get('/inbox');
    expect(first.text.match(/class="inbox-item/g)).toHaveLength(50);
    expect(first.text).toContain('href="/inbox?page=2"');
    expect(headerCount(first.text)).toBe('52');
    const second = await agent.get('/inbox?page=2');
    expect(second.text.match(/class="inbox-item/g)).toHaveLength(2);
  });
});

describe('email preferences', () => {
  it('when the address is not one, should answer 400 with the message and keep what was typed and ticked', async () => {
    const me = (await createUser('volunteer', 'T-HN')).user;
    const agent = await signedInAgent(app, me.username);
    const res = await postForm(agent, '/account/notifications', { email: 'not an address', email_briefingPack: 'on' }, '/account/notifications');
    expect(res.status).toBe(400);
    expect(res.text).toContain('Địa chỉ email không hợp lệ');
    expect(res.text).toContain('value="not an address"');
    expect(res.text).toMatch(/name="email_briefingPack" value="on" checked/);
    expect(res.text).not.toMatch(/name="email_dueSoon" value="on" checked/);
    expect((await reloadUser(me.username))?.email ?? null).toBeNull();
    expect(await wantsEmail(me._id, 'dueSoon')).toBe(true);
  });

  it('when saved, should keep the address in lower case and each kind as ticked', async () => {
    const me = (await createUser('volunteer', 'T-HN')).user;
    const agent = await signedInAgent(app, me.username);
    const page = await agent.get('/account/notifications');
    expect(page.text).toMatch(/name="email_dueSoon" value="on" checked/);
    expect(page.text).not.toMatch(/name="email_briefingPack" value="on" checked/);
    expect(page.text).toContain('Hộp thư không tắt được');
    const res = await postForm(agent, '/account/notifications', { email: ' Hoa.Nguyen@Example.VN ', email_duePassed: 'on', email_briefingPack: 'on' }, '/account/notifications');
    expect(res.headers.location).toBe('/account/notifications?saved=1');
    expect((await reloadUser(me.username))?.email).toBe('hoa.nguyen@example.vn');
    expect(await wantsEmail(me._id, 'dueSoon')).toBe(false);
    expect(await wantsEmail(me._id, 'duePassed')).toBe(true);
    expect(await wantsEmail(me._id, 'briefingPack')).toBe(true);
    expect((await agent.get('/account')).text).toContain('href="/account/notifications"');
  });

  it('when a box is sent with another value, should answer 400', async () => {
    const me = (await createUser('volunteer', 'T-HN')).user;
    const agent = await signedInAgent(app, me.username);
    expect((await postForm(agent, '/account/notifications', { email: '', email_dueSoon: 'yes' }, '/account/notifications')).status).toBe(400);
  });
});

describe('one-click unsubscribe', () => {
  it('when the link is opened signed out, should show one button, and the button turn that kind off', async () => {
    const me = (await createUser('volunteer', 'T-HN')).user;
    const agent = request.agent(app);
    const t = unsubscribeToken(secret, me._id, 'trainerDigest');
    const page = await agent.get(`/unsubscribe?t=${t}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('Tổng hợp hằng tuần cho tập huấn viên');
    expect(await wantsEmail(me._id, 'trainerDigest')).toBe(true);
    const _csrf = await csrfToken(agent, `/unsubscribe?t=${t}`);
    const done = await agent.post('/unsubscribe').type('form').send({ _csrf, t });
    expect(done.status).toBe(200);
    expect(done.text).toContain('Đã tắt email');
    expect(done.text).toContain('/account/notifications');
    expect(await wantsEmail(me._id, 'trainerDigest')).toBe(false);
    expect(await wantsEmail(me._id, 'dueSoon')).toBe(true);
  });

  it('when a mail client posts the one-click request without a session or CSRF token, should turn the kind off', async () => {
    const me = (await createUser('volunteer', 'T-HN')).user;
    const t = unsubscribeToken(secret, me._id, 'dueSoon');
    const res = await request(app).post(`/unsubscribe?t=${t}`).type('form').send('List-Unsubscribe=One-Click');
    expect(res.status).toBe(200);
    expect(await wantsEmail(me._id, 'dueSoon')).toBe(false);
  });

  it('when the token is missing, altered or signed by another server, should answer 400 and change nothing', async () => {
    const me = (await createUser('volunteer', 'T-HN')).user;
    const good = unsubscribeToken(secret, me._id, 'dueSoon');
    const otherKind = good.replace('.dueSoon.', '.duePassed.');
    const foreign = unsubscribeToken('another-server-secret-of-32-characters!', me._id, 'dueSoon');
    for (const t of [otherKind, foreign, 'x', `${good}x`]) {
      expect((await request(app).get(`/unsubscribe?t=${encodeURIComponent(t)}`)).status).toBe(400);
      const res = await request(app).post(`/unsubscribe?t=${encodeURIComponent(t)}`).type('form').send('List-Unsubscribe=One-Click');
      expect(res.status).toBe(400);
      expect(res.text).toContain('Liên kết ngừng nhận email không hợp lệ');
    }
    expect((await request(app).get('/unsubscribe')).status).toBe(400);
    expect(await wantsEmail(me._id, 'dueSoon')).toBe(true);
    expect(await wantsEmail(me._id, 'duePassed')).toBe(true);
  });

  it('when another POST comes without a CSRF token, should still be refused (only /unsubscribe is exempt)', async () => {
    const agent = request.agent(app);
    await agent.get('/login');
    expect((await agent.post('/unsubscribe/x').type('form').send({})).status).toBe(403);
  });
});

describe('the sent log', () => {
  beforeAll(async () => {
    await notify(input(hn, 'sent:hn', { kind: 'duePassed' }));
    await notify(input(cb, 'sent:cb'));
  });

  it('when staff of a province read it, should list their province\'s recipients and not another\'s', async () => {
    const staffHn = await signedInAgent(app, (await createUser('staff', '01')).user.username);
    const staffCb = await signedInAgent(app, (await createUser('staff', '04')).user.username);
    const hnPage = await staffHn.get('/notifications/sent');
    expect(hnPage.status).toBe(200);
    expect(hnPage.text).toContain(hn.username);
    expect(hnPage.text).not.toContain(cb.username);
    const cbPage = await staffCb.get('/notifications/sent');
    expect(cbPage.text).toContain(cb.username);
    expect(cbPage.text).not.toContain(hn.username);
  });

  it('when filtered by kind or day, should list only those', async () => {
    const staffHn = await signedInAgent(app, (await createUser('staff', '01')).user.username);
    expect((await staffHn.get('/notifications/sent?kind=duePassed')).text).toContain(hn.username);
    expect((await staffHn.get('/notifications/sent?kind=briefingPack')).text).not.toContain(hn.username);
    expect((await staffHn.get('/notifications/sent?day=2020-01-01')).text).not.toContain(hn.username);
    expect((await staffHn.get('/notifications/sent?day=2026-02-30')).status).toBe(400);
    expect((await staffHn.get('/notifications/sent?kind=nope')).status).toBe(400);
  });

  it('when staff download the day, should get a CSV in their language and an audit entry', async () => {
    const staff = (await createUser('staff', '01')).user;
    const agent = await signedInAgent(app, staff.username);
    const res = await agent.get(`/notifications/sent.csv?day=${dayLabelVietnam(new Date())}`);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/csv/);
    expect(res.text).toContain('Tên đăng nhập');
    expect(res.text).toContain(hn.username);
    expect(res.text).not.toContain(cb.username);
    expect(await countAuditEntries({ action: 'report.exported', actorUsername: staff.username })).toBe(1);
  });

  it('when a volunteer or trainer asks for it, should refuse', async () => {
    const v = await signedInAgent(app, (await createUser('volunteer', 'T-HN')).user.username);
    expect((await v.get('/notifications/sent')).status).toBe(403);
    expect((await v.get('/notifications/sent.csv')).status).toBe(403);
  });
});
