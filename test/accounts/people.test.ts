import mongoose from 'mongoose';
import request from 'supertest';
import { PEOPLE_PAGE_SIZE } from '../../src/accounts';
import { searchTextOf, User } from '../../src/accounts/user.model';
import { findUnitByCode, type UnitDoc } from '../../src/org';
import { testApp } from '../helpers/app';
import { countAuditEntries } from '../helpers/audit-records';
import { useTestDatabase } from '../helpers/db';
import { createTree, createUser, csrfToken, postForm, reloadUser, signedInAgent } from '../helpers/factories';

useTestDatabase(__filename);
let app: ReturnType<typeof testApp>;
let staffHn: request.Agent;
let staffHnName: string;
let hnTeam: UnitDoc | null;

beforeAll(async () => {
  await createTree();
  app = testApp();
  const { user } = await createUser('staff', '01');
  staffHnName = user.username;
  staffHn = await signedInAgent(app, user.username);
  hnTeam = await findUnitByCode('T-HN');
});

function idFromLocation(res: request.Response): string {
  return /\/people\/([a-f0-9]{24})/.exec(res.text)![1]!;
}

describe('creating accounts (POST /people)', () => {
  it('when staff create a trainer in their province, should show a one-time password once that works at sign-in', async () => {
    const res = await postForm(staffHn, '/people', { fullName: '  Bùi   Thị Hồng ', username: 'bui.hong', role: 'trainer', unitCode: 'T-HN' }, '/people/new');
    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    const otp = /<code class="big">([^<]+)<\/code>/.exec(res.text)![1]!;
    expect(otp).toMatch(/^[a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4}$/);
    const stored = await reloadUser('bui.hong');
    expect(stored).toMatchObject({ fullName: 'Bùi Thị Hồng', role: 'trainer', mustChangePassword: true });
    expect(stored!.passwordHash).toMatch(/^\$argon2id\$/);
    expect(stored!.passwordHash).not.toContain(otp);
    const page = await staffHn.get(`/people/${idFromLocation(res)}`).expect(200);
    expect(page.text).not.toContain(otp);
    const login = request.agent(app);
    const _csrf = await csrfToken(login);
    const signIn = await login.post('/login').type('form').send({ _csrf, username: 'bui.hong', password: otp });
    expect(signIn.headers.location).toBe('/account/password');
    expect(await countAuditEntries({ action: 'user.created', targetUsername: 'bui.hong', actorUsername: staffHnName })).toBe(1);
  });

  it('when the unit is outside their scope, should refuse with a message tied to the field and save nothing', async () => {
    const res = await postForm(staffHn, '/people', { fullName: 'Ai Đó', username: 'ai.do', role: 'trainer', unitCode: 'T-CB' }, '/people/new');
    expect(res.status).toBe(400);
    expect(res.text).toContain('Không có đơn vị với mã này trong phạm vi bạn quản lý.');
    expect(res.text).toMatch(/id="unitCode"[^>]*aria-invalid="true"/);
    expect(await reloadUser('ai.do')).toBeNull();
  });

  it('when staff try to create an admin, should refuse', async () => {
    const res = await postForm(staffHn, '/people', { fullName: 'Ai Đó', username: 'sneaky.admin', role: 'admin', unitCode: '01' }, '/people/new');
    expect(res.status).toBe(400);
    expect(await reloadUser('sneaky.admin')).toBeNull();
  });

  it('when the username is taken or malformed, should say so and keep what was typed', async () => {
    const { user } = await createUser('volunteer', 'T-HN');
    const taken = await postForm(staffHn, '/people', { fullName: 'Trùng Tên', username: user.username, role: 'trainer', unitCode: 'T-HN' }, '/people/new');
    expect(taken.status).toBe(400);
    expect(taken.text).toContain('Tên đăng nhập này đã có người dùng.');
    expect(taken.text).toContain('value="Trùng Tên"');
    const bad = await postForm(staffHn, '/people', { fullName: 'X', username: 'Có Dấu', role: 'trainer', unitCode: 'T-HN' }, '/people/new');
    expect(bad.status).toBe(400);
  });

  it('when the name holds markup, should show it as text', async () => {
    const res = await postForm(staffHn, '/people', { fullName: '<script>alert(1)</script>"><img src=x onerror=alert(1)>', username: 'xss.name', role: 'trainer', unitCode: 'T-HN' }, '/people/new');
    expect(res.status).toBe(200);
    expect(res.text).not.toContain('<script>alert(1)</script>');
    expect(res.text).not.toContain('<img src=x');
    expect(res.text).toContain('&lt;script&gt;');
  });

  it('when a volunteer or trainer posts the form, should answer 403', async () => {
    const { user } = await createUser('trainer', 'T-HN');
    const trainer = await signedInAgent(app, user.username);
    const res = await postForm(trainer, '/people', { fullName: 'X Y', username: 'by.trainer', role: 'trainer', unitCode: 'T-HN' }, '/');
    expect(res.status).toBe(403);
  });
});

describe('finding people (GET /people)', () => {
  it('when searching without accents, should find names with them, only inside the scope', async () => {
    await createUser('volunteer', 'T-HN', { fullName: 'Nguyễn Đức Thắng' });
    await createUser('volunteer', 'T-CB', { fullName: 'Nguyễn Đức Toàn' });
    const res = await staffHn.get('/people?q=nguyen duc').expect(200);
    expect(res.text).toContain('Nguyễn Đức Thắng');
    expect(res.text).not.toContain('Nguyễn Đức Toàn');
  });

  it('when the search holds regex characters, should treat them as text', async () => {
    await staffHn.get('/people?q=' + encodeURIComponent('.*(')).expect(200);
  });

  it('when filtering by a unit outside the scope, should answer 404', async () => {
    await staffHn.get('/people?unit=T-CB').expect(404);
  });
});

describe('managing a person', () => {
  it('when the person is in another province, every page and action should answer 404', async () => {
    const { user } = await createUser('volunteer', 'T-CB');
    await staffHn.get(`/people/${user._id}`).expect(404);
    for (const action of ['disable', 'enable', 'reset-password', 'move']) {
      const res = await postForm(staffHn, `/people/${user._id}/${action}`, { unitCode: 'T-HN' });
      expect(res.status).toBe(404);
    }
    expect((await reloadUser(user.username))!.disabled).toBe(false);
  });

  it('when the id is not an id, should answer 404', async () => {
    await staffHn.get('/people/not-an-id').expect(404);
  });

  it('when disabling and enabling, should change the account and audit both', async () => {
    const { user } = await createUser('volunteer', 'T-HN');
    expect((await postForm(staffHn, `/people/${user._id}/disable`, {})).status).toBe(303);
    expect((await reloadUser(user.username))!.disabled).toBe(true);
    expect((await postForm(staffHn, `/people/${user._id}/enable`, {})).status).toBe(303);
    expect((await reloadUser(user.username))!.disabled).toBe(false);
    expect(await countAuditEntries({ targetUsername: user.username, action: mongoose.trusted({ $in: ['user.disabled', 'user.enabled'] }) })).toBe(2);
  });

  it('when resetting a password, should give a new one-time password and require a change', async () => {
    const { user } = await createUser('volunteer', 'T-HN');
    const res = await postForm(staffHn, `/people/${user._id}/reset-password`, {});
    expect(res.status).toBe(200);
    expect(res.text).toMatch(/<code class="big">[a-z2-9-]{14}<\/code>/);
    expect((await reloadUser(user.username))!.mustChangePassword).toBe(true);
  });

  it('when moving inside the scope, should move the person; outside, should refuse with a field message', async () => {
    const { user } = await createUser('volunteer', 'T-HN');
    expect((await postForm(staffHn, `/people/${user._id}/move`, { unitCode: 'C-HN' })).status).toBe(303);
    const moved = await reloadUser(user.username);
    expect(moved!.lineage).toHaveLength(3);
    const refused = await postForm(staffHn, `/people/${user._id}/move`, { unitCode: 'T-CB' });
    expect(refused.status).toBe(400);
    expect(refused.text).toContain('Không có đơn vị với mã này');
  });

  it('when extra fields such as role=admin are posted, should ignore them', async () => {
    const { user } = await createUser('volunteer', 'T-HN');
    await postForm(staffHn, `/people/${user._id}/move`, { unitCode: 'T-HN', role: 'admin', disabled: 'true' });
    expect(await reloadUser(user.username)).toMatchObject({ role: 'volunteer', disabled: false });
  });

  it('when staff act on themselves, should refuse', async () => {
    const self = await reloadUser(staffHnName);
    const res = await postForm(staffHn, `/people/${self!._id}/disable`, {});
    expect(res.status).toBe(409);
    expect(res.text).toContain('Bạn không thể thực hiện thao tác này với chính tài khoản của mình.');
  });
});

describe('long lists of people', () => {
  it('when more people match than fit a page, should link to the next page keeping the search, and back', async () => {
    const people = Array.from({ length: PEOPLE_PAGE_SIZE + 1 }, (_, i) => ({
      username: `trang.${String(i).padStart(3, '0')}`,
      fullName: `Người Trang ${i}`,
      searchText: searchTextOf(`Người Trang ${i}`, `trang.${i}`),
      passwordHash: 'x',
      role: 'volunteer',
      unit: hnTeam!._id,
      lineage: hnTeam!.lineage,
    }));
    await User.insertMany(people);
    const first = await staffHn.get('/people?q=trang').expect(200);
    expect(first.text).toContain('href="/people?q=trang&amp;page=2"');
    const second = await staffHn.get('/people?q=trang&page=2').expect(200);
    expect(second.text).toContain('href="/people?q=trang&amp;page=1"');
    expect(second.text).not.toContain('page=3');
  });
});

describe('finding people by phone, and units by name (issue 16)', () => {
  it('when staff search by a phone number, should find the person and show their phone and last activity', async () => {
    const { user } = await createUser('volunteer', 'T-HN', { fullName: 'Người Có Số Máy' });
    await User.updateOne({ _id: user._id }, { $set: { phone: '0903555777' } });
    await signedInAgent(app, user.username);
    const res = await staffHn.get('/people').query({ unit: 'T-HN', q: '0903 555 777' }).expect(200);
    expect(res.text).toContain('Người Có Số Máy');
    expect(res.text).toContain('0903555777');
    expect(res.text).toMatch(/Đăng nhập gần nhất: \d\d\/\d\d\/\d{4} \d\d:\d\d/);
    const other = await staffHn.get('/people').query({ unit: 'T-HN', q: '0903 000' }).expect(200);
    expect(other.text).not.toContain('Người Có Số Máy');
    // a whole number is found from the province down (where names are searched only within a unit)
    const province = await staffHn.get('/people').query({ q: '+84 903 555 777' }).expect(200);
    expect(province.text).toContain('Người Có Số Máy');
    const centre = await signedInAgent(app, (await createUser('staff', 'TW')).user.username); // where names are not searched at all
    expect((await centre.get('/people').query({ q: '0903555777' }).expect(200)).text).toContain('Người Có Số Máy');
    const otherProvince = await signedInAgent(app, (await createUser('staff', '04')).user.username);
    expect((await otherProvince.get('/people').query({ q: '0903555777' }).expect(200)).text).not.toContain('Người Có Số Máy');
  });

  it('when staff create an account or move a person, should accept the unit by its name and offer the units found', async () => {
    const res = await postForm(staffHn, '/people', { fullName: 'Đặng Thu', username: 'dang.thu', role: 'trainer', unitCode: 'doi ba dinh' }, '/people/new');
    expect(res.status).toBe(200);
    expect(String((await reloadUser('dang.thu'))!.unit)).toBe(String(hnTeam!._id));
    const found = await postForm(staffHn, '/people', { fullName: 'Đặng Thu Hai', username: 'dang.thu2', role: 'trainer', unitCode: 'ba dinh', findUnit: '1' }, '/people/new');
    expect(found.status).toBe(200);
    expect(found.text).toMatch(/name="unitPick" value="C-HN"/);
    expect(found.text).toContain('value="dang.thu2"');
    expect(await reloadUser('dang.thu2')).toBeNull();
    const { user } = await createUser('volunteer', 'T-HN');
    expect((await postForm(staffHn, `/people/${user._id}/move`, { unitCode: 'x', unitPick: 'C-HN' })).status).toBe(303);
    expect((await reloadUser(user.username))!.lineage).toHaveLength(3);
    const outside = await postForm(staffHn, `/people/${user._id}/move`, { unitCode: 'Xã Trà Lĩnh' });
    expect(outside.status).toBe(400);
    expect(outside.text).toContain('Không có đơn vị với mã này trong phạm vi bạn quản lý.');
  });
});
