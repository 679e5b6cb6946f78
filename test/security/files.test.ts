/**
 * Regression tests for hostile and clumsy files and forms (issue 15): rosters and weekly reports.
 */
import zlib from 'node:zlib';
import request from 'supertest';
import { currentWeek } from '../../src/fieldreports';
import { fileReport } from '../../src/fieldreports';
import { toActor } from '../../src/accounts';
import { findUnitByCode } from '../../src/org';
import { testApp } from '../helpers/app';
import { useTestDatabase } from '../helpers/db';
import { rosterImportOf, rosterImportStoppedAfterFirstAccount } from '../helpers/cohort-records';
import { createTree, createUser, csrfToken, postForm, reloadUser, signedInAgent } from '../helpers/factories';
import { countReportEdits, reportById, teamReportOf } from '../helpers/field-report-records';
import { userById, userExists } from '../helpers/people';

useTestDatabase(__filename);
let app: ReturnType<typeof testApp>;
let trainer: request.Agent;
let trainerName: string;
let cohortId: string;

beforeAll(async () => {
  await createTree();
  app = testApp();
  trainerName = (await createUser('trainer', 'C-HN')).user.username;
  trainer = await signedInAgent(app, trainerName);
  const res = await postForm(trainer, '/cohorts', { name: 'Lớp thử tệp', unitCode: 'C-HN', courses: 'digital-literacy', dueDate: '2026-12-31' }, '/cohorts/new');
  cohortId = /\/cohorts\/([a-f0-9]{24})/.exec(res.headers.location!)![1]!;
});

async function upload(content: Buffer | string, name = 'roster.csv') {
  const _csrf = await csrfToken(trainer, `/cohorts/${cohortId}`);
  const res = await trainer.post(`/cohorts/${cohortId}/import`).field('_csrf', _csrf).attach('file', Buffer.from(content), name);
  const preview = res.status === 303 ? await trainer.get(res.headers.location!).expect(200) : null;
  return { res, preview, importId: res.status === 303 ? /imports\/([a-f0-9]{24})/.exec(res.headers.location!)![1]! : '' };
}

/** Confirms; a confirmation that saved leads (303) to the password sheet, which is followed as a browser does. */
async function confirm(importId: string) {
  const res = await postForm(trainer, `/cohorts/${cohortId}/imports/${importId}/confirm`, {}, `/cohorts/${cohortId}/imports/${importId}`);
  if (res.status !== 303) return res;
  expect(res.headers.location).toBe(`/cohorts/${cohortId}/imports/${importId}/passwords`);
  return trainer.get(res.headers.location!);
}

/** A zip whose directory declares `declared` bytes for the sheet while its data inflates to `actual`. */
function lyingXlsx(declared: number, actual: number): Buffer {
  const entries: { name: string; data: Buffer; raw: number }[] = [
    { name: '[Content_Types].xml', data: zlib.deflateRawSync(Buffer.from('<?xml version="1.0"?><Types/>')), raw: 29 },
    { name: 'xl/worksheets/sheet1.xml', data: zlib.deflateRawSync(Buffer.alloc(actual, 0x20)), raw: declared },
  ];
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const name = Buffer.from(e.name);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(8, 8);
    local.writeUInt32LE(e.data.length, 18);
    local.writeUInt32LE(e.raw, 22);
    local.writeUInt16LE(name.length, 26);
    locals.push(local, name, e.data);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(8, 10);
    central.writeUInt32LE(e.data.length, 20);
    central.writeUInt32LE(e.raw, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    centrals.push(central, name);
    offset += 30 + name.length + e.data.length;
  }
  const dir = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(dir.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, dir, end]);
}

describe('rosters', () => {
  it('when a row names a staff account or the trainer, should refuse that row and change nothing of theirs', async () => {
    const staff = (await createUser('staff', 'C-HN', { fullName: 'Cán Bộ Xã' })).user;
    const csv = ['username,full_name,unit_code', `${staff.username},Tên Bị Đổi,T-HN`, `${trainerName},Tôi Đổi Tên,T-HN`, 'tnv.moi.mot,Người Mới Một,T-HN'].join('\n');
    const { preview, importId } = await upload(csv);
    expect(preview!.text).toContain('tài khoản cán bộ');
    expect(preview!.text).toContain('chính tài khoản của bạn');
    expect((await confirm(importId)).status).toBe(200);
    expect((await userById(staff._id))!.fullName).toBe('Cán Bộ Xã');
    expect((await reloadUser(trainerName))!.fullName).not.toBe('Tôi Đổi Tên');
    expect(await userExists('tnv.moi.mot')).toBe(true);
  });

  it('when a name holds a stray quote, should keep the row as text and save the valid rows, reporting a broken line by number', async () => {
    const csv = ['username,full_name,unit_code', 'tnv.quote.one,Nguyễn "Tí" Văn,T-HN', 'tnv.quote.link,=HYPERLINK("http://evil.example","x"),T-HN', 'tnv.quote.two,Người Hai,T-HN', 'tnv.quote.three,"Người Ba không đóng ngoặc,T-HN'].join('\n');
    const { res, preview, importId } = await upload(csv);
    expect(res.status).toBe(303);
    expect(preview!.text).toContain('tnv.quote.two');
    expect(preview!.text).toContain('Không đọc được dòng này');
    expect((await confirm(importId)).status).toBe(200);
    expect(await userExists('tnv.quote.two')).toBe(true);
    const odd = await reloadUser('tnv.quote.one');
    expect(odd?.fullName).toBe('Nguyễn "Tí" Văn');
    expect(await userExists('tnv.quote.link')).toBe(false); // its comma split the name: refused on its line
  });

  it('when usernames or role words are names objects carry, should refuse those rows, never answer 500, and count what was written', async () => {
    const csv = ['username,full_name,unit_code,role', '__proto__,Tên Một,T-HN,', 'tnv.role.ctor,Tên Hai,T-HN,constructor', 'tnv.role.proto,Tên Ba,T-HN,__proto__', 'tnv.role.ok,Tên Bốn,T-HN,tnv'].join('\n');
    const { res, preview, importId } = await upload(csv);
    expect(res.status).toBe(303);
    expect(preview!.text).toContain('constructor');
    const done = await confirm(importId);
    expect(done.status).toBe(200);
    expect(done.text.match(/<code>[a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4}<\/code>/g)).toHaveLength(1); // one account made, one password shown
    expect(await userExists('__proto__')).toBe(false);
    expect(await userExists('tnv.role.ctor')).toBe(false);
    expect(await userExists('tnv.role.ok')).toBe(true);
  });

  it('when a confirmation died half-way, should offer to finish it, and give every new account a password shown once', async () => {
    const csv = ['username,full_name,unit_code', 'tnv.half.one,Người Nửa Một,T-HN', 'tnv.half.two,Người Nửa Hai,T-HN'].join('\n');
    const { importId } = await upload(csv);
    // as a crash after the first account was written would leave it
    await rosterImportStoppedAfterFirstAccount(importId, { username: 'tnv.half.one', fullName: 'Người Nửa Một', unitCode: 'T-HN' });
    const page = await trainer.get(`/cohorts/${cohortId}/imports/${importId}`).expect(200);
    expect(page.text).toContain('Lưu tiếp');
    const [a, b] = await Promise.all([confirm(importId), confirm(importId)]); // a double click: one try
    const done = a.status === 200 ? a : b;
    expect([a.status, b.status].sort()).toEqual([200, 409]);
    const shown = [...done.text.matchAll(/<code>([a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4})<\/code>/g)];
    expect(shown).toHaveLength(2);
    expect((await reloadUser('tnv.half.one'))!.passwordHash).not.toBe('x');
    expect(await userExists('tnv.half.two')).toBe(true);
    expect((await rosterImportOf(importId))!.status).toBe('applied');
  });

  it('when an XLSX inflates past what its directory declares, should refuse it as too big', async () => {
    const { res } = await upload(lyingXlsx(4_000, 80 * 1024 * 1024), 'roster.xlsx');
    expect(res.status).toBe(413);
    expect(res.text).toContain('quá lớn');
  });
});

describe('weekly reports', () => {
  it('when a count is sent twice, should refuse that field and save nothing', async () => {
    const leaderName = (await createUser('trainer', 'T-HN')).user.username;
    const leader = await signedInAgent(app, leaderName);
    const week = currentWeek(new Date()).label;
    const _csrf = await csrfToken(leader, '/field-reports');
    const res = await leader.post(`/field-reports/week/${week}`).type('form').send(`_csrf=${encodeURIComponent(_csrf)}&vneid=1&vneid=2&onlineService=3`);
    expect(res.status).toBe(400);
    expect(res.text).toContain('gửi hai lần');
    const team = (await findUnitByCode('T-HN'))!;
    expect(await teamReportOf(team._id, week)).toBeNull();
  });

  it('when ten edits of one report run at once, should count ten revisions', async () => {
    const leader = (await createUser('trainer', 'T-CB')).user;
    const team = (await findUnitByCode('T-CB'))!;
    const week = currentWeek(new Date());
    const input = (n: number) => ({ counts: { vneid: n, onlineService: 0, dossier: 0, digitise: 0, other: 0 }, difficulties: [], notes: '' });
    const { report } = await fileReport(toActor(leader), team, week, input(1));
    await Promise.all(Array.from({ length: 10 }, (_, i) => fileReport(toActor(leader), team, week, input(i + 2))));
    expect(await countReportEdits(report._id)).toBe(10);
    expect((await reportById(report._id))!.revision).toBe(10);
  });
});
