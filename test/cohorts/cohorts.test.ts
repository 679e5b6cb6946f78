import ExcelJS from 'exceljs';
import request from 'supertest';
import { Cohort, CohortMember } from '../../src/cohorts/cohort.model';
import { cascadeLimits } from '../../src/cohorts/cascade.service';
import { rebuildRollups } from '../../src/reports';
import { testApp } from '../helpers/app';
import { useTestDatabase } from '../helpers/db';
import { createTree, createUser, csrfToken, postForm, recordCompletion, reloadUser, signedInAgent } from '../helpers/factories';
import { countAccounts } from '../helpers/people';

useTestDatabase(__filename);
let app: ReturnType<typeof testApp>;
let trainer: request.Agent;
let trainerName: string;

beforeAll(async () => {
  await createTree();
  app = testApp();
  trainerName = (await createUser('trainer', 'C-HN')).user.username;
  trainer = await signedInAgent(app, trainerName);
});

async function newCohort(agent = trainer, unitCode = 'C-HN'): Promise<string> {
  const res = await postForm(agent, '/cohorts', { name: 'Tập huấn lại đợt 1', unitCode, courses: 'digital-literacy', dueDate: '2026-12-31' }, '/cohorts/new');
  expect(res.status).toBe(303);
  return /\/cohorts\/([a-f0-9]{24})/.exec(res.headers.location!)![1]!;
}

/** Uploads a roster as a browser does (multipart, the token first) and follows to the preview. */
async function upload(cohortId: string, content: Buffer | string, name = 'roster.csv', agent = trainer) {
  const _csrf = await csrfToken(agent, `/cohorts/${cohortId}`);
  const res = await agent.post(`/cohorts/${cohortId}/import`).field('_csrf', _csrf).attach('file', Buffer.from(content), name);
  if (res.status !== 303) return { res, preview: null as request.Response | null, importId: '' };
  const preview = await agent.get(res.headers.location!).expect(200);
  return { res, preview, importId: /imports\/([a-f0-9]{24})/.exec(res.headers.location!)![1]! };
}

/** Confirms, and follows to the password sheet (as a browser does after the 303). */
async function confirm(cohortId: string, importId: string, agent = trainer) {
  const res = await postForm(agent, `/cohorts/${cohortId}/imports/${importId}/confirm`, {}, `/cohorts/${cohortId}/imports/${importId}`);
  expect(res.status).toBe(303);
  expect(res.headers.location).toBe(`/cohorts/${cohortId}/imports/${importId}/passwords`);
  return agent.get(res.headers.location!);
}

const uniq = () => Math.random().toString(36).slice(2, 7);

describe('roster import', () => {
  it('a CSV with BOM, Vietnamese headers and NFD names: preview, confirm, one-time passwords once; the same file again changes nothing', async () => {
    const id = await newCohort();
    const u = uniq();
    const nfd = 'Nguyễn Thị Ánh'.normalize('NFD');
    const csv = `\uFEFFten_dang_nhap,ho_ten,ma_don_vi,so_dien_thoai\nan.${u},${nfd},T-HN,0912 345 678\nbinh.${u},Trần Văn Bình,T-HN,\n`;
    const first = await upload(id, csv);
    expect(first.preview!.text).toMatch(/<strong>2<\/strong> tài khoản mới/);
    const done = await confirm(id, first.importId);
    expect(done.status).toBe(200);
    expect(done.headers['cache-control']).toBe('no-store');
    const otps = [...done.text.matchAll(/<code>([a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4})<\/code>/g)].map((m) => m[1]);
    expect(otps).toHaveLength(2);
    const an = await reloadUser(`an.${u}`);
    expect(an!.fullName).toBe('Nguyễn Thị Ánh'.normalize('NFC'));
    expect(an!.phone).toBe('0912345678');
    expect(an!.mustChangePassword).toBe(true);
    expect(an!.passwordHash).not.toContain(otps[0]);
    expect(String(an!.retrainedBy)).toBe(String((await reloadUser(trainerName))!._id));
    expect(await CohortMember.countDocuments({ cohort: id })).toBe(2);

    // The sign-in works with the one-time password shown.
    const fresh = request.agent(app);
    const _csrf = await csrfToken(fresh);
    const signIn = await fresh.post('/login').type('form').send({ _csrf, username: `an.${u}`, password: otps[0] });
    expect(signIn.headers.location).toBe('/account/password');

    // CSV of the passwords: once.
    const csvRes = await postForm(trainer, `/cohorts/${id}/imports/${first.importId}/passwords.csv`, {}, `/cohorts/${id}`);
    expect(csvRes.status).toBe(200);
    expect(csvRes.headers['content-type']).toMatch(/text\/csv/);
    expect(csvRes.text).toContain(`an.${u}`);
    expect(csvRes.text).toContain(otps[0]);
    const gone = await postForm(trainer, `/cohorts/${id}/imports/${first.importId}/passwords.csv`, {}, `/cohorts/${id}`);
    expect(gone.status).toBe(410);
    expect(gone.text).toContain('Mật khẩu dùng một lần chỉ tải được một lần');

    const again = await upload(id, csv);
    expect(again.preview!.text).toContain('Không có gì để lưu');
    expect(await countAccounts([`an.${u}`, `binh.${u}`])).toBe(2);
    expect(await CohortMember.countDocuments({ cohort: id })).toBe(2);
  });

  it.each([
    ['semicolons', ';'],
    ['tabs', '\t'],
  ])('a CSV separated by %s should be read', async (_label, sep) => {
    const id = await newCohort();
    const u = uniq();
    const csv = [['username', 'full_name', 'unit_code'], [`x.${u}`, 'Lê Văn X', 'T-HN']].map((r) => r.join(sep)).join('\r\n');
    const { preview } = await upload(id, csv);
    expect(preview!.text).toMatch(/<strong>1<\/strong> tài khoản mới/);
  });

  it('every invalid row should be listed with its line and reason, and only valid rows saved', async () => {
    const id = await newCohort();
    const u = uniq();
    const outsider = (await createUser('volunteer', 'T-CB')).user.username;
    const cbTrainer = (await createUser('trainer', 'C-CB')).user.username;
    const csv = [
      'username,full_name,unit_code,role,trainer_username,phone',
      `ok.${u},Người Hợp Lệ,T-HN,,,`, // 2 valid
      `ok.${u},Trùng Dòng,T-HN,,,`, // 3 duplicate in file
      `Bad Name,Tên,T-HN,,,`, // 4 bad username
      `unit.${u},Tên,NOPE,,,`, // 5 unknown unit
      `scope.${u},Tên,T-CB,,,`, // 6 unit outside scope
      `tr.${u},Tên,T-HN,,${cbTrainer},`, // 7 trainer outside scope
      `ph.${u},Tên,T-HN,,,12345`, // 8 bad phone
      `${outsider},Tên,T-HN,,,`, // 9 username of someone outside scope
      `role.${u},Tên,T-HN,boss,,`, // 10 bad role
      `noname.${u},,T-HN,,,`, // 11 missing name
    ].join('\n');
    const { preview, importId } = await upload(id, csv);
    const text = preview!.text;
    for (const [line, message] of [
      [3, 'Tên đăng nhập đã xuất hiện ở dòng 2.'],
      [4, 'Tên đăng nhập phải gồm 3–64 ký tự'],
      [5, 'Không có đơn vị mã &#34;NOPE&#34;.'],
      [6, 'Đơn vị &#34;T-CB&#34; không thuộc phạm vi của bạn.'],
      [7, `Người tập huấn &#34;${cbTrainer}&#34; không thuộc phạm vi của bạn.`],
      [8, 'Số điện thoại &#34;12345&#34; không hợp lệ'],
      [9, 'Tên đăng nhập này đã được người khác sử dụng.'],
      [10, 'Vai trò &#34;boss&#34; không hợp lệ'],
      [11, 'Thiếu họ và tên'],
    ] as const) {
      expect(text).toMatch(new RegExp(`<tr><td>${line}</td><td>[^<]*</td><td>${message.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
    }
    await confirm(id, importId);
    expect(await CohortMember.countDocuments({ cohort: id })).toBe(1);
    expect(await reloadUser(`unit.${u}`)).toBeNull();
    expect((await reloadUser(outsider))!.unit).not.toEqual((await reloadUser(`ok.${u}`))!.unit);
  });

  it.each([
    ['an empty file', '', 'Tệp trống'],
    ['a file with only a header', 'username,full_name,unit_code\n', null],
    ['a file without the required columns', 'name,unit\nA,B\n', 'Tệp thiếu cột bắt buộc: &#34;Họ và tên&#34; (Họ và tên, Họ tên, ho_ten, full_name); &#34;Tên đăng nhập&#34; (Tên đăng nhập, ten_dang_nhap, username)'],
  ])('%s should be refused or give an empty preview, with a message', async (_label, content, message) => {
    const id = await newCohort();
    const { res, preview } = await upload(id, content);
    if (message) {
      expect(res.status).toBe(400);
      expect(res.text).toContain(message);
    } else {
      expect(preview!.text).toContain('Không có gì để lưu');
    }
  });

  it('a renamed non-XLSX file should answer 415; an over-size file 413; nothing saved', async () => {
    const id = await newCohort();
    const renamed = await upload(id, 'username,full_name,unit_code\nq,Q,T-HN\n', 'roster.xlsx');
    expect(renamed.res.status).toBe(415);
    expect(renamed.res.text).toContain('Chỉ nhận tệp CSV hoặc .xlsx');
    const big = await upload(id, Buffer.alloc(5 * 1024 * 1024 + 10, 'a'), 'big.csv');
    expect(big.res.status).toBe(413);
    expect(big.res.text).toContain('Tệp lớn hơn 5 MB');
    const binary = await upload(id, Buffer.from([0, 1, 2, 3, 0, 0]), 'x.csv');
    expect(binary.res.status).toBe(415);
  });

  it('a malformed upload (no boundary, or a body cut off) should answer 400, not 500', async () => {
    const id = await newCohort();
    const noBoundary = await trainer.post(`/cohorts/${id}/import`).set('Content-Type', 'multipart/form-data').send('garbage');
    expect(noBoundary.status).toBe(400);
    const cutOff = await trainer.post(`/cohorts/${id}/import`).set('Content-Type', 'multipart/form-data; boundary=XYZ').send('--XYZ\r\nContent-Disposition: form-data; name="file"; filename="r.csv"\r\n\r\nusername');
    expect(cutOff.status).toBe(400);
  });

  it('an XLSX roster (first sheet) should be read', async () => {
    const id = await newCohort();
    const u = uniq();
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('Danh sách');
    ws.addRow(['ten_dang_nhap', 'ho_ten', 'ma_don_vi', 'vai_tro']);
    ws.addRow([`xl.${u}`, 'Phạm Thị Excel', 'T-HN', 'trainer']);
    ws.addRow([`xm.${u}`, 'Đỗ Văn Excel', 'T-HN', '']);
    const { preview, importId } = await upload(id, Buffer.from(await wb.xlsx.writeBuffer()), 'roster.xlsx');
    expect(preview!.text).toMatch(/<strong>2<\/strong> tài khoản mới/);
    await confirm(id, importId);
    expect((await reloadUser(`xl.${u}`))!.role).toBe('trainer');
  });

  it('a 20,000-row file should be previewed', async () => {
    const id = await newCohort();
    const u = uniq();
    const lines = ['username,full_name,unit_code'];
    for (let i = 0; i < 20_000; i++) lines.push(`big${i}.${u},Người Số ${i},T-HN`);
    const { preview } = await upload(id, lines.join('\n'));
    expect(preview!.text).toMatch(/<strong>20000<\/strong> tài khoản mới/);
    lines.push(`over.${u},Một Dòng Quá,T-HN`);
    const over = await upload(id, lines.join('\n'));
    expect(over.res.status).toBe(400);
    expect(over.res.text).toContain('Tệp có hơn 20000 dòng');
  }, 600_000); // a limit for a hang, not a speed target

  it('a multipart POST anywhere else should be refused by the CSRF check', async () => {
    const { user } = await createUser('volunteer', 'T-HN');
    const staff = await signedInAgent(app, (await createUser('staff', '01')).user.username);
    const _csrf = await csrfToken(staff, '/people');
    await staff.post(`/people/${user._id}/disable`).field('_csrf', _csrf).expect(403);
    expect((await reloadUser(user.username))!.disabled).toBe(false);
  });
});

describe('cohorts', () => {
  it('a trainer should not see a cohort outside their subtree (404)', async () => {
    const cb = await signedInAgent(app, (await createUser('trainer', 'C-CB')).user.username);
    const id = await newCohort();
    await cb.get(`/cohorts/${id}`).expect(404);
    expect((await cb.get('/cohorts')).text).not.toContain(id);
    await cb.get('/cohorts/not-an-id').expect(404);
  });

  it('should add and remove people, show their pace by the stated rule, and close', async () => {
    const id = await newCohort();
    const { user } = await createUser('volunteer', 'T-HN', { fullName: 'Người Mới Vào Lớp' });
    expect((await postForm(trainer, `/cohorts/${id}/members`, { username: user.username }, `/cohorts/${id}`)).status).toBe(303);
    const page = await trainer.get(`/cohorts/${id}`).expect(200);
    expect(page.text).toContain('Người Mới Vào Lớp');
    // someone who has just joined, with the due date weeks away, is on track; the rule is on the page
    expect(page.text).toMatch(/Người Mới Vào Lớp<\/strong> <span class="tag">Đúng tiến độ<\/span>/);
    expect(page.text).toContain('Đang chậm: đã làm được ít hơn phần thời gian đã trôi qua');
    // joined long ago with nothing read, half-way past: behind, and listed first
    const { user: late } = await createUser('volunteer', 'T-HN', { fullName: 'Người Chậm Tiến Độ' });
    await CohortMember.create({ cohort: id, user: late._id, addedAt: new Date(Date.now() - 300 * 86400_000) });
    const again = await trainer.get(`/cohorts/${id}`).expect(200);
    expect(again.text).toMatch(/Người Chậm Tiến Độ<\/strong> <span class="tag tag-warn">Đang chậm<\/span>/);
    expect(again.text.indexOf('Người Chậm Tiến Độ')).toBeLessThan(again.text.indexOf('Người Mới Vào Lớp'));
    await CohortMember.deleteOne({ cohort: id, user: late._id });
    const unknown = await postForm(trainer, `/cohorts/${id}/members`, { username: 'no.such.person' }, `/cohorts/${id}`);
    expect(unknown.status).toBe(400);
    expect(unknown.text).toContain('Không tìm thấy người có tên đăng nhập này');
    await postForm(trainer, `/cohorts/${id}/members/${user._id}/remove`, {}, `/cohorts/${id}`);
    expect(await CohortMember.countDocuments({ cohort: id })).toBe(0);
    await postForm(trainer, `/cohorts/${id}/close`, {}, `/cohorts/${id}`);
    expect((await Cohort.findById(id).lean())!.closedAt).toBeInstanceOf(Date);
    expect((await postForm(trainer, `/cohorts/${id}/members`, { username: user.username }, `/cohorts/${id}`)).status).toBe(409);
  });

  it('creating a cohort outside the scope or without a course should say which field is wrong', async () => {
    const res = await postForm(trainer, '/cohorts', { name: 'X', unitCode: 'T-CB' }, '/cohorts/new');
    expect(res.status).toBe(400);
    expect(res.text).toContain('Không có đơn vị với mã này trong phạm vi bạn quản lý.');
    expect(res.text).toContain('Chọn ít nhất một khóa học.');
  });

  it('when the due date is not a date, should show the form again with what was typed and the field marked', async () => {
    const res = await postForm(trainer, '/cohorts', { name: 'Lớp tháng Mười Hai', unitCode: 'C-HN', courses: 'digital-literacy', dueDate: '31/12/2026' }, '/cohorts/new');
    expect(res.status).toBe(400);
    expect(res.text).toContain('id="dueDate-error"');
    expect(res.text).toContain('value="Lớp tháng Mười Hai"');
    expect(res.text).toContain('value="31/12/2026"');
  });

  it('a volunteer should get 403 on cohorts and the cascade', async () => {
    const v = await signedInAgent(app, (await createUser('volunteer', 'T-HN')).user.username);
    await v.get('/cohorts').expect(403);
    await v.get('/cascade').expect(403);
  });
});

describe('my cascade', () => {
  it('should count people, completions and compliance three levels deep, and open any branch', async () => {
    const { user: top } = await createUser('trainer', 'C-HN');
    const topAgent = await signedInAgent(app, top.username);
    const id = await newCohort(topAgent);
    const u = uniq();
    const csv = [
      'username,full_name,unit_code,role,trainer_username',
      `l1.${u},Cấp Một,T-HN,trainer,`,
      `l2.${u},Cấp Hai,T-HN,trainer,l1.${u}`,
      `l3a.${u},Cấp Ba A,T-HN,,l2.${u}`,
      `l3b.${u},Cấp Ba B,T-HN,,l2.${u}`,
    ].join('\n');
    const { importId } = await upload(id, csv, 'cascade.csv', topAgent);
    await confirm(id, importId, topAgent);
    const l3a = await reloadUser(`l3a.${u}`);
    for (const course of ['digital-literacy', 'two-level-government']) {
      await recordCompletion(l3a!._id, course);
    }
    await recordCompletion((await reloadUser(`l1.${u}`))!._id, 'digital-literacy');

    const page = await topAgent.get('/cascade').expect(200);
    const rows = [...page.text.matchAll(/<tr><td>Cấp (\d)<\/td><td>(\d+)<\/td><td>(\d+)<\/td><td>(\d+)<\/td><td>(\d+) \(/g)].map((m) => m.slice(1).map(Number));
    expect(rows).toEqual([
      [1, 1, 1, 0, 0],
      [2, 1, 0, 0, 0],
      [3, 2, 1, 1, 1],
    ]);
    expect(page.text).toContain('3 người tập huấn tiếp, 1 đã hoàn thành');

    // a big cascade comes from the roll-ups: the same figures
    await rebuildRollups();
    cascadeLimits.liveMax = 0;
    try {
      const rolled = await topAgent.get('/cascade').expect(200);
      expect([...rolled.text.matchAll(/<tr><td>Cấp (\d)<\/td><td>(\d+)<\/td><td>(\d+)<\/td><td>(\d+)<\/td><td>(\d+) \(/g)].map((m) => m.slice(1).map(Number))).toEqual(rows);
      expect(rolled.text).toContain('3 người tập huấn tiếp, 1 đã hoàn thành');
    } finally {
      cascadeLimits.liveMax = 60;
    }

    const l1 = await reloadUser(`l1.${u}`);
    const branch = await topAgent.get(`/cascade/${l1!._id}`).expect(200);
    expect(branch.text).toContain('Mạng lưới tập huấn của Cấp Một');
    // Someone else's cascade is not this trainer's to open.
    const other = await signedInAgent(app, (await createUser('trainer', 'C-HN')).user.username);
    await other.get(`/cascade/${l1!._id}`).expect(404);
  });

  it('the trainer who retrained a volunteer should be able to make them a trainer', async () => {
    const { user: top } = await createUser('trainer', 'C-HN');
    const topAgent = await signedInAgent(app, top.username);
    const id = await newCohort(topAgent);
    const u = uniq();
    const { importId } = await upload(id, `username,full_name,unit_code\np.${u},Sẽ Làm Tập Huấn,T-HN\n`, 'p.csv', topAgent);
    await confirm(id, importId, topAgent);
    const p = await reloadUser(`p.${u}`);
    const res = await postForm(topAgent, `/cascade/${p!._id}/promote`, { back: `/cascade/${top._id}` }, '/cascade');
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe(`/cascade/${top._id}`); // back to the branch the form was on
    expect((await reloadUser(`p.${u}`))!.role).toBe('trainer');
    const elsewhere = await postForm(topAgent, `/cascade/${p!._id}/promote`, { back: '//evil.example/cascade' }, '/cascade');
    expect(elsewhere.headers.location).toBe('/cascade');
  });
});
