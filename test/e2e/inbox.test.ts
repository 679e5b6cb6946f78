/**
 * The inbox on a phone (360 px): a volunteer sees the unread count in the header, opens the
 * inbox, follows a notification to its page (a form button: no JavaScript needed), and sets
 * an email address and which kinds come by email on "My account".
 */
import { notify } from '../../src/notifications';
import { phone, signIn, useBrowserOnApp } from '../helpers/browser';
import { createUser } from '../helpers/factories';

const env = useBrowserOnApp(__filename);

it('a volunteer sees the count, reads the inbox, follows a notification and chooses email preferences', async () => {
  const { user } = await createUser('volunteer', 'T-HN', { fullName: 'Trần Văn Bình' });
  const base = { userId: user._id, bodyKey: 'notifications.inbox.empty', link: '/courses/digital-literacy' };
  await notify({ ...base, key: `e2e:1:${user.username}`, kind: 'duePassed', titleKey: 'notifications.kinds.duePassed' }, { now: new Date(Date.now() - 3600_000) });
  await notify({ ...base, key: `e2e:2:${user.username}`, kind: 'dueSoon', titleKey: 'notifications.kinds.dueSoon', lines: [{ key: 'notifications.kinds.trainerDigest' }] });

  for (const js of [true, false]) {
    const p = await phone(env.browser, env.base, { javaScriptEnabled: js });
    const page = await p.ctx.newPage();
    await signIn(page, env.base, user.username);
    await page.waitForURL((u) => !u.pathname.startsWith('/login'));
    if (!js) {
      // Without JavaScript: the count, and following the second notification with its form button.
      expect(await page.textContent('.inbox-link')).toContain('1');
      await page.click('.inbox-link');
      await page.click('.inbox-unread button[type="submit"]');
      await page.waitForURL(/\/courses\/digital-literacy$/);
      expect(await page.$('.inbox-count')).toBeNull();
      await p.ctx.close();
      continue;
    }
    await p.step(page, 'inbox-1-header-count');
    expect((await page.textContent('.inbox-link'))?.replace(/\s+/g, ' ').trim()).toBe('Hộp thư 2 chưa đọc');
    await page.click('.inbox-link');
    await page.waitForURL(/\/inbox$/);
    await p.step(page, 'inbox-2-list');
    const titles = await page.$$eval('.inbox-title', (els) => els.map((e) => e.textContent?.trim()));
    expect(titles).toEqual(['Nhắc hạn hoàn thành khóa học', 'Báo quá hạn khóa học']);
    await page.click('.inbox-item:first-child button[type="submit"]');
    await page.waitForURL(/\/courses\/digital-literacy$/);
    expect((await page.textContent('.inbox-count'))?.trim()).toBe('1');
    await page.goto(`${env.base}/account`);
    await page.click('a[href="/account/notifications"]');
    await p.step(page, 'inbox-3-preferences');
    await page.fill('#email', 'khong-phai-email');
    await page.click('form.stack button.primary');
    expect(await page.textContent('#error-summary')).toContain('Địa chỉ email không hợp lệ');
    await p.step(page, 'inbox-4-preferences-error');
    await page.fill('#email', 'binh.tran@example.vn');
    await page.uncheck('input[name="email_dueSoon"]');
    await page.click('form.stack button.primary');
    await page.waitForURL(/saved=1/);
    expect(await page.inputValue('#email')).toBe('binh.tran@example.vn');
    expect(await page.isChecked('input[name="email_dueSoon"]')).toBe(false);
    expect(await page.isChecked('input[name="email_duePassed"]')).toBe(true);
    await p.step(page, 'inbox-5-preferences-saved');
    await p.expectClean(page);
    await p.ctx.close();
  }
});
