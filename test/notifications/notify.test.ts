import { toActor, type UserDoc } from '../../src/accounts';
import { inboxPage, notify, notifyMany, setEmailWanted, subscribersOf, unreadCount, wantsEmail, type NotificationInput } from '../../src/notifications';
import { Notification } from '../../src/notifications/notification.model';
import { useTestDatabase } from '../helpers/db';
import { createTree, createUser } from '../helpers/factories';
import { setUserFields } from '../helpers/people';

useTestDatabase(__filename);

let vi: UserDoc;
let en: UserDoc;

const input = (user: UserDoc, key: string, extra: Partial<NotificationInput> = {}): NotificationInput => ({
  key,
  userId: user._id,
  kind: 'dueSoon',
  titleKey: 'notifications.kinds.dueSoon',
  bodyKey: 'notifications.kinds.duePassed',
  link: '/courses',
  ...extra,
});

beforeAll(async () => {
  await createTree();
  vi = (await createUser('volunteer', 'T-HN')).user;
  en = (await createUser('volunteer', 'T-HN')).user;
  await setUserFields(vi._id, { email: 'vi@example.vn', locale: 'vi' });
  await setUserFields(en._id, { email: 'en@example.vn', locale: 'en' });
});

describe('notify', () => {
  it('when the same key is notified twice, even at once, should keep one notification', async () => {
    const results = await Promise.all([notify(input(vi, 'k:once')), notify(input(vi, 'k:once')), notify(input(vi, 'k:once'))]);
    expect(results.filter((r) => r === 'created')).toHaveLength(1);
    expect(results.filter((r) => r === 'exists')).toHaveLength(2);
    expect(await Notification.countDocuments({ key: 'k:once' })).toBe(1);
  });

  it('when the person has an address and wants the kind, should make the email pending to that address, with their lineage', async () => {
    await notify(input(vi, 'k:pending'));
    const n = await Notification.findOne({ key: 'k:pending' }).lean();
    expect(n?.email?.state).toBe('pending');
    expect(n?.email?.to).toBe('vi@example.vn');
    expect(n?.lineage.map(String)).toEqual(vi.lineage.map(String));
  });

  it('when the person has no address or turned the kind off, should make no email', async () => {
    const noMail = (await createUser('volunteer', 'T-HN')).user;
    await notify(input(noMail, 'k:nomail'));
    expect((await Notification.findOne({ key: 'k:nomail' }).lean())?.email?.state).toBe('none');
    await setEmailWanted(en._id, 'dueSoon', false);
    await notify(input(en, 'k:off'));
    expect((await Notification.findOne({ key: 'k:off' }).lean())?.email?.state).toBe('none');
    await setEmailWanted(en._id, 'dueSoon', true);
  });

  it('when notifyMany is given keys some of which exist, should count created and existing', async () => {
    const r = await notifyMany([input(vi, 'k:many1'), input(en, 'k:many2'), input(vi, 'k:once')]);
    expect(r).toEqual({ created: 2, existing: 1 });
  });

  it('when the inbox is read, should render each notification in the reader\'s language and count the unread', async () => {
    await notify(input(en, 'k:lang', { titleKey: 'notifications.kinds.briefingPack' }));
    const page = await inboxPage(toActor(en), 'en', 1);
    expect(page.items.map((i) => i.title)).toContain('Weekly briefing pack');
    expect(await unreadCount(en._id)).toBe(page.items.length);
  });

  it('when nobody subscribed to the briefing pack, should list no subscriber until one subscribes', async () => {
    expect(await wantsEmail(vi._id, 'briefingPack')).toBe(false);
    expect(await subscribersOf('briefingPack', [vi._id, en._id])).toEqual([]);
    await setEmailWanted(vi._id, 'briefingPack', true);
    expect((await subscribersOf('briefingPack', [vi._id, en._id])).map(String)).toEqual([String(vi._id)]);
  });
});
