import { testApp } from '../helpers/app';
import { useTestDatabase } from '../helpers/db';
import { createTree, createUser, postForm, reloadUser, signedInAgent, TEST_PASSWORD } from '../helpers/factories';

useTestDatabase(__filename);
let app: ReturnType<typeof testApp>;

beforeAll(async () => {
  await createTree();
  app = testApp();
});

describe('my account', () => {
  it('should show my name, role and unit', async () => {
    const { user } = await createUser('volunteer', 'T-HN', { fullName: 'Phạm Thị Quỳnh' });
    const agent = await signedInAgent(app, user.username);
    const res = await agent.get('/account').expect(200);
    expect(res.text).toContain('Phạm Thị Quỳnh');
    expect(res.text).toContain('Tình nguyện viên');
    expect(res.text).toContain('Đội Ba Đình (T-HN)');
  });

  it('when I choose English, should save it on my account and show pages in English', async () => {
    const { user } = await createUser('volunteer', 'T-HN');
    const agent = await signedInAgent(app, user.username);
    expect((await postForm(agent, '/account/locale', { locale: 'en' }, '/account')).status).toBe(303);
    expect((await reloadUser(user.username))!.locale).toBe('en');
    const res = await agent.get('/account').expect(200);
    expect(res.text).toContain('<html lang="en">');
  });

  it('when the language is unknown, should answer 400', async () => {
    const { user } = await createUser('volunteer', 'T-HN');
    const agent = await signedInAgent(app, user.username);
    expect((await postForm(agent, '/account/locale', { locale: 'xx' }, '/account')).status).toBe(400);
  });

  it('when changing the password with a wrong current one or a mismatch, should say which field is wrong', async () => {
    const { user } = await createUser('volunteer', 'T-HN');
    const agent = await signedInAgent(app, user.username);
    const wrong = await postForm(agent, '/account/password', { currentPassword: 'nope-nope', newPassword: 'Một mật khẩu mới dài', confirmPassword: 'Một mật khẩu mới dài' }, '/account/password');
    expect(wrong.status).toBe(400);
    expect(wrong.text).toMatch(/id="currentPassword"[^>]*aria-invalid="true"/);
    const mismatch = await postForm(agent, '/account/password', { currentPassword: TEST_PASSWORD, newPassword: 'Một mật khẩu mới dài', confirmPassword: 'khác hẳn' }, '/account/password');
    expect(mismatch.status).toBe(400);
    expect(mismatch.text).toContain('Hai lần nhập mật khẩu mới không khớp.');
    const ok = await postForm(agent, '/account/password', { currentPassword: TEST_PASSWORD, newPassword: 'Một mật khẩu mới dài', confirmPassword: 'Một mật khẩu mới dài' }, '/account/password');
    expect(ok.status).toBe(303);
  });
});
