/**
 * Check-in by QR code and the sign-in sheet, through the routes: a valid code gives one
 * attendance (however often, however many at once), every refusal says why and saves
 * nothing, a signed-out attendee signs in and comes back, the code page shows a code of
 * this minute only while the session is open, and the sheet lists every invitee by name.
 */
import { execFileSync } from 'node:child_process';
import type { Express } from 'express';
import type { Types } from 'mongoose';
import request from 'supertest';
import type { UserDoc } from '../../src/accounts';
import { findUnitByCode } from '../../src/org';
import { checkinKey, signCheckinToken } from '../../src/retraining/checkin-token';
import { RetrainingAttendance, RetrainingInvitee, RetrainingSession } from '../../src/retraining/session.model';
import { testApp, testConfig } from '../helpers/app';
import { countAuditEntries } from '../helpers/audit-records';
import { binaryBody, createTree, createUser, csrfToken, signedInAgent, TEST_PASSWORD } from '../helpers/factories';
import { useTestDatabase } from '../helpers/db';

useTestDatabase(__filename);
let app: Express;
const key = checkinKey(testConfig().sessionSecret);
const MINUTE = 60_000;

beforeAll(async () => {
  await createTree();
  app = testApp();
});

type Status = 'scheduled' | 'open' | 'closed' | 'cancelled';

/** A session of `unitCode` held by `trainer`, started ten minutes ago, with these invitees. */
async function sessionOf(trainer: UserDoc, status: Status, invitees: UserDoc[] = [], unitCode = 'T-HN', central = false) {
  const unit = (await findUnitByCode(central ? 'TW' : unitCode))!;
  const now = Date.now();
  const s = await RetrainingSession.create({
    title: `Tập huấn lại ${unitCode} ${status}`,
    startsAt: new Date(now - 10 * MINUTE),
    endsAt: new Date(now + 110 * MINUTE),
    placeKind: 'hall',
    place: 'Nhà văn hoá tổ dân phố 5',
    unit: unit._id,
    lineage: unit.lineage,
    province: central ? null : unit.lineage[1],
    trainer: trainer._id,
    trainerUsername: trainer.username,
    topics: ['topic:digital-skills'],
    status,
    invitedCount: invitees.length,
  });
  for (const p of invitees) await RetrainingInvitee.create({ session: s._id, user: p._id, lineage: p.lineage });
  return s;
}

const attendances = (session: { _id: Types.ObjectId }) => RetrainingAttendance.countDocuments({ session: session._id });
const tokenOf = (session: { _id: unknown }, at = new Date()) => signCheckinToken(key, String(session._id), at);

async function postCheckin(agent: request.Agent, t: string): Promise<request.Response> {
  const _csrf = await csrfToken(agent, '/');
  return agent.post('/retraining/checkin').type('form').send({ _csrf, t });
}

describe('checking in with the code', () => {
  it('when a volunteer of the province checks in with the code of this minute, should record one attendance by QR and say when', async () => {
    const { user: trainer } = await createUser('trainer', 'C-HN');
    const { user: v } = await createUser('volunteer', 'T-HN', { fullName: 'Nguyễn Thị Ánh Tuyết' });
    const s = await sessionOf(trainer, 'open', [v]);
    const agent = await signedInAgent(app, v.username);
    const t = tokenOf(s);

    const page = await agent.get(`/retraining/checkin?t=${t}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain(s.title);
    expect(page.text).toContain('Nhà văn hoá tổ dân phố 5');
    expect(page.text).toContain(trainer.username);
    expect(page.text).toContain('Tôi có mặt');
    expect(await attendances(s)).toBe(0); // looking is not checking in

    const res = await postCheckin(agent, t);
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe(`/retraining/${s._id}/checked-in`);
    const done = await agent.get(res.headers.location!);
    expect(done.status).toBe(200);
    expect(done.text).toMatch(/Bạn đã điểm danh lúc \d{2}\/\d{2}\/\d{4} \d{2}:\d{2}/);
    const rec = await RetrainingAttendance.find({ session: s._id }).lean();
    expect(rec).toHaveLength(1);
    expect(rec[0]).toMatchObject({ via: 'qr', user: v._id, recordedBy: v._id });

    // a second press: the same attendance, said so
    const again = await postCheckin(agent, t);
    expect(again.headers.location).toBe(`/retraining/${s._id}/checked-in?already=1`);
    expect((await agent.get(again.headers.location!)).text).toContain('Bạn đã điểm danh buổi này rồi');
    expect(await attendances(s)).toBe(1);
  });

  it('when the session is the centre\'s, should accept a person of any province', async () => {
    const { user: trainer } = await createUser('trainer', 'TW');
    const { user: v } = await createUser('volunteer', 'T-CB');
    const s = await sessionOf(trainer, 'open', [], 'T-HN', true);
    const agent = await signedInAgent(app, v.username);
    expect((await postCheckin(agent, tokenOf(s))).status).toBe(303);
    expect(await attendances(s)).toBe(1);
  });

  it('when 20 check-ins of one person arrive at once, should record one attendance and answer none with a server error', async () => {
    const { user: trainer } = await createUser('trainer', 'C-HN');
    const { user: v } = await createUser('volunteer', 'T-HN');
    const s = await sessionOf(trainer, 'open', [v]);
    const agent = await signedInAgent(app, v.username);
    const _csrf = await csrfToken(agent, '/');
    const t = tokenOf(s);
    const all = await Promise.all(Array.from({ length: 20 }, () => agent.post('/retraining/checkin').type('form').send({ _csrf, t })));
    expect(all.map((r) => r.status).filter((st) => st >= 500)).toEqual([]);
    expect(all.every((r) => r.status === 303)).toBe(true);
    expect(await attendances(s)).toBe(1);
    // more than anyone needs is refused for a while, with a page that says so
    const over = await agent.post('/retraining/checkin').type('form').send({ _csrf, t });
    expect(over.status).toBe(429);
    expect(over.headers['retry-after']).toMatch(/^\d+$/);
    expect(over.text).toContain('quá nhiều lần');
    expect(await attendances(s)).toBe(1);
  });
});

describe('refusals: each says why, and nothing is saved', () => {
  let trainer: UserDoc;
  let hn: UserDoc;
  beforeAll(async () => {
    trainer = (await createUser('trainer', 'C-HN')).user;
    hn = (await createUser('volunteer', 'T-HN')).user;
  });

  async function expectRefused(who: UserDoc, session: { _id: Types.ObjectId }, t: string, status: number, message: string) {
    const agent = await signedInAgent(app, who.username);
    const page = await agent.get(`/retraining/checkin?t=${encodeURIComponent(t)}`);
    expect(page.status).toBe(status);
    expect(page.text).toContain(message);
    expect(page.text).not.toContain('Tôi có mặt');
    const res = await postCheckin(agent, t);
    expect(res.status).toBe(status);
    expect(res.text).toContain(message);
    expect(await attendances(session)).toBe(0);
  }

  it('when the code is two minutes old, should say it has expired', async () => {
    const s = await sessionOf(trainer, 'open', [hn]);
    await expectRefused(hn, s, tokenOf(s, new Date(Date.now() - 2 * MINUTE - 1000)), 410, 'Mã điểm danh này đã hết hạn. Hãy quét lại mã');
  });

  it('when the signature is forged, should say the code is not valid', async () => {
    const s = await sessionOf(trainer, 'open', [hn]);
    const [id, minute, sig] = tokenOf(s).split('.') as [string, string, string];
    const forged = `${id}.${minute}.${sig[0] === 'A' ? 'B' : 'A'}${sig.slice(1)}`;
    await expectRefused(hn, s, forged, 400, 'Mã điểm danh này không hợp lệ');
  });

  it('when another session\'s id is put into a code, should say the code is not valid', async () => {
    const s = await sessionOf(trainer, 'open', [hn]);
    const other = await sessionOf(trainer, 'open', [hn]);
    const [, minute, sig] = tokenOf(other).split('.') as [string, string, string];
    await expectRefused(hn, s, `${String(s._id)}.${minute}.${sig}`, 400, 'Mã điểm danh này không hợp lệ');
    expect(await attendances(other)).toBe(0);
  });

  it('when the session is closed, should say so', async () => {
    const s = await sessionOf(trainer, 'closed', [hn]);
    await expectRefused(hn, s, tokenOf(s), 409, 'Buổi tập huấn này đã kết thúc');
  });

  it('when the session was cancelled, should say so', async () => {
    const s = await sessionOf(trainer, 'cancelled', [hn]);
    await expectRefused(hn, s, tokenOf(s), 409, 'Buổi tập huấn này đã bị huỷ');
  });

  it('when check-in has not been opened, should say so', async () => {
    const s = await sessionOf(trainer, 'scheduled', [hn]);
    await expectRefused(hn, s, tokenOf(s), 409, 'Buổi tập huấn này chưa mở điểm danh');
  });

  it('when the attendee is of another province, should name the session\'s province', async () => {
    const { user: cb } = await createUser('volunteer', 'T-CB');
    const s = await sessionOf(trainer, 'open', [hn]);
    await expectRefused(cb, s, tokenOf(s), 403, 'Buổi tập huấn này dành cho người của Thành phố Hà Nội');
  });

  it('when the code is missing, repeated or the form has no CSRF token, should answer 400 or 403 and save nothing', async () => {
    const s = await sessionOf(trainer, 'open', [hn]);
    const agent = await signedInAgent(app, hn.username);
    expect((await agent.get('/retraining/checkin')).status).toBe(400);
    expect((await agent.get(`/retraining/checkin?t=${tokenOf(s)}&t=${tokenOf(s)}`)).status).toBe(400);
    const _csrf = await csrfToken(agent, '/');
    expect((await agent.post('/retraining/checkin').type('form').send({ _csrf })).status).toBe(400);
    expect((await agent.post('/retraining/checkin').send({ _csrf, t: { $ne: null } })).status).toBe(400);
    expect((await agent.post('/retraining/checkin').type('form').send({ t: tokenOf(s) })).status).toBe(403);
    expect(await attendances(s)).toBe(0);
  });

  it('when a staff member opens a check-in link, should refuse them (staff do not attend)', async () => {
    const { user: staff } = await createUser('staff', '01');
    const s = await sessionOf(trainer, 'open', [hn]);
    const agent = await signedInAgent(app, staff.username);
    expect((await agent.get(`/retraining/checkin?t=${tokenOf(s)}`)).status).toBe(403);
    expect(await attendances(s)).toBe(0);
  });
});

describe('signed out', () => {
  it('when a signed-out person opens the code\'s link, should sign them in and bring them back to it', async () => {
    const { user: trainer } = await createUser('trainer', 'C-HN');
    const { user: v } = await createUser('volunteer', 'T-HN');
    const s = await sessionOf(trainer, 'open', [v]);
    const link = `/retraining/checkin?t=${tokenOf(s)}`;
    const agent = request.agent(app);
    const first = await agent.get(link);
    expect(first.status).toBe(303);
    expect(first.headers.location).toBe(`/login?next=${encodeURIComponent(link)}`);
    const form = await agent.get(first.headers.location!);
    expect(form.text).toContain(`name="next" value="${link}"`);
    const _csrf = /name="_csrf" value="([^"]+)"/.exec(form.text)![1]!;
    const signedIn = await agent.post('/login').type('form').send({ _csrf, username: v.username, password: TEST_PASSWORD, next: link });
    expect(signedIn.status).toBe(303);
    expect(signedIn.headers.location).toBe(link);
    const back = await agent.get(link);
    expect(back.status).toBe(200);
    expect(back.text).toContain('Tôi có mặt');
    // only a path of this site is followed after signing in
    const other = request.agent(app);
    const token = await csrfToken(other);
    const away = await other.post('/login').type('form').send({ _csrf: token, username: v.username, password: TEST_PASSWORD, next: `//elsewhere.example${link}` });
    expect(away.headers.location).toBe('/');
  });
});

describe('the code on the trainer\'s screen', () => {
  it('when the session is open, should show a QR code of an absolute link with this minute\'s token, refreshing at the next minute', async () => {
    const { user: trainer } = await createUser('trainer', 'C-HN');
    const s = await sessionOf(trainer, 'open');
    const agent = await signedInAgent(app, trainer.username);
    const before = Date.now();
    const res = await agent.get(`/retraining/${s._id}/checkin-code`);
    expect(res.status).toBe(200);
    expect(res.text).toMatch(/<svg[^>]*viewBox/);
    const refresh = Number(/<meta http-equiv="refresh" content="(\d+)">/.exec(res.text)![1]);
    expect(refresh).toBeGreaterThanOrEqual(1);
    expect(refresh).toBeLessThanOrEqual(60);
    const link = /<code>(http[^<]+)<\/code>/.exec(res.text)![1]!;
    expect(link.startsWith(`${testConfig().baseUrl}/retraining/checkin?t=${String(s._id)}.`)).toBe(true);
    const t = new URL(link).searchParams.get('t')!;
    expect([tokenOf(s, new Date(before)), tokenOf(s)]).toContain(t);
  });

  it('when the session is not open, should say why and show no code', async () => {
    const { user: trainer } = await createUser('trainer', 'C-HN');
    const agent = await signedInAgent(app, trainer.username);
    for (const [status, words] of [['scheduled', 'chưa mở điểm danh'], ['closed', 'đã kết thúc'], ['cancelled', 'đã bị huỷ']] as const) {
      const s = await sessionOf(trainer, status);
      const res = await agent.get(`/retraining/${s._id}/checkin-code`);
      expect(res.status).toBe(409);
      expect(res.text).toContain(words);
      expect(res.text).not.toContain('<svg');
      expect(res.text).not.toContain('http-equiv="refresh"');
    }
  });

  it('when another trainer, a volunteer or a bad id asks for the code, should answer 404, 403 and 404', async () => {
    const { user: trainer } = await createUser('trainer', 'C-HN');
    const { user: other } = await createUser('trainer', 'C-HN');
    const { user: v } = await createUser('volunteer', 'T-HN');
    const s = await sessionOf(trainer, 'open');
    expect((await (await signedInAgent(app, other.username)).get(`/retraining/${s._id}/checkin-code`)).status).toBe(404);
    expect((await (await signedInAgent(app, v.username)).get(`/retraining/${s._id}/checkin-code`)).status).toBe(403);
    expect((await (await signedInAgent(app, trainer.username)).get('/retraining/not-an-id/checkin-code')).status).toBe(404);
  });
});

describe('the sign-in sheet', () => {
  /** The PDF's text layer, each run of spaces and line breaks as one space (a long name wraps in its cell). */
  const pdfText = (pdf: Buffer) => execFileSync('pdftotext', ['-enc', 'UTF-8', '-', '-'], { input: pdf }).toString().replace(/[ \t\n\r]+/g, ' ');
  const getPdf = (agent: request.Agent, path: string) => agent.get(path).buffer(true).parse(binaryBody);

  it('when the trainer prints it, should be an A4 PDF with every invitee by exact name, sorted by given name, and be audited', async () => {
    const { user: trainer } = await createUser('trainer', 'C-HN', { fullName: 'Trần Quốc Huy' });
    const names = ['Nguyễn Thị Ánh Tuyết', 'Lê Văn Ấn', 'Phạm Thị Yến', 'Đỗ Minh Đức', '<script>alert(1)</script> Bảo'];
    const people = [];
    for (const fullName of names) people.push((await createUser('volunteer', 'T-HN', { fullName })).user);
    const s = await sessionOf(trainer, 'scheduled', people);
    const res = await getPdf(await signedInAgent(app, trainer.username), `/retraining/${s._id}/sheet.pdf`);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/pdf');
    expect(res.headers['content-disposition']).toMatch(/^attachment; filename="?danh-sach-diem-danh-\d{4}-\d{2}-\d{2}\.pdf"?$/);
    const text = pdfText(res.body as Buffer);
    for (const p of people) {
      expect(text).toContain(p.fullName);
      expect(text).toContain(p.username);
    }
    expect(text).toContain('DANH SÁCH ĐIỂM DANH BUỔI TẬP HUẤN');
    expect(text).toContain(s.title);
    expect(text).toContain('Trần Quốc Huy');
    // Vietnamese list order: by given name (Ấn, Bảo, Đức, Tuyết, Yến)
    const order = ['Lê Văn Ấn', 'Bảo', 'Đỗ Minh Đức', 'Nguyễn Thị Ánh Tuyết', 'Phạm Thị Yến'].map((n) => text.indexOf(n));
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(await countAuditEntries({ action: 'retraining.exported', actor: trainer._id, details: `sheet.pdf session=${String(s._id)} people=5` })).toBe(1);
  });

  it('when there are many invitees, should run over several pages, each with the table\'s header', async () => {
    const { user: trainer } = await createUser('trainer', 'C-HN');
    const people = [];
    for (let i = 0; i < 45; i++) people.push((await createUser('volunteer', 'T-HN', { fullName: `Hoàng Thị Người Thứ ${String.fromCharCode(65 + (i % 26))}${i}` })).user);
    const s = await sessionOf(trainer, 'open', people);
    const res = await getPdf(await signedInAgent(app, trainer.username), `/retraining/${s._id}/sheet.pdf`);
    const pages = pdfText(res.body as Buffer).split('\f').filter((p) => p.trim());
    expect(pages.length).toBeGreaterThanOrEqual(2);
    for (const page of pages) expect(page).toContain('Chữ ký');
    for (const p of people) expect(pages.join('\n')).toContain(p.username);
  });

  it('when a staff member of the province asks, should have it; when another trainer or a volunteer asks, 404 and 403', async () => {
    const { user: trainer } = await createUser('trainer', 'C-HN');
    const { user: staff } = await createUser('staff', '01');
    const { user: otherStaff } = await createUser('staff', '04');
    const { user: other } = await createUser('trainer', 'C-HN');
    const { user: v } = await createUser('volunteer', 'T-HN');
    const s = await sessionOf(trainer, 'scheduled', [v]);
    expect((await getPdf(await signedInAgent(app, staff.username), `/retraining/${s._id}/sheet.pdf`)).status).toBe(200);
    expect((await (await signedInAgent(app, otherStaff.username)).get(`/retraining/${s._id}/sheet.pdf`)).status).toBe(404);
    expect((await (await signedInAgent(app, other.username)).get(`/retraining/${s._id}/sheet.pdf`)).status).toBe(404);
    expect((await (await signedInAgent(app, v.username)).get(`/retraining/${s._id}/sheet.pdf`)).status).toBe(403);
  });

  it('when the trainer reads English, should print the sheet in English', async () => {
    const { user: trainer } = await createUser('trainer', 'C-HN');
    const { user: v } = await createUser('volunteer', 'T-HN', { fullName: 'Nguyễn Thị Ánh Tuyết' });
    const s = await sessionOf(trainer, 'scheduled', [v]);
    const agent = await signedInAgent(app, trainer.username);
    const res = await agent.get(`/retraining/${s._id}/sheet.pdf`).set('Cookie', 'lang=en').buffer(true).parse(binaryBody);
    const text = pdfText(res.body as Buffer);
    expect(text).toContain('RETRAINING SESSION SIGN-IN SHEET');
    expect(text).toContain('Nguyễn Thị Ánh Tuyết');
  });
});
