import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { parse } from 'csv-parse/sync';
import type { Types } from 'mongoose';
import request from 'supertest';
import { toActor } from '../../src/accounts';
import { forgetSummaries, summaryKeeping } from '../../src/fieldreports/summary';
import { FieldReport } from '../../src/fieldreports/field-report.model';
import { currentWeek, fileReport, findReport, parseWeek, shiftWeek, takeUpDifficulty, weekSummary, type ReportInput } from '../../src/fieldreports';
import { findUnitByCode, importOrgCsv, type UnitDoc } from '../../src/org';
import { weekNumber, weekRangeText } from '../../src/shared/dates';
import { dayLabelVietnam } from '../../src/shared/vn-time';
import { formatWeek } from '../../src/shared/i18n';
import { testApp } from '../helpers/app';
import { countAuditEntries } from '../helpers/audit-records';
import { useTestDatabase } from '../helpers/db';
import { binaryBody, createTree, createUser, csrfToken, signedInAgent } from '../helpers/factories';

useTestDatabase(__filename);
let app: ReturnType<typeof testApp>;
let leader: request.Agent;
let leaderHn2: Awaited<ReturnType<typeof createUser>>['user'];
let leaderCb: Awaited<ReturnType<typeof createUser>>['user'];
let staffHn: request.Agent;
let staffCb: request.Agent;
let team: UnitDoc;
const week = () => currentWeek(new Date());

const input = (vneid: number, extra: Partial<ReportInput> = {}): ReportInput => ({
  counts: { vneid, onlineService: 2, dossier: 1, digitise: 0, other: 0 },
  difficulties: [],
  notes: '',
  ...extra,
});

/** A report for a week long closed, written as the store holds it. */
async function oldReport(unit: UnitDoc, label: string, by: { _id: Types.ObjectId; username: string }) {
  return FieldReport.create({ team: unit._id, week: label, lineage: unit.lineage, counts: { vneid: 4, onlineService: 0, dossier: 0, digitise: 0, other: 0 }, difficulties: [], filedBy: by._id, filedByUsername: by.username, updatedBy: by._id, updatedByUsername: by.username });
}

beforeAll(async () => {
  await createTree();
  // A second team in the Hà Nội commune, and an empty one that never reports.
  const more = await importOrgCsv(['code,name_vi,name_en,level,parent_code,remote', 'T-HN2,Đội Ba Đình 2,Ba Dinh Team 2,team,C-HN,false', 'T-HN3,Đội Ba Đình 3,Ba Dinh Team 3,team,C-HN,false'].join('\n'));
  expect(more.problems).toEqual([]);
  app = testApp();
  team = (await findUnitByCode('T-HN'))!;
  const { user } = await createUser('trainer', 'T-HN', { username: 'leader.hn' });
  leader = await signedInAgent(app, user.username);
  leaderHn2 = (await createUser('trainer', 'T-HN2')).user;
  leaderCb = (await createUser('trainer', 'T-CB')).user;
  staffHn = await signedInAgent(app, (await createUser('staff', '01')).user.username);
  staffCb = await signedInAgent(app, (await createUser('staff', '04')).user.username);
});

async function postReport(agent: request.Agent, label: string, body: Record<string, string>) {
  const _csrf = await csrfToken(agent, '/field-reports');
  return agent.post(`/field-reports/week/${label}`).type('form').send({ _csrf, ...body });
}

describe('a team leader files the weekly report', () => {
  it('when the home page is opened before filing, should say the report is due, and filed afterwards', async () => {
    const label = week().label;
    const before = await leader.get('/');
    expect(before.text).toContain(label);
    expect(before.text).toContain('Chưa gửi');
    const res = await postReport(leader, label, { vneid: '12', onlineService: '5', dossier: '', digitise: '2', other: '0', d0_category: 'connectivity', d0_description: 'Sóng yếu ở thôn Nà Ca', d0_help: '1', notes: '' });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe(`/field-reports?saved=${label}`);
    const after = await leader.get('/');
    expect(after.text).toContain('Đã gửi');
    expect(after.text).toContain('đã hỗ trợ 19 người, 1 khó khăn');
    const page = await leader.get(`/field-reports?saved=${label}`);
    expect(page.text).toContain(`Đã lưu báo cáo ${formatWeek('vi', week())}`);
  });

  it('when the same report is sent twice at once, should keep one report per team per week', async () => {
    const label = week().label;
    const tokens = await Promise.all([0, 1, 2, 3, 4, 5].map(() => csrfToken(leader, '/field-reports')));
    const results = await Promise.all(tokens.map((_csrf, i) => leader.post(`/field-reports/week/${label}`).type('form').send({ _csrf, vneid: String(20 + i) })));
    expect(results.map((r) => r.status)).toEqual([303, 303, 303, 303, 303, 303]);
    const stored = await FieldReport.find({ team: team._id, week: label }).lean();
    expect(stored).toHaveLength(1);
    expect(stored[0]!.counts!.vneid).toBeGreaterThanOrEqual(20);
  });

  it('when two filings race through the service for a team with no report, should create one and edit it with the other', async () => {
    const hn2 = (await findUnitByCode('T-HN2'))!;
    const actor = toActor(leaderHn2);
    const outcomes = await Promise.all(Array.from({ length: 8 }, (_, i) => fileReport(actor, hn2, week(), input(i + 1))));
    expect(outcomes.filter((o) => o.created)).toHaveLength(1);
    expect(await FieldReport.countDocuments({ team: hn2._id, week: week().label })).toBe(1);
    const { report, created } = await fileReport(actor, hn2, week(), input(30));
    expect(created).toBe(false);
    expect(report.counts!.vneid).toBe(30);
    expect(report.revision).toBeGreaterThanOrEqual(1);
  });

  it('when a count or a difficulty is wrong, should say which and keep what was typed and what was saved', async () => {
    const label = week().label;
    const before = await FieldReport.findOne({ team: team._id, week: label }).lean();
    const res = await postReport(leader, label, { vneid: '-3', onlineService: 'mười', dossier: '7', d1_description: 'Máy hỏng', d2_category: 'devices', d3_category: 'hack', d3_description: 'x' });
    expect(res.status).toBe(400);
    expect(res.text).toContain('id="vneid-error"');
    expect(res.text).toContain('id="onlineService-error"');
    expect(res.text).toContain('id="d1_category-error"');
    expect(res.text).toContain('id="d2_description-error"');
    expect(res.text).toContain('id="d3_category-error"');
    expect(res.text).toContain('value="mười"');
    expect(res.text).toContain('>Máy hỏng</textarea>');
    const after = await FieldReport.findOne({ team: team._id, week: label }).lean();
    expect(after!.revision).toBe(before!.revision);
    const english = await leader.post(`/field-reports/week/${label}`).set('Accept-Language', 'en').type('form').send({ _csrf: await csrfToken(leader, '/field-reports'), vneid: '1000001' });
    expect(english.text).toContain('Enter a whole number from 0 to 100,000.');
  });

  it('when the week is closed, should refuse to file or edit and leave the stored report as it was', async () => {
    const old = shiftWeek(week(), -2);
    const { user } = await createUser('trainer', 'T-HN', { username: 'leader.hn.b' });
    await oldReport(team, old.label, user);
    const res = await postReport(leader, old.label, { vneid: '99' });
    expect(res.status).toBe(409);
    expect(res.text).toContain(`${formatWeek('vi', old)} đã khóa sổ`);
    expect((await FieldReport.findOne({ team: team._id, week: old.label }).lean())!.counts!.vneid).toBe(4);
    const view = await leader.get(`/field-reports/week/${old.label}`);
    expect(view.status).toBe(200);
    expect(view.text).not.toContain('<form method="post" action="/field-reports/week/');
    expect(view.text).toContain('Đã khóa sổ');
    await expect(fileReport(toActor(user), team, old, input(1))).rejects.toMatchObject({ messageKey: 'fieldReports.refused.closed' });
    // The week after this one has not started: there is nothing to file.
    expect((await leader.get(`/field-reports/week/${shiftWeek(week(), 1).label}`)).status).toBe(404);
    expect((await postReport(leader, shiftWeek(week(), 1).label, { vneid: '1' })).status).toBe(404);
  });

  it('when the week is open, should let the leader edit, keeping what staff recorded on the difficulties kept', async () => {
    const label = week().label;
    await postReport(leader, label, { vneid: '8', d0_category: 'systemErrors', d0_description: 'Cổng DVC lỗi khi nộp hồ sơ', d0_help: '1', d1_category: 'devices', d1_description: 'Thiếu máy tính bảng' });
    const report = (await FieldReport.findOne({ team: team._id, week: label }).lean())!;
    const [first, second] = report.difficulties;
    const staffActor = { id: report.filedBy, username: 'someone', role: 'staff' as const, unitId: team.lineage[1]! };
    await takeUpDifficulty(staffActor, String(report._id), String(first!._id), 'Đã báo Sở KH&CN');
    const edit = await postReport(leader, label, { vneid: '9', d0_id: String(first!._id), d0_category: 'systemErrors', d0_description: 'Cổng DVC lỗi khi nộp hồ sơ (đã đỡ)', d0_help: '1', d1_id: String(second!._id), d1_category: '', d1_description: '' });
    expect(edit.status).toBe(303);
    const after = (await findReport(team._id, label))!;
    expect(after.counts.vneid).toBe(9);
    expect(after.difficulties).toHaveLength(1); // the emptied row is removed
    expect(String(after.difficulties[0]!._id)).toBe(String(first!._id));
    expect(after.difficulties[0]!.takenUpNote).toBe('Đã báo Sở KH&CN');
    expect(after.difficulties[0]!.description).toBe('Cổng DVC lỗi khi nộp hồ sơ (đã đỡ)');
    const form = await leader.get(`/field-reports/week/${label}`);
    expect(form.text).toContain('Đã báo Sở KH&amp;CN');
  });
});

describe('weekly summaries', () => {
  beforeAll(async () => {
    const cb = (await findUnitByCode('T-CB'))!;
    await fileReport(toActor(leaderCb), cb, week(), input(7, { difficulties: [{ category: 'connectivity', description: '=HYPERLINK("http://evil.example","x")', helpNeeded: true }] }));
  });

  it('when read at team, commune, province and centre, should add up across levels and list the teams that did not report', async () => {
    const central = (await findUnitByCode('TW'))!;
    const hn = (await findUnitByCode('01'))!;
    const commune = (await findUnitByCode('C-HN'))!;
    const [c, p, k] = await Promise.all([weekSummary(central, week()), weekSummary(hn, week()), weekSummary(commune, week())]);
    const sum = (rows: { figures: { helped: number; reported: number; teams: number; counts: Record<string, number> } }[], f: (x: (typeof rows)[number]['figures']) => number) => rows.reduce((s, r) => s + f(r.figures), 0);
    for (const s of [c, p, k]) {
      expect(sum(s.children, (f) => f.helped)).toBe(s.total.helped);
      expect(sum(s.children, (f) => f.reported)).toBe(s.total.reported);
      expect(sum(s.children, (f) => f.teams)).toBe(s.total.teams);
      expect(sum(s.children, (f) => f.counts.vneid!)).toBe(s.total.counts.vneid);
    }
    expect(k.total.teams).toBe(3);
    expect(k.total.reported).toBe(2);
    expect(k.missing.map((m) => m.team.code)).toEqual(['T-HN3']);
    expect(p.total).toEqual(k.total);
    const cbRow = c.children.find((x) => x.unit.code === '04')!;
    expect(cbRow.figures).toMatchObject({ teams: 1, reported: 1, helped: 10, difficulties: 1, helpNeeded: 1 });
    expect(c.total.helped).toBe(p.total.helped + 10);
    expect(c.byCategory.map((g) => g.category)).toEqual(['connectivity', 'systemErrors']);
  });

  it('when province staff open the summary, should show their teams, the difficulties and the trend, and nothing of another province', async () => {
    const res = await staffHn.get('/field-reports/summary');
    expect(res.status).toBe(200);
    expect(res.text).toContain('Phường Ba Đình');
    expect(res.text).toContain('Cổng DVC lỗi khi nộp hồ sơ (đã đỡ)');
    expect(res.text).toContain('Đội Ba Đình 3'); // did not report
    expect(res.text).toContain('<svg');
    expect(res.text).not.toContain('evil.example');
    expect((await staffCb.get('/field-reports/summary?unit=01')).status).toBe(404);
    expect((await staffCb.get('/field-reports/summary.csv?unit=C-HN')).status).toBe(404);
    expect((await staffHn.get('/field-reports/summary?week=2026-W99')).status).toBe(404);
    expect((await staffHn.get('/field-reports/summary?unit=%24where')).status).toBe(404);
    expect((await leader.get('/field-reports/summary')).status).toBe(403);
  });

  it('when staff take a difficulty up, should need a note, record who and when, and audit it; staff elsewhere cannot', async () => {
    const report = (await FieldReport.findOne({ team: team._id, week: week().label }).lean())!;
    const d = report.difficulties[0]!;
    const path_ = `/field-reports/difficulties/${report._id}/${d._id}`;
    const _csrf = await csrfToken(staffHn, '/field-reports/summary');
    const empty = await staffHn.post(path_).type('form').send({ _csrf, note: '  ', unit: '01', week: week().label });
    expect(empty.status).toBe(400);
    expect(empty.text).toContain('Ghi ngắn gọn Đoàn đang xử lý việc này thế nào.');
    const other = await staffCb.post(path_).type('form').send({ _csrf: await csrfToken(staffCb, '/field-reports/summary'), note: 'x' });
    expect(other.status).toBe(404);
    const ok = await staffHn.post(path_).type('form').send({ _csrf, note: 'Tỉnh đoàn đã làm việc với VNPT', unit: '01', week: week().label });
    expect(ok.status).toBe(303);
    expect(ok.headers.location).toBe(`/field-reports/summary?unit=01&week=${week().label}#d-${d._id}`);
    const after = (await findReport(team._id, week().label))!;
    expect(after.difficulties[0]!.takenUpNote).toBe('Tỉnh đoàn đã làm việc với VNPT');
    expect(await countAuditEntries({ action: 'fieldreport.difficulty.taken_up', details: new RegExp(String(d._id)) })).toBe(2); // the first when the leader's edit was checked
    expect((await staffHn.post(`/field-reports/difficulties/nope/${d._id}`).type('form').send({ _csrf, note: 'x' })).status).toBe(404);
  });
});

describe('weekly summary exports', () => {
  it('when exported as CSV with ?format=codes, should carry the page figures in snake_case, neutralise formulas, and be audited', async () => {
    const csv = await staffHn.get('/field-reports/summary.csv?unit=C-HN&format=codes');
    expect(csv.status).toBe(200);
    expect(csv.headers["content-disposition"]).toContain(`bao-cao-tuan-C-HN-tuan-${weekNumber(week().label)}-${dayLabelVietnam(week().start)}.csv`);
    const rows = parse(csv.text, { bom: true, columns: true }) as Record<string, string>[];
    expect(rows.map((r) => r.unit_code)).toEqual(['C-HN', 'T-HN', 'T-HN2', 'T-HN3']);
    expect(rows[0]).toMatchObject({ week: week().label, level: 'commune', teams: '3', teams_reported: '2', vneid: '39', people_helped: '42', difficulties: '1', help_needed: '1' });
    const diff = await staffCb.get('/field-reports/difficulties.csv?format=codes');
    const drows = parse(diff.text, { bom: true, columns: true }) as Record<string, string>[];
    expect(drows).toHaveLength(1);
    expect(drows[0]!.description).toBe('\'=HYPERLINK("http://evil.example","x")');
    expect(drows[0]).toMatchObject({ team_code: 'T-CB', province_code: '04', category: 'connectivity', help_needed: 'true', taken_up: 'false' });
    expect(await countAuditEntries({ action: 'report.exported', details: new RegExp(`^field-summary.csv unit=C-HN week=${week().label} codes`) })).toBe(1);
  });

  it('when exported as CSV, should by default read in the reader\'s words: headers, the week as people say it, levels, kinds and yes/no', async () => {
    const csv = await staffHn.get('/field-reports/summary.csv?unit=C-HN');
    const rows = parse(csv.text, { bom: true, columns: true }) as Record<string, string>[];
    expect(rows.map((r) => r['Mã đơn vị'])).toEqual(['C-HN', 'T-HN', 'T-HN2', 'T-HN3']);
    expect(rows[0]).toMatchObject({ Tuần: formatWeek('vi', week()), Cấp: 'Xã, phường, đặc khu', 'Số đội': '3', 'Số đội đã báo cáo': '2', 'Tổng số người được hỗ trợ': '42' });
    expect(rows[0]!['Tuần']).toMatch(/^Tuần \d{1,2} \(\d{2}\/\d{2}–\d{2}\/\d{2}\/\d{4}\)$|^Tuần \d{1,2} \(\d{2}\/\d{2}\/\d{4}–/);
    const drows = parse((await staffCb.get('/field-reports/difficulties.csv')).text, { bom: true, columns: true }) as Record<string, string>[];
    expect(drows[0]).toMatchObject({ 'Mã đội': 'T-CB', 'Loại khó khăn': 'Kết nối mạng', 'Cần hỗ trợ': 'Có', 'Đã tiếp nhận': 'Không', 'Mô tả': '\'=HYPERLINK("http://evil.example","x")' });
    await staffHn.get('/field-reports/summary.csv?format=plain').expect(400);
  });

  it('when exported as XLSX, should hold the summary, the difficulties and the teams that did not report, in words or in codes', async () => {
    const codes = await staffHn.get('/field-reports/summary.xlsx?format=codes').buffer(true).parse(binaryBody);
    expect(codes.status).toBe(200);
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(codes.body as never);
    expect(book.worksheets.map((w) => w.name)).toEqual(['summary', 'difficulties', 'not_reported']);
    expect(book.getWorksheet('summary')!.getRow(2).values).toEqual([undefined, week().label, '01', 'Thành phố Hà Nội', 'province', 3, 2, 39, 2, 1, 0, 0, 42, 1, 1]);
    expect(book.getWorksheet('not_reported')!.getRow(2).getCell(4).value).toBe('T-HN3');

    const words = await staffHn.get('/field-reports/summary.xlsx').buffer(true).parse(binaryBody);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(words.body as never);
    expect(wb.worksheets.map((w) => w.name)).toEqual(['Tổng hợp tuần', 'Khó khăn', 'Đội chưa báo cáo']);
    const summary = wb.worksheets[0]!;
    expect(summary.getRow(1).getCell(1).value).toBe('Tuần');
    expect(summary.getRow(1).getCell(1).font?.bold).toBe(true);
    expect(summary.getRow(2).values).toEqual([undefined, formatWeek('vi', week()), '01', 'Thành phố Hà Nội', 'Tỉnh, thành phố', 3, 2, 39, 2, 1, 0, 0, 42, 1, 1]);
  });

  it('when exported as PDF, should be an A4 portrait document with the title block, the week said once, the totals, the difficulties and the signatures', async () => {
    const res = await staffHn.get('/field-reports/summary.pdf').buffer(true).parse(binaryBody);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/pdf');
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'fr-')), 's.pdf');
    fs.writeFileSync(file, res.body as Buffer);
    const info = execFileSync('pdfinfo', [file]).toString();
    expect(info).toMatch(/Page size:\s+595\.28 x 841\.89 pts \(A4\)/);
    const flat = execFileSync('pdftotext', ['-raw', file, '-']).toString().replace(/\s+/g, ' ');
    expect(flat).toContain('ĐOÀN TNCS HỒ CHÍ MINH');
    expect(flat).toContain('BÁO CÁO KẾT QUẢ HOẠT ĐỘNG CỦA CÁC ĐỘI TÌNH NGUYỆN');
    expect(flat).toContain(`Báo cáo ${formatWeek('vi', week())} — Thành phố Hà Nội`);
    // the week's days are in the title: nothing else says them again
    expect(flat.split(weekRangeText(week().start))).toHaveLength(2);
    expect(flat).toMatch(/Lập lúc \d{2}\/\d{2}\/\d{4} \d{2}:\d{2}/);
    expect(flat).toContain('2/3 đội đã báo cáo · hỗ trợ 42 người');
    expect(flat).toContain('Cài đặt, kích hoạt VNeID 39');
    expect(flat).toContain('Cổng DVC lỗi khi nộp hồ sơ');
    expect(flat).toContain('Đội Ba Đình 3');
    expect(flat).toContain('NGƯỜI LẬP BIỂU');
  });
});

describe('when the tree is re-organised', () => {
  it('when a team moves to another province, should take its reports along to the new province\'s summary', async () => {
    const report = await importOrgCsv(['code,name_vi,name_en,level,parent_code,remote', 'T-HN2,Đội Ba Đình 2,Ba Dinh Team 2,team,C-CB,false'].join('\n'));
    expect(report.problems).toEqual([]);
    const cb = await staffCb.get('/field-reports/summary.csv?format=codes');
    const rows = parse(cb.text, { bom: true, columns: true }) as Record<string, string>[];
    expect(rows[0]).toMatchObject({ unit_code: '04', teams: '2', teams_reported: '2', people_helped: String(10 + 33) });
    const hn = parse((await staffHn.get('/field-reports/summary.csv?format=codes')).text, { bom: true, columns: true }) as Record<string, string>[];
    expect(hn[0]).toMatchObject({ unit_code: '01', teams: '2', teams_reported: '1', people_helped: '9' });
  });
});

describe('who may see weekly reports', () => {
  it('when a trainer leads no team, should explain that team leaders file; volunteers and staff cannot file', async () => {
    const { user } = await createUser('trainer', 'C-HN');
    const commune = await signedInAgent(app, user.username);
    const res = await commune.get('/field-reports');
    expect(res.status).toBe(200);
    expect(res.text).toContain('không phải một đội');
    expect((await commune.get(`/field-reports/week/${week().label}`)).status).toBe(403);
    // The menu offers weekly reports to team leaders and staff only.
    expect((await commune.get('/courses')).text).not.toContain('href="/field-reports"');
    expect((await leader.get('/courses')).text).toContain('href="/field-reports"');
    expect((await staffHn.get('/courses')).text).toContain('href="/field-reports"');
    const volunteer = await signedInAgent(app, (await createUser('volunteer', 'T-HN')).user.username);
    expect((await volunteer.get('/field-reports')).status).toBe(403);
    expect((await staffHn.get(`/field-reports/week/${week().label}`)).status).toBe(403);
    expect((await staffHn.get('/field-reports')).headers.location).toBe('/field-reports/summary');
    expect(parseWeek(week().label)).not.toBeNull();
  });
});

describe('a big unit\'s summary', () => {
  it('when a big unit\'s summary is opened, should be read once a minute for everyone, and say when', async () => {
    summaryKeeping.LIVE_MAX_TEAMS = 0; // every unit counts as big
    try {
      const first = await staffHn.get('/field-reports/summary?unit=01').expect(200);
      expect(first.text).toContain('Số liệu lúc');
      const teamsLine = (text: string) => /<strong>(\d+)\/(\d+)<\/strong><span>Đội đã báo cáo/.exec(text)?.slice(1, 3).join('/');
      const before = teamsLine(first.text);
      // a report written without the service (as another app process would): the kept summary stands
      const leaderHn3 = (await createUser('trainer', 'T-HN3')).user;
      const t3 = (await findUnitByCode('T-HN3'))!;
      await FieldReport.create({ team: t3._id, week: week().label, lineage: t3.lineage, counts: { vneid: 1, onlineService: 0, dossier: 0, digitise: 0, other: 0 }, difficulties: [], filedBy: leaderHn3._id, filedByUsername: leaderHn3.username, updatedBy: leaderHn3._id, updatedByUsername: leaderHn3.username });
      expect(teamsLine((await staffHn.get('/field-reports/summary?unit=01').expect(200)).text)).toBe(before);
      // a minute later it is read again (the old copy is shown while the new one is read)
      summaryKeeping.KEEP_MS = 0;
      let after = before;
      for (let i = 0; i < 100 && after === before; i++) {
        after = teamsLine((await staffHn.get('/field-reports/summary?unit=01').expect(200)).text);
        if (after === before) await new Promise((r) => setTimeout(r, 50));
      }
      expect(after).not.toBe(before);
      await FieldReport.deleteOne({ team: t3._id, week: week().label });
      forgetSummaries();
    } finally {
      summaryKeeping.LIVE_MAX_TEAMS = 60;
      summaryKeeping.KEEP_MS = 60_000;
    }
  });
});

describe("a team's list of weeks", () => {
  it("when staff took up a difficulty of one of several past reports, should show it on that week only (the team's take-ups read at once)", async () => {
    const team2 = (await findUnitByCode('T-HN2'))!;
    const older = [shiftWeek(week(), -5).label, shiftWeek(week(), -6).label];
    const reports = [];
    for (const label of older) {
      const r = await oldReport(team2, label, leaderHn2);
      await FieldReport.updateOne({ _id: r._id }, { $push: { difficulties: { category: 'devices', description: `Thiếu máy ${label}`, helpNeeded: true } } });
      reports.push((await FieldReport.findById(r._id).lean())!);
    }
    const staffActor = { id: leaderHn2._id, username: 'staff.someone', role: 'staff' as const, unitId: team2.lineage[1]! };
    await takeUpDifficulty(staffActor, String(reports[1]!._id), String(reports[1]!.difficulties[0]!._id), 'Đã chuyển máy');
    const agent = await signedInAgent(app, leaderHn2.username);
    const page = await agent.get('/field-reports');
    expect(page.status).toBe(200);
    expect(page.text.split('1 khó khăn đã được Đoàn tiếp nhận')).toHaveLength(2);
    const items = page.text.split('<li').filter((li) => li.includes('khó khăn'));
    const takenItem = items.find((li) => li.includes('đã được Đoàn tiếp nhận'))!;
    expect(takenItem).toContain(`/field-reports/week/${older[1]}`);
    expect((await findReport(team2._id, older[0]!))!.difficulties[0]!.takenUpNote ?? null).toBeNull();
    expect((await findReport(team2._id, older[1]!))!.difficulties[0]!.takenUpNote).toBe('Đã chuyển máy');
  });
});

describe('the week printed for the briefing', () => {
  const LONG_COMMUNE = 'Xã Ea Tiêu thuộc vùng đồng bào dân tộc thiểu số của huyện Cư Kuin cũ (địa bàn sáp nhập)';
  const LONG_TEAMS = [
    { code: 'T-DL-1', name: 'Đội Thanh niên tình nguyện hỗ trợ chuyển đổi số và dịch vụ công trực tuyến thôn Ea Kmar' },
    { code: 'T-DL-2', name: 'Đội Thanh niên tình nguyện hỗ trợ người cao tuổi cài đặt VNeID buôn Ea Tiêu và buôn Kram' },
    { code: 'T-DL-3', name: 'Đội Thanh niên tình nguyện hỗ trợ số hóa hồ sơ hộ tịch tại nhà văn hóa thôn Ea Bông' },
  ];
  const LONG_DESCRIPTION =
    'Trạm phát sóng ở buôn Kram thường xuyên mất tín hiệu vào buổi chiều nên người dân không nhận được mã OTP khi kích hoạt tài khoản định danh điện tử mức độ 2; đội đã đưa bà con ra trụ sở xã nhưng nhiều cụ già không đi được xa, cần Đoàn cấp trên đề nghị nhà mạng kiểm tra trạm và hỗ trợ một bộ phát sóng di động cho các buổi tối.';

  it('when the week has long names and long difficulties over several pages, should print every one whole, the header again on the next page, who took help up, and the signatures', async () => {
    const rows = ['code,name_vi,name_en,level,parent_code,remote', `C-DL,${LONG_COMMUNE},Ea Tieu Commune,commune,66,true`, ...LONG_TEAMS.map((t) => `${t.code},${t.name},${t.code} Team,team,C-DL,true`)];
    expect((await importOrgCsv(rows.join('\n'))).problems).toEqual([]);
    const [t1, t2] = await Promise.all([findUnitByCode('T-DL-1'), findUnitByCode('T-DL-2')]);
    const leader1 = toActor((await createUser('trainer', 'T-DL-1')).user);
    const leader2 = toActor((await createUser('trainer', 'T-DL-2')).user);
    const many = (n: number) => Array.from({ length: n }, (_, i) => ({ category: i % 2 ? 'devices' : 'connectivity', description: `${i + 1}. ${LONG_DESCRIPTION}`, helpNeeded: i % 3 !== 2 })) as ReportInput['difficulties'];
    const { report } = await fileReport(leader1, t1!, week(), input(7, { difficulties: many(8) }));
    await fileReport(leader2, t2!, week(), input(3, { difficulties: many(4) }));
    const { user: staffUser } = await createUser('staff', '66', { fullName: 'Nguyễn Thị Hồng Nhung' });
    await takeUpDifficulty(toActor(staffUser), String(report._id), String(report.difficulties[0]!._id), 'Tỉnh đoàn đã gửi công văn đề nghị nhà mạng kiểm tra trạm phát sóng buôn Kram trong tuần này');
    const staffDl = await signedInAgent(app, staffUser.username);

    const res = await staffDl.get('/field-reports/summary.pdf').buffer(true).parse(binaryBody).expect(200);
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'fr-')), 'dl.pdf');
    fs.writeFileSync(file, res.body as Buffer);
    const info = execFileSync('pdfinfo', [file]).toString();
    expect(info).toMatch(/Page size:\s+595\.28 x 841\.89 pts \(A4\)/);
    const pages = Number(/Pages:\s+(\d+)/.exec(info)![1]);
    expect(pages).toBeGreaterThanOrEqual(2); // 12 long difficulties do not fit on one page

    // Rendered as a person sees it (look at test-results/field-report-*.png).
    const out = path.join(__dirname, '..', '..', 'test-results');
    fs.mkdirSync(out, { recursive: true });
    execFileSync('pdftoppm', ['-png', '-r', '60', file, path.join(out, 'field-report')]);
    expect(fs.readdirSync(out).filter((f) => /^field-report-\d+\.png$/.test(f)).length).toBe(pages);

    // In content order, whatever the wrapping: every name and description whole, nothing cut with an ellipsis.
    const raw = execFileSync('pdftotext', ['-raw', file, '-']).toString();
    const squeezed = raw.replace(/\s+/g, '');
    const flat = raw.replace(/\s+/g, ' ');
    expect(raw).not.toContain('…');
    for (const name of [LONG_COMMUNE, ...LONG_TEAMS.map((t) => t.name), 'Tỉnh Đắk Lắk']) expect(squeezed).toContain(name.replace(/\s+/g, ''));
    for (let i = 1; i <= 8; i++) expect(squeezed).toContain(`${i}. ${LONG_DESCRIPTION}`.replace(/\s+/g, ''));
    expect(flat).toContain('BÁO CÁO KẾT QUẢ HOẠT ĐỘNG CỦA CÁC ĐỘI TÌNH NGUYỆN');
    expect(flat).toContain(`Báo cáo ${formatWeek('vi', week())} — Tỉnh Đắk Lắk`);
    expect(flat).toContain('2/3 đội đã báo cáo · hỗ trợ 16 người · 12 khó khăn, 9 cần hỗ trợ');
    // grouped by category, help needed and not taken up first; who took one up, with their post
    expect(flat).toContain('Đơn vị (mã) Đã báo cáo VNeID DVC trực tuyến Hồ sơ Số hóa Khác Số người Khó khăn (cần hỗ trợ)');
    expect(flat).toContain('Kết nối mạng: 6 khó khăn, 3 cần hỗ trợ chưa được tiếp nhận');
    const connectivity = flat.slice(flat.indexOf('Kết nối mạng: 6 khó khăn'), flat.indexOf('Thiết bị: 6 khó khăn'));
    expect(connectivity.indexOf('Cần hỗ trợ, chưa được tiếp nhận')).toBeLessThan(connectivity.indexOf('Đã tiếp nhận'));
    expect(connectivity.indexOf('Đã tiếp nhận')).toBeLessThan(connectivity.indexOf('Không đề nghị hỗ trợ'));
    expect(squeezed).toContain('bởiNguyễnThịHồngNhung(CánbộĐoàn·TỉnhĐắkLắk)');
    expect(squeezed).toContain('Nộidung:Tỉnhđoànđãgửicôngvănđềnghịnhàmạngkiểmtratrạmphátsóngbuôn');
    // the table goes on over the page under its header again
    const second = (raw.split('\f')[1] ?? '').replace(/\s+/g, ' ');
    expect(second).toContain('(tiếp theo)');
    expect(second).toContain('Đội, xã Khó khăn Hỗ trợ');
    // the team that did not report, and the signatures on the last page
    expect(flat).toContain('Đội chưa báo cáo (1)');
    expect(flat).toMatch(/Tỉnh Đắk Lắk, ngày \d{2} tháng \d{2} năm \d{4}/);
    expect(flat).toContain('NGƯỜI LẬP BIỂU');
    expect(flat).toContain('LÃNH ĐẠO ĐƠN VỊ');
    expect(flat).toContain(`Trang ${pages}/${pages}`);

    // In English, the same document in English words.
    const en = await staffDl.get('/field-reports/summary.pdf').set('Accept-Language', 'en').buffer(true).parse(binaryBody).expect(200);
    const enFile = path.join(path.dirname(file), 'en.pdf');
    fs.writeFileSync(enFile, en.body as Buffer);
    execFileSync('pdftoppm', ['-png', '-r', '60', '-f', '1', '-l', '1', enFile, path.join(out, 'field-report-en')]);
    const enFlat = execFileSync('pdftotext', ['-raw', enFile, '-']).toString().replace(/\s+/g, ' ');
    expect(enFlat).toContain('WEEKLY REPORT OF THE VOLUNTEER TEAMS');
    expect(enFlat).toContain('2/3 teams reported · 16 people helped');
    expect(enFlat).toContain('Connectivity: 6 difficulties, 3 needing help not yet taken up');
    // a column header breaks between words only
    expect(enFlat).toContain('Reported VNeID Online service Dossier Digitising Other People Difficulties (help needed)');
    expect(enFlat).toContain('PREPARED BY');
    expect(enFlat).not.toContain('…');
  }, 60_000);
});
