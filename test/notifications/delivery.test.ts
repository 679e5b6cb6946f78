import type { UserDoc } from '../../src/accounts';
import { notify, runDelivery, setEmailWanted, type NotificationInput } from '../../src/notifications';
import { DeliveryClaim, Notification } from '../../src/notifications/notification.model';
import { testConfig } from '../helpers/app';
import { useTestDatabase } from '../helpers/db';
import { createTree, createUser } from '../helpers/factories';
import { setUserFields } from '../helpers/people';
import { decodeWords, htmlOf, startSmtp, textOf, type TestSmtp } from './smtp';

useTestDatabase(__filename);

let smtp: TestSmtp;
let vi: UserDoc;
let en: UserDoc;
let config: ReturnType<typeof testConfig>;
const T0 = new Date('2026-12-07T01:00:00Z');

const input = (user: UserDoc, key: string, extra: Partial<NotificationInput> = {}): NotificationInput => ({
  key,
  userId: user._id,
  kind: 'dueSoon',
  titleKey: 'notifications.kinds.dueSoon',
  bodyKey: 'notifications.email.why',
  params: { kind: '<b>x</b>' },
  link: '/courses/x',
  ...extra,
});

/** Every pending email of earlier tests sent, so that each test counts its own. */
async function drain(): Promise<void> {
  await runDelivery({ config, now: T0, limit: 1000 });
  smtp.messages.length = 0;
}

beforeAll(async () => {
  smtp = await startSmtp();
  config = testConfig({ SMTP_URL: smtp.url, BASE_URL: 'https://tiepsuc.example.vn', MAIL_FROM: 'Tiếp sức số <no-reply@tiepsuc.example.vn>' });
  await createTree();
  vi = (await createUser('volunteer', 'T-HN')).user;
  en = (await createUser('volunteer', 'T-HN')).user;
  await setUserFields(vi._id, { email: 'vi@example.vn', locale: 'vi' });
  await setUserFields(en._id, { email: 'en@example.vn', locale: 'en' });
});
afterAll(async () => smtp.close());
beforeEach(drain);

describe('email delivery', () => {
  it('when one key is notified twice and delivery runs twice, should send one email', async () => {
    await notify(input(vi, 'once'));
    await notify(input(vi, 'once'));
    const first = await runDelivery({ config, now: T0 });
    const second = await runDelivery({ config, now: T0 });
    expect(first.sent).toBe(1);
    expect(second.sent).toBe(0);
    expect(smtp.messages).toHaveLength(1);
    expect(smtp.messages[0]!.to).toEqual(['vi@example.vn']);
    expect((await Notification.findOne({ key: 'once' }).lean())?.email?.state).toBe('sent');
  });

  it('when a vi and an en user are notified, should write each email in its recipient\'s language, escaped, with absolute links and the unsubscribe headers', async () => {
    await notify(input(vi, 'lang-vi'));
    await notify(input(en, 'lang-en'));
    await runDelivery({ config, now: T0 });
    const toVi = smtp.messages.find((m) => m.to[0] === 'vi@example.vn')!;
    const toEn = smtp.messages.find((m) => m.to[0] === 'en@example.vn')!;
    expect(decodeWords(toVi.headers.subject!)).toBe('Tiếp sức số: Nhắc hạn hoàn thành khóa học');
    expect(decodeWords(toEn.headers.subject!)).toBe('Tiếp sức số: Course due-date reminders');
    expect(textOf(toEn)).toContain('Open in the app: https://tiepsuc.example.vn/courses/x');
    expect(textOf(toVi)).toContain('Mở trong ứng dụng: https://tiepsuc.example.vn/courses/x');
    expect(htmlOf(toEn)).toContain('&lt;b&gt;x&lt;/b&gt;');
    expect(htmlOf(toEn)).not.toContain('<b>x</b>');
    expect(toEn.headers['list-unsubscribe']).toMatch(/^<https:\/\/tiepsuc\.example\.vn\/unsubscribe\?t=[a-f0-9]{24}\.dueSoon\.[\w-]+>$/);
    expect(toEn.headers['list-unsubscribe-post']).toBe('List-Unsubscribe=One-Click');
    expect(textOf(toEn)).toContain('Stop this kind of email: https://tiepsuc.example.vn/unsubscribe?t=');
  });

  it('when SMTP_URL is unset, should suppress the email, fail nothing and keep the notification for the inbox', async () => {
    await notify(input(vi, 'no-smtp'));
    const r = await runDelivery({ config: testConfig(), now: T0 });
    expect(r.suppressed).toBeGreaterThanOrEqual(1);
    expect((await Notification.findOne({ key: 'no-smtp' }).lean())?.email?.state).toBe('suppressed');
    await runDelivery({ config, now: T0 });
    expect(smtp.messages).toHaveLength(0);
  });

  it('when two deliveries run at once, should send each message once', async () => {
    for (let i = 0; i < 12; i += 1) await notify(input(i % 2 ? vi : en, `concurrent-${i}`));
    const [a, b, c] = await Promise.all([runDelivery({ config, now: T0, owner: 'a' }), runDelivery({ config, now: T0, owner: 'b' }), runDelivery({ config, now: T0, owner: 'c' })]);
    expect(a.sent + b.sent + c.sent).toBe(12);
    expect(smtp.messages).toHaveLength(12);
    const states = await Promise.all(Array.from({ length: 12 }, async (_, i) => (await Notification.findOne({ key: `concurrent-${i}` }).lean())?.email?.state));
    expect(states).toEqual(Array(12).fill('sent'));
  });

  it('when a message was left sending by a process that died, should send it once after its lease ran out, not before', async () => {
    await notify(input(vi, 'crashed'));
    const n = (await Notification.findOne({ key: 'crashed' }).lean())!;
    // what a process that claimed it and died leaves behind
    await DeliveryClaim.create({ _id: `${String(n._id)}:1`, owner: 'dead', leaseUntil: new Date(T0.getTime() + 5 * 60_000), at: T0 });
    await Notification.updateOne({ _id: n._id }, { $set: { 'email.state': 'sending', 'email.attempts': 1, 'email.leaseUntil': new Date(T0.getTime() + 5 * 60_000), 'email.leaseOwner': 'dead' } });
    expect((await runDelivery({ config, now: T0 })).sent).toBe(0);
    const later = new Date(T0.getTime() + 6 * 60_000);
    const runs = await Promise.all([runDelivery({ config, now: later, owner: 'x' }), runDelivery({ config, now: later, owner: 'y' })]);
    expect(runs[0].sent + runs[1].sent).toBe(1);
    expect(await runDelivery({ config, now: new Date(later.getTime() + 3600_000) })).toMatchObject({ sent: 0 });
    expect(smtp.messages).toHaveLength(1);
  });

  it('when a process died after claiming but before marking the message, should send it once after the lease', async () => {
    await notify(input(en, 'claimed-only'));
    const n = (await Notification.findOne({ key: 'claimed-only' }).lean())!;
    await DeliveryClaim.create({ _id: `${String(n._id)}:1`, owner: 'dead', leaseUntil: new Date(T0.getTime() + 5 * 60_000), at: T0 });
    expect((await runDelivery({ config, now: T0 })).sent).toBe(0);
    expect((await runDelivery({ config, now: new Date(T0.getTime() + 6 * 60_000) })).sent).toBe(1);
    expect(smtp.messages).toHaveLength(1);
  });

  it('when the server refuses for a while, should retry after the backoff and then send once', async () => {
    await notify(input(vi, 'retry'));
    smtp.refuseNext(1, 451);
    expect(await runDelivery({ config, now: T0 })).toMatchObject({ retried: 1, sent: 0 });
    expect((await runDelivery({ config, now: new Date(T0.getTime() + 30_000) })).sent).toBe(0);
    expect((await runDelivery({ config, now: new Date(T0.getTime() + 61_000) })).sent).toBe(1);
    expect(smtp.messages).toHaveLength(1);
  });

  it('when the server refuses the address for good, should mark it failed and not retry', async () => {
    await notify(input(en, 'refused'));
    smtp.refuseNext(1, 550);
    expect(await runDelivery({ config, now: T0 })).toMatchObject({ failed: 1 });
    expect((await Notification.findOne({ key: 'refused' }).lean())?.email?.state).toBe('failed');
    expect((await runDelivery({ config, now: new Date(T0.getTime() + 86_400_000) })).sent).toBe(0);
  });

  it('when the person turned the kind off before it went, should not send it', async () => {
    await notify(input(en, 'turned-off'));
    await setEmailWanted(en._id, 'dueSoon', false);
    expect(await runDelivery({ config, now: T0 })).toMatchObject({ dropped: 1, sent: 0 });
    await setEmailWanted(en._id, 'dueSoon', true);
    expect(smtp.messages).toHaveLength(0);
  });
});
