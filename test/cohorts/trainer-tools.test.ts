/**
 * Issue 16, point 3: a trainer works as in a spreadsheet — a unit picked by name, roster
 * headings as officials write them and a template, the password sheet reopened, one
 * person's password re-issued, and members found by name, username or phone.
 */
import ExcelJS from 'exceljs';
import request from 'supertest';
import { forgetExpiredPasswords } from '../../src/cohorts';
import { Cohort, CohortMember, RosterImport } from '../../src/cohorts/cohort.model';
import { findUnitByCode } from '../../src/org';
import { testApp } from '../helpers/app';
import { countAuditEntries } from '../helpers/audit-records';
import { useTestDatabase } from '../helpers/db';
import { binaryBody, createTree, createUser, csrfToken, postForm, reloadUser, signedInAgent } from '../helpers/factories';

useTestDatabase(__filename);
let app: ReturnType<typeof testApp>;
let trainer: request.Agent;
let trainerName: string;
let colleague: request.Agent;

beforeAll(async () => {
  await createTree();
  app = testApp();
  trainerName = (await createUser('trainer', 'C-HN')).user.username;
  trainer = await signedInAgent(app, trainerName);
  colleague = await signedInAgent(app, (await createUser('trainer', 'C-HN')).user.username);
});

const uniq = () => Math.random().toString(36).slice(2, 7);
const cohortForm = (unit: Record<string, string>) => ({ name: 'Lớp chọn đơn vị', courses: 'digital-literacy', dueDate: '2026-12-31', ...unit });

async function newCohort(agent = trainer): Promise<string> {
  const res = await postForm(agent, '/cohorts', cohortForm({ unitCode: 'C-HN' }), '/cohorts/new');
  expect(res.status).toBe(303);
  return /\/cohorts\/([a-f0-9]{24})/.exec(res.headers.location!)![1]!;
}

async function upload(cohortId: string, content: Buffer | string, name = 'roster.csv', agent = trainer, lang = 'vi') {
  const _csrf = await csrfToken(agent, `/cohorts/${cohortId}`);
  const res = await agent.post(`/cohorts/${cohortId}/import`).set('Accept-Language', lang).field('_csrf', _csrf).attach('file', Buffer.from(content), name);
  if (res.status !== 303) return { res, preview: null as request.Response | null, importId: '' };
  const preview = await agent.get(res.headers.location!).expect(200);
  return { res, preview, importId: /imports\/([a-f0-9]{24})/.exec(res.headers.location!)![1]! };
}

async function confirmed(cohortId: string, csv: string) {
  const { importId } = await upload(cohortId, csv);
  const res = await postForm(trainer, `/cohorts/${cohortId}/imports/${importId}/confirm`, {}, `/cohorts/${cohortId}/imports/${importId}`);
  expect(res.status).toBe(303);
  return { importId, sheetPath: res.headers.location! };
}

const otpsOf = (html: string) => [...html.matchAll(/<code>([a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4})<\/code>/g)].map((m) => m[1]!);

describe('the unit picker (creating a cohort)', () => {
  it('when the unit is typed by its name without diacritics, should create the cohort in that unit', async () => {
    const res = await postForm(trainer, '/cohorts', cohortForm({ unitCode: 'phuong ba dinh' }), '/cohorts/new');
    expect(res.status).toBe(303);
    const cohort = await Cohort.findById(/\/cohorts\/([a-f0-9]{24})/.exec(res.headers.location!)![1]).lean();
    expect(String(cohort!.unit)).toBe(String((await findUnitByCode('C-HN'))!._id));
  });

  it('when "find unit" is pressed, should list the matching units of the scope as choices and keep what was typed', async () => {
    const before = await Cohort.countDocuments({});
    const res = await postForm(trainer, '/cohorts', cohortForm({ unitCode: 'ba dinh', findUnit: '1' }), '/cohorts/new');
    expect(res.status).toBe(200);
    expect(res.text).toMatch(/<input type="radio" name="unitPick" value="C-HN"/);
    expect(res.text).toMatch(/<input type="radio" name="unitPick" value="T-HN"/);
    expect(res.text).toContain('Phường Ba Đình');
    expect(res.text).toContain('value="Lớp chọn đơn vị"');
    expect(res.text).toContain('value="ba dinh"');
    expect(await Cohort.countDocuments({})).toBe(before);
    // then the unit picked wins over the text
    const picked = await postForm(trainer, '/cohorts', cohortForm({ unitCode: 'ba dinh', unitPick: 'T-HN' }), '/cohorts/new');
    expect(picked.status).toBe(303);
    const cohort = await Cohort.findById(/\/cohorts\/([a-f0-9]{24})/.exec(picked.headers.location!)![1]).lean();
    expect(String(cohort!.unit)).toBe(String((await findUnitByCode('T-HN'))!._id));
  });

  it('when a name matches several units, should ask to pick one and offer them', async () => {
    const res = await postForm(trainer, '/cohorts', cohortForm({ unitCode: 'ba dinh' }), '/cohorts/new');
    expect(res.status).toBe(400);
    expect(res.text).toContain('Có nhiều đơn vị khớp');
    expect(res.text).toMatch(/name="unitPick" value="T-HN"/);
  });

  it('when the unit is outside the scope, by code, name or search, should answer as for an unknown unit', async () => {
    for (const unitCode of ['T-CB', 'Đội Trà Lĩnh', 'no such unit']) {
      const res = await postForm(trainer, '/cohorts', cohortForm({ unitCode }), '/cohorts/new');
      expect(res.status).toBe(400);
      expect(res.text).toContain('Không có đơn vị với mã này trong phạm vi bạn quản lý.');
      expect(res.text).not.toMatch(/name="unitPick" value="T-CB"/);
    }
    const search = await postForm(trainer, '/cohorts', cohortForm({ unitCode: 'tra linh', findUnit: '1' }), '/cohorts/new');
    expect(search.status).toBe(200);
    expect(search.text).toContain('Không tìm thấy đơn vị nào khớp trong phạm vi của bạn.');
    expect(search.text).not.toContain('Đội Trà Lĩnh');
    const picked = await postForm(trainer, '/cohorts', cohortForm({ unitCode: '', unitPick: 'T-CB' }), '/cohorts/new');
    expect(picked.status).toBe(400);
  });

  it('when the unit field is not a string or is too long, should answer 400 with the form', async () => {
    const _csrf = await csrfToken(trainer, '/cohorts/new');
    const res = await trainer.post('/cohorts').type('form').send(`_csrf=${encodeURIComponent(_csrf)}&name=X&courses=digital-literacy&unitCode[]=C-HN&unitCode[]=T-HN`);
    expect(res.status).toBe(400);
    const long = await postForm(trainer, '/cohorts', cohortForm({ unitCode: 'x'.repeat(300) }), '/cohorts/new');
    expect(long.status).toBe(400);
  });
});

describe('roster headings and the template', () => {
  it('when the headings are written as officials do (any case, diacritics or not, extra spaces, SĐT), should read the file', async () => {
    const id = await newCohort();
    const u = uniq();
    const csv = `  HỌ VÀ TÊN ;Tên  Đăng Nhập;ma don vi;SĐT;Vai Trò;Nguoi tap huan\nNguyễn Thị Hoa;hoa.${u};T-HN;0912 345 678;;\n`;
    const { preview, importId } = await upload(id, csv);
    expect(preview!.text).toMatch(/<strong>1<\/strong> tài khoản mới/);
    await postForm(trainer, `/cohorts/${id}/imports/${importId}/confirm`, {}, `/cohorts/${id}`);
    expect(await reloadUser(`hoa.${u}`)).toMatchObject({ fullName: 'Nguyễn Thị Hoa', phone: '0912345678' });
    const short = await upload(id, `Họ tên,Tên đăng nhập,Mã đơn vị,Số điện thoại\nTrần Văn Nam,nam.${u},T-HN,\n`);
    expect(short.preview!.text).toMatch(/<strong>1<\/strong> tài khoản mới/);
  });

  it('when a required column is missing, should name it in the reader\'s language with the headings accepted', async () => {
    const id = await newCohort();
    const vi = await upload(id, 'Họ và tên,Số điện thoại\nA,\n');
    expect(vi.res.status).toBe(400);
    expect(vi.res.text).toContain('Tệp thiếu cột bắt buộc: &#34;Tên đăng nhập&#34; (Tên đăng nhập, ten_dang_nhap, username); &#34;Mã đơn vị&#34; (Mã đơn vị, Mã ĐV, ma_don_vi, unit_code).');
    const en = await upload(id, 'Họ và tên,Số điện thoại\nA,\n', 'r.csv', trainer, 'en');
    expect(en.res.text).toContain('The file lacks required columns: &#34;Username&#34; (Tên đăng nhập, ten_dang_nhap, username); &#34;Unit code&#34;');
  });

  it('the cohort page should list the accepted headings and link the template; the template should have the headings, an example and instructions, and import as it is filled', async () => {
    const id = await newCohort();
    const page = await trainer.get(`/cohorts/${id}`).expect(200);
    expect(page.text).toContain('Họ và tên, Họ tên, ho_ten, full_name');
    expect(page.text).toContain('Số điện thoại, SĐT, Điện thoại, so_dien_thoai, phone');
    expect(page.text).toContain('href="/cohorts/template.xlsx"');

    const file = await trainer.get('/cohorts/template.xlsx').buffer(true).parse(binaryBody).expect(200);
    expect(file.headers['content-type']).toMatch(/spreadsheetml/);
    expect(file.headers['content-disposition']).toContain('mau-danh-sach-lop.xlsx');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(file.body as never);
    const [list, help] = wb.worksheets;
    expect((list!.getRow(1).values as unknown[]).slice(1)).toEqual(['Họ và tên', 'Tên đăng nhập', 'Mã đơn vị', 'Số điện thoại', 'Vai trò', 'Người tập huấn']);
    expect(list!.getRow(2).getCell(1).value).toBe('Nguyễn Thị Hoa');
    expect(help!.name).toBe('Hướng dẫn');
    expect(help!.getRow(2).getCell(3).value).toBe('Họ và tên, Họ tên, ho_ten, full_name');

    // filled in as a trainer would: the example replaced by real people
    const u = uniq();
    list!.spliceRows(2, 1, ['Lê Thị Mai', `mai.${u}`, 'T-HN', '0987654321', '', ''], ['Phạm Đức', `duc.${u}`, 'T-HN', '', 'tập huấn viên', '']);
    const { preview } = await upload(id, Buffer.from(await wb.xlsx.writeBuffer()), 'danh-sach.xlsx');
    expect(preview!.text).toMatch(/<strong>2<\/strong> tài khoản mới/);
    expect(preview!.text).toContain('<strong>0</strong> dòng lỗi');
  });
});

describe('the one-time password sheet', () => {
  it('when reloaded within 30 minutes by its importer, should show the same passwords (no-store); the CSV once; never to another trainer', async () => {
    const id = await newCohort();
    const u = uniq();
    const { importId, sheetPath } = await confirmed(id, `ten_dang_nhap,ho_ten,ma_don_vi\nan.${u},Nguyễn An,T-HN\nbinh.${u},Trần Bình,T-HN\n`);
    const first = await trainer.get(sheetPath).expect(200);
    expect(first.headers['cache-control']).toBe('no-store');
    const otps = otpsOf(first.text);
    expect(otps).toHaveLength(2);
    expect(first.text).toContain('Chỉ bạn (người nhập danh sách) mở lại được trang này');
    // Back from the sheet lands on the preview, which leads to the sheet again
    expect((await trainer.get(`/cohorts/${id}/imports/${importId}`).expect(200)).text).toContain(`href="${sheetPath}"`);
    const reload = await trainer.get(sheetPath).expect(200);
    expect(otpsOf(reload.text)).toEqual(otps);
    // sealed in the store, never in clear
    const stored = JSON.stringify(await RosterImport.findById(importId).lean());
    for (const otp of otps) expect(stored).not.toContain(otp);

    // another trainer of the same commune: as if it did not exist
    await colleague.get(sheetPath).expect(404);
    expect((await postForm(colleague, `/cohorts/${id}/imports/${importId}/passwords.csv`, {}, `/cohorts/${id}`)).status).toBe(404);
    await trainer.get(`/cohorts/${id}/imports/not-an-id/passwords`).expect(404);

    const csv = await postForm(trainer, `/cohorts/${id}/imports/${importId}/passwords.csv`, {}, sheetPath);
    expect(csv.status).toBe(200);
    expect(csv.text).toContain(otps[0]);
    expect((await postForm(trainer, `/cohorts/${id}/imports/${importId}/passwords.csv`, {}, sheetPath)).status).toBe(410);
    const after = await trainer.get(sheetPath).expect(200);
    expect(otpsOf(after.text)).toEqual(otps);
    expect(after.text).toContain('Tệp CSV đã được tải');
    expect(after.text).not.toContain('passwords.csv');

    // 30 minutes later: gone, and the sealed copy deleted
    await RosterImport.updateOne({ _id: importId }, { $set: { sealedUntil: new Date(Date.now() - 1000) } });
    const late = await trainer.get(sheetPath).expect(200);
    expect(otpsOf(late.text)).toEqual([]);
    expect(late.text).toContain('không còn được giữ');
    expect((await RosterImport.findById(importId).lean())!.sealedPasswords).toBeNull();
  });

  it('when nobody opens a sheet again, the clean-up should delete its sealed passwords after 30 minutes, and only then', async () => {
    const id = await newCohort();
    const { importId } = await confirmed(id, `username,full_name,unit_code
d.${uniq()},Dọn Dẹp,T-HN
`);
    expect(await forgetExpiredPasswords()).toBe(0);
    expect((await RosterImport.findById(importId).lean())!.passwordsKept).toBe(true);
    expect(await forgetExpiredPasswords(new Date(Date.now() + 31 * 60_000))).toBeGreaterThanOrEqual(1);
    const after = (await RosterImport.findById(importId).lean())!;
    expect(after).toMatchObject({ sealedPasswords: null, sealedUntil: null, passwordsKept: false });
  });

  it('when the import is not yet confirmed, the sheet should be 404', async () => {
    const id = await newCohort();
    const { importId } = await upload(id, `username,full_name,unit_code\nc.${uniq()},Chưa Lưu,T-HN\n`);
    await trainer.get(`/cohorts/${id}/imports/${importId}/passwords`).expect(404);
  });
});

describe('re-issuing one person\'s password from the cohort', () => {
  it('when the trainer re-issues it, should show a new one-time password once, end their sessions, make them choose their own, and audit it', async () => {
    const id = await newCohort();
    const { user } = await createUser('volunteer', 'T-HN', { fullName: 'Người Quên Mật Khẩu' });
    await CohortMember.create({ cohort: id, user: user._id, addedAt: new Date() });
    const their = await signedInAgent(app, user.username);
    await their.get('/courses').expect(200);

    const page = await trainer.get(`/cohorts/${id}`).expect(200);
    expect(page.text).toContain(`href="/cohorts/${id}/members/${user._id}/password"`);
    // the link asks first (a GET changes nothing)
    const ask = await trainer.get(`/cohorts/${id}/members/${user._id}/password`).expect(200);
    expect(ask.text).toContain('Người Quên Mật Khẩu');
    expect(ask.text).toContain(`action="/cohorts/${id}/members/${user._id}/password"`);
    expect((await reloadUser(user.username))!.mustChangePassword).toBe(false);
    const noToken = await trainer.post(`/cohorts/${id}/members/${user._id}/password`).type('form').send({});
    expect(noToken.status).toBe(403);

    const res = await postForm(trainer, `/cohorts/${id}/members/${user._id}/password`, {}, `/cohorts/${id}`);
    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    const otp = /<code class="big">([^<]+)<\/code>/.exec(res.text)![1]!;
    const stored = await reloadUser(user.username);
    expect(stored!.mustChangePassword).toBe(true);
    expect(stored!.passwordHash).not.toContain(otp);
    expect(stored!.sessionsValidFrom).toBeInstanceOf(Date);
    expect((await their.get('/courses')).status).not.toBe(200); // their session ended
    expect(await countAuditEntries({ action: 'password.reset', targetUsername: user.username, actorUsername: trainerName })).toBe(1);

    const fresh = request.agent(app);
    const _csrf = await csrfToken(fresh);
    const signIn = await fresh.post('/login').type('form').send({ _csrf, username: user.username, password: otp });
    expect(signIn.headers.location).toBe('/account/password');
  });

  it('when the person is not in the cohort, or the cohort is another unit\'s, should answer 404 and change nothing', async () => {
    const id = await newCohort();
    const { user: outsider } = await createUser('volunteer', 'T-HN');
    const before = (await reloadUser(outsider.username))!.passwordHash;
    expect((await postForm(trainer, `/cohorts/${id}/members/${outsider._id}/password`, {}, `/cohorts/${id}`)).status).toBe(404);
    expect((await postForm(trainer, `/cohorts/${id}/members/not-an-id/password`, {}, `/cohorts/${id}`)).status).toBe(404);
    const cb = await signedInAgent(app, (await createUser('trainer', 'C-CB')).user.username);
    const { user: member } = await createUser('volunteer', 'T-HN');
    await CohortMember.create({ cohort: id, user: member._id, addedAt: new Date() });
    expect((await postForm(cb, `/cohorts/${id}/members/${member._id}/password`, {}, '/cohorts')).status).toBe(404);
    await cb.get(`/cohorts/${id}/members/${member._id}/password`).expect(404);
    await trainer.get(`/cohorts/${id}/members/${outsider._id}/password`).expect(404);
    expect((await reloadUser(outsider.username))!.passwordHash).toBe(before);
    expect((await reloadUser(member.username))!.mustChangePassword).toBe(false);
  });
});

describe('whose password a trainer may re-issue', () => {
  it('when the member is another trainer, or a volunteer in a colleague\'s cohort, should offer no link and answer 404, changing nothing; staff may', async () => {
    const id = await newCohort(); // the trainer's own cohort
    const { user: peer } = await createUser('trainer', 'C-HN');
    await CohortMember.create({ cohort: id, user: peer._id, addedAt: new Date() });
    const before = (await reloadUser(peer.username))!.passwordHash;
    const page = await trainer.get(`/cohorts/${id}`).expect(200);
    expect(page.text).toContain(peer.fullName);
    expect(page.text).not.toContain(`/members/${peer._id}/password`);
    await trainer.get(`/cohorts/${id}/members/${peer._id}/password`).expect(404);
    expect((await postForm(trainer, `/cohorts/${id}/members/${peer._id}/password`, {}, `/cohorts/${id}`)).status).toBe(404);
    expect((await reloadUser(peer.username))!.passwordHash).toBe(before);

    // a colleague's cohort in the same unit: its volunteers are not this trainer's to re-issue
    const theirs = await newCohort(colleague);
    const { user: volunteer } = await createUser('volunteer', 'T-HN');
    await CohortMember.create({ cohort: theirs, user: volunteer._id, addedAt: new Date() });
    expect((await postForm(trainer, `/cohorts/${theirs}/members/${volunteer._id}/password`, {}, `/cohorts/${theirs}`)).status).toBe(404);
    expect((await reloadUser(volunteer.username))!.mustChangePassword).toBe(false);
    // the colleague may, and so may staff of the unit (a trainer member too)
    expect((await postForm(colleague, `/cohorts/${theirs}/members/${volunteer._id}/password`, {}, `/cohorts/${theirs}`)).status).toBe(200);
    const staff = await signedInAgent(app, (await createUser('staff', 'C-HN')).user.username);
    expect((await postForm(staff, `/cohorts/${id}/members/${peer._id}/password`, {}, `/cohorts/${id}`)).status).toBe(200);
    expect((await reloadUser(peer.username))!.mustChangePassword).toBe(true);
  });
});

describe('finding people in a cohort and the cohort list', () => {
  it('should find members by name without diacritics, username or phone, and show phone, pace and last activity', async () => {
    const id = await newCohort();
    const u = uniq();
    const { importId } = await upload(id, `Họ và tên,Tên đăng nhập,Mã đơn vị,SĐT\nNguyễn Thị Hồng,hong.${u},T-HN,0912 111 222\nLê Văn Sơn,son.${u},T-HN,0987 333 444\n`);
    await postForm(trainer, `/cohorts/${id}/imports/${importId}/confirm`, {}, `/cohorts/${id}`);
    await signedInAgent(app, (await createUser('volunteer', 'T-HN', { username: `login.${u}`, fullName: 'Người Đã Đăng Nhập' })).user.username);
    await CohortMember.create({ cohort: id, user: (await reloadUser(`login.${u}`))!._id, addedAt: new Date() });

    const all = await trainer.get(`/cohorts/${id}`).expect(200);
    expect(all.text).toContain('0912111222');
    expect(all.text).toContain('Chưa đăng nhập lần nào');
    expect(all.text).toMatch(/Đăng nhập gần nhất: \d\d\/\d\d\/\d{4} \d\d:\d\d/);
    expect(all.text).toContain('Đúng tiến độ');
    const names = (html: string) => [...html.matchAll(/<li><div>\s*<strong>([^<]+)<\/strong>/g)].map((m) => m[1]);
    expect(names(all.text)).toHaveLength(3);
    expect(names((await trainer.get(`/cohorts/${id}`).query({ q: 'nguyen thi hong' })).text)).toEqual(['Nguyễn Thị Hồng']);
    expect(names((await trainer.get(`/cohorts/${id}`).query({ q: `son.${u}` })).text)).toEqual(['Lê Văn Sơn']);
    expect(names((await trainer.get(`/cohorts/${id}`).query({ q: '0987 333' })).text)).toEqual(['Lê Văn Sơn']);
    expect(names((await trainer.get(`/cohorts/${id}`).query({ q: '+84912111222' })).text)).toEqual(['Nguyễn Thị Hồng']);
    const none = await trainer.get(`/cohorts/${id}`).query({ q: 'không ai' }).expect(200);
    expect(none.text).toContain('0 trong 3 người khớp');
    await trainer.get(`/cohorts/${id}?q=a&q=b`).expect(400);
    await trainer.get(`/cohorts/${id}`).query({ q: 'x'.repeat(101) }).expect(400);
  });

  it('the cohort list should be searchable by name and show the days left', async () => {
    const res = await postForm(trainer, '/cohorts', { name: 'Lớp Hòa Bình đặc biệt', unitCode: 'C-HN', courses: 'digital-literacy', dueDate: '2099-12-31' }, '/cohorts/new');
    expect(res.status).toBe(303);
    const list = await trainer.get('/cohorts').query({ q: 'hoa binh' }).expect(200);
    expect(list.text).toContain('Lớp Hòa Bình đặc biệt');
    expect(list.text).not.toContain('Lớp chọn đơn vị');
    expect(list.text).toMatch(/hạn 31\/12\/2099 \(còn \d+ ngày\)/);
    await trainer.get('/cohorts?q=x&q=y').expect(400);
  });
});

describe('in English', () => {
  it('the picker, the accepted headings, the member search and the sheet rule should speak English', async () => {
    const form = await trainer.get('/cohorts/new').set('Accept-Language', 'en').expect(200);
    expect(form.text).toContain('Unit (name or code)');
    expect(form.text).toContain('Find unit');
    const id = await newCohort();
    const { importId, sheetPath } = await confirmed(id, `username,full_name,unit_code\ne.${uniq()},English Speaker,T-HN\n`);
    const page = await trainer.get(`/cohorts/${id}`).set('Accept-Language', 'en').expect(200);
    expect(page.text).toContain('Columns accepted');
    expect(page.text).toContain('Find a member by name, username or phone number');
    expect(page.text).toContain('Download the Excel template (.xlsx)');
    expect(page.text).toContain('On track');
    const sheet = await trainer.get(sheetPath).set('Accept-Language', 'en').expect(200);
    expect(sheet.text).toContain('Only you (who imported the list) can open this page again');
    expect(importId).toMatch(/^[a-f0-9]{24}$/);
    const template = await trainer.get('/cohorts/template.xlsx').set('Accept-Language', 'en').buffer(true).parse(binaryBody).expect(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(template.body as never);
    expect(wb.worksheets.map((w) => w.name)).toEqual(['List', 'Instructions']);
    expect(wb.worksheets[0]!.getRow(1).getCell(1).value).toBe('Họ và tên'); // the headings officials use, whatever the language
  });
});
