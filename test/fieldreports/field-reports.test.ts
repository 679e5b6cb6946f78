import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { parse } from 'csv-parse/sync';
import type { Types } from 'mongoose';
import request from 'supertest';
import { toActor, type UserDoc } from '../../src/accounts';
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
  app = testApp();
});

interface OwnCommune {
  province: UnitDoc;
  commune: UnitDoc;
  teams: UnitDoc[];
}

/**
 * A part of the tree of the test's own (codes no other test uses): a commune with its teams, in a
 * new province of that name when `province` is given (its figures are then the test's own), else in Hà Nội (01).
 */
async function ownCommune(teams: string[], names: { commune?: string; province?: string } = {}): Promise<OwnCommune> {
  const s = randomBytes(3).toString('hex');
  const provinceCode = names.province ? `P-${s}` : '01';
  const rows = ['code,name_vi,name_en,level,parent_code,remote'];
  if (names.province) rows.push(`${provinceCode},${names.province},Province ${s},province,TW,false`);
  rows.push(`C-${s},${names.commune ?? 'Phường Ba Đình'},Commune ${s},commune,${provinceCode},false`);
  teams.forEach((name, i) => rows.push(`T-${s}-${i + 1},${name},Team ${s} ${i + 1},team,C-${s},false`));
  expect((await importOrgCsv(rows.join('\n'))).problems).toEqual([]);
  const [province, commune, ...own] = await Promise.all([findUnitByCode(provinceCode), findUnitByCode(`C-${s}`), ...teams.map((_, i) => findUnitByCode(`T-${s}-${i + 1}`))]);
  return { province: province!, commune: commune!, teams: own.map((u) => u!) };
}

/** A team of its own (no report yet) and its leader, signed in. */
async function ownTeam(): Promise<{ team: UnitDoc; user: UserDoc; leader: request.Agent }> {
  const { teams } = await ownCommune(['Đội Ba Đình']);
  const { user } = await createUser('trainer', teams[0]!.code);
  return { team: teams[0]!, user, leader: await signedInAgent(app, user.username) };
}

/**
 * The week the summaries are read on, in two provinces of the test's own: "Hà Nội" has a commune
 * with three teams, the first reported 9 people helped with one system error (help needed), the second
 * input(30), the third nothing; "Cao Bằng" has one team that reported input(7) with a difficulty
 * written as a spreadsheet formula. Filed through the service in `at` (this week unless given),
 * with the staff of each province signed in.
 */
async function reportedWeek(at: { week: ReturnType<typeof currentWeek>; now: Date } = { week: week(), now: new Date() }) {
  const hn = await ownCommune(['Đội Ba Đình', 'Đội Ba Đình 2', 'Đội Ba Đình 3'], { province: 'Thành phố Thử Nghiệm' });
  const cb = await ownCommune(['Đội Trà Lĩnh'], { province: 'Tỉnh Thử Nghiệm', commune: 'Xã Trà Lĩnh' });
  const [t1, t2, t3] = hn.teams as [UnitDoc, UnitDoc, UnitDoc];
  const [leader1, leader2, leaderCb] = await Promise.all([t1, t2, cb.teams[0]!].map(async (t) => (await createUser('trainer', t.code)).user));
  const systemError = { category: 'systemErrors', description: 'Cổng DVC lỗi khi nộp hồ sơ (đã đỡ)', helpNeeded: true } as ReportInput['difficulties'][number];
  const formula = { category: 'connectivity', description: '=HYPERLINK("http://evil.example","x")', helpNeeded: true } as ReportInput['difficulties'][number];
  await fileReport(toActor(leader1!), t1, at.week, { counts: { vneid: 9, onlineService: 0, dossier: 0, digitise: 0, other: 0 }, difficulties: [systemError], notes: '' }, at.now);
  await fileReport(toActor(leader2!), t2, at.week, input(30), at.now);
  await fileReport(toActor(leaderCb!), cb.teams[0]!, at.week, input(7, { difficulties: [formula] }), at.now);
  const staffHn = await signedInAgent(app, (await createUser('staff', hn.province.code)).user.username);
  const staffCb = await signedInAgent(app, (await createUser('staff', cb.province.code)).user.username);
  return { hn, cb, t1, t2, t3, leader1: leader1!, leader2: leader2!, staffHn, staffCb };
}

async function postReport(agent: request.Agent, label: string, body: Record<string, string>) {
  const _csrf = await csrfToken(agent, '/field-reports');
  return agent.post(`/field-reports/week/${label}`).type('form').send({ _csrf, ...body });
}

describe('a team leader files the weekly report', () => {
  it('when the home page is opened before filing, should say the report is due, and filed afterwards', async () => {
    const { leader } = await ownTeam();
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
    const { team, leader } = await ownTeam();
    const label = week().label;
    const tokens = await Promise.all([0, 1, 2, 3, 4, 5].map(() => csrfToken(leader, '/field-reports')));
    const results = await Promise.all(tokens.map((_csrf, i) => leader.post(`/field-reports/week/${label}`).type('form').send({ _csrf, vneid: String(20 + i) })));
    expect(results.map((r) => r.status)).toEqual([303, 303, 303, 303, 303, 303]);
    const stored = await FieldReport.find({ team: team._id, week: label }).lean();
    expect(stored).toHaveLength(1);
    expect(stored[0]!.counts!.vneid).toBeGreaterThanOrEqual(20);
  });

  it('when two filings race through the service for a team with no report, should create one and edit it with the other', async () => {
    const { team, user } = await ownTeam();
    const actor = toActor(user);
    const outcomes = await Promise.all(Array.from({ length: 8 }, (_, i) => fileReport(actor, team, week(), input(i + 1))));
    expect(outcomes.filter((o) => o.created)).toHaveLength(1);
    expect(await FieldReport.countDocuments({ team: team._id, week: week().label })).toBe(1);
    const { report, created } = await fileReport(actor, team, week(), input(30));
    expect(created).toBe(false);
    expect(report.counts!.vneid).toBe(30);
    expect(report.revision).toBeGreaterThanOrEqual(1);
  });

  it('when a count or a difficulty is wrong, should say which and keep what was typed and what was saved', async () => {
    const { team, user, leader } = await ownTeam();
    const label = week().label;
    await fileReport(toActor(user), team, week(), input(12)); // what was saved
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
    const { team, leader } = await ownTeam();
    const old = shiftWeek(week(), -2);
    const { user } = await createUser('trainer', team.code);
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
    const { team, leader } = await ownTeam();
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
  it('when read at team, commune, province and centre, should add up across levels and list the teams that did not report', async () => {
    // The centre sums every province: the reports are filed in a week of this test's own (a year ahead, as it runs).
    const own = shiftWeek(week(), 52);
    const { hn, cb, t3 } = await reportedWeek({ week: own, now: new Date(own.start.getTime() + 86_400_000) });
    const central = (await findUnitByCode('TW'))!;
    const [c, p, k] = await Promise.all([weekSummary(central, own), weekSummary(hn.province, own), weekSummary(hn.commune, own)]);
    const sum = (rows: { figures: { helped: number; reported: number; teams: number; counts: Record<string, number> } }[], f: (x: (typeof rows)[number]['figures']) => number) => rows.reduce((s, r) => s + f(r.figures), 0);
    for (const s of [c, p, k]) {
      expect(sum(s.children, (f) => f.helped)).toBe(s.total.helped);
      expect(sum(s.children, (f) => f.reported)).toBe(s.total.reported);
      expect(sum(s.children, (f) => f.teams)).toBe(s.total.teams);
      expect(sum(s.children, (f) => f.counts.vneid!)).toBe(s.total.counts.vneid);
    }
    expect(k.total.teams).toBe(3);
    expect(k.total.reported).toBe(2);
    expect(k.missing.map((m) => m.team.code)).toEqual([t3.code]);
    expect(p.total).toEqual(k.total);
    const cbRow = c.children.find((x) => x.unit.code === cb.province.code)!;
    expect(cbRow.figures).toMatchObject({ teams: 1, reported: 1, helped: 10, difficulties: 1, helpNeeded: 1 });
    expect(c.total.helped).toBe(p.total.helped + 10);
    expect(c.byCategory.map((g) => g.category)).toEqual(['connectivity', 'systemErrors']);
  });

  it('when province staff open the summary, should show their teams, the difficulties and the trend, and nothing of another province', async () => {
    const { hn, staffHn, staffCb, leader1 } = await reportedWeek();
    const res = await staffHn.get('/field-reports/summary');
    expect(res.status).toBe(200);
    expect(res.text).toContain('Phường Ba Đình');
    expect(res.text).toContain('Cổng DVC lỗi khi nộp hồ sơ (đã đỡ)');
    expect(res.text).toContain('Đội Ba Đình 3'); // did not report
    expect(res.text).toContain('<svg');
    expect(res.text).not.toContain('evil.example');
    expect((await staffCb.get(`/field-reports/summary?unit=${hn.province.code}`)).status).toBe(404);
    expect((await staffCb.get(`/field-reports/summary.csv?unit=${hn.commune.code}`)).status).toBe(404);
    expect((await staffHn.get('/field-reports/summary?week=2026-W99')).status).toBe(404);
    expect((await staffHn.get('/field-reports/summary?unit=%24where')).status).toBe(404);
    const leader = await signedInAgent(app, leader1.username);
    expect((await leader.get('/field-reports/summary')).status).toBe(403);
  });

  it('when staff take a difficulty up, should need a note, record who and when, and audit it; staff elsewhere cannot', async () => {
    const { hn, t1, staffHn, staffCb } = await reportedWeek();
    const report = (await FieldReport.findOne({ team: t1._id, week: week().label }).lean())!;
    const d = report.difficulties[0]!;
    // taken up once already (by the commune, through the service): the take-up below is the second
    await takeUpDifficulty({ id: report.filedBy, username: 'someone', role: 'staff' as const, unitId: hn.province._id }, String(report._id), String(d._id), 'Đã báo Sở KH&CN');
    const path_ = `/field-reports/difficulties/${report._id}/${d._id}`;
    const _csrf = await csrfToken(staffHn, '/field-reports/summary');
    const empty = await staffHn.post(path_).type('form').send({ _csrf, note: '  ', unit: hn.province.code, week: week().label });
    expect(empty.status).toBe(400);
    expect(empty.text).toContain('Ghi ngắn gọn Đoàn đang xử lý việc này thế nào.');
    const other = await staffCb.post(path_).type('form').send({ _csrf: await csrfToken(staffCb, '/field-reports/summary'), note: 'x' });
    expect(other.status).toBe(404);
    const ok = await staffHn.post(path_).type('form').send({ _csrf, note: 'Tỉnh đoàn đã làm việc với VNPT', unit: hn.province.code, week: week().label });
    expect(ok.status).toBe(303);
    expect(ok.headers.location).toBe(`/field-reports/summary?unit=${hn.province.code}&week=${week().label}#d-${d._id}`);
    const after = (await findReport(t1._id, week().label))!;
    expect(after.difficulties[0]!.takenUpNote).toBe('Tỉnh đoàn đã làm việc với VNPT');
    expect(await countAuditEntries({ action: 'fieldreport.difficulty.taken_up', details: new RegExp(String(d._id)) })).toBe(2); // the first when it was taken up through the service above
    expect((await staffHn.post(`/field-reports/difficulties/nope/${d._id}`).type('form').send({ _csrf, note: 'x' })).status).toBe(404);
  });
});

describe('weekly summary exports', () => {
  it('when exported as CSV with ?format=codes, should carry the page figures in snake_case, neutralise formulas, and be audited', async () => {
    const { hn, cb, t1, t2, t3, staffHn, staffCb } = await reportedWeek();
    const commune = hn.commune.code;
    const csv = await staffHn.get(`/field-reports/summary.csv?unit=${commune}&format=codes`);
    expect(csv.status).toBe(200);
    expect(csv.headers["content-disposition"]).toContain(`bao-cao-tuan-${commune}-tuan-${weekNumber(week().label)}-${dayLabelVietnam(week().start)}.csv`);
    const rows = parse(csv.text, { bom: true, columns: true }) as Record<string, string>[];
    expect(rows.map((r) => r.unit_code)).toEqual([commune, t1.code, t2.code, t3.code]);
    expect(rows[0]).toMatchObject({ week: week().label, level: 'commune', teams: '3', teams_reported: '2', vneid: '39', people_helped: '42', difficulties: '1', help_needed: '1' });
    const diff = await staffCb.get('/field-reports/difficulties.csv?format=codes');
    const drows = parse(diff.text, { bom: true, columns: true }) as Record<string, string>[];
    expect(drows).toHaveLength(1);
    expect(drows[0]!.description).toBe('\'=HYPERLINK("http://evil.example","x")');
    expect(drows[0]).toMatchObject({ team_code: cb.teams[0]!.code, province_code: cb.province.code, category: 'connectivity', help_needed: 'true', taken_up: 'false' });
    expect(await countAuditEntries({ action: 'report.exported', details: new RegExp(`^field-summary.csv unit=${commune} week=${week().label} codes`) })).toBe(1);
  });

  it('when exported as CSV, should by default read in the reader\'s words: headers, the week as people say it, levels, kinds and yes/no', async () => {
    const { hn, cb, t1, t2, t3, staffHn, staffCb } = await reportedWeek();
    const csv = await staffHn.get(`/field-reports/summary.csv?unit=${hn.commune.code}`);
    const rows = parse(csv.text, { bom: true, columns: true }) as Record<string, string>[];
    expect(rows.map((r) => r['Mã đơn vị'])).toEqual([hn.commune.code, t1.code, t2.code, t3.code]);
    expect(rows[0]).toMatchObject({ Tuần: formatWeek('vi', week()), Cấp: 'Xã, phường, đặc khu', 'Số đội': '3', 'Số đội đã báo cáo': '2', 'Tổng số người được hỗ trợ': '42' });
    expect(rows[0]!['Tuần']).toMatch(/^Tuần \d{1,2} \(\d{2}\/\d{2}–\d{2}\/\d{2}\/\d{4}\)$|^Tuần \d{1,2} \(\d{2}\/\d{2}\/\d{4}–/);
    const drows = parse((await staffCb.get('/field-reports/difficulties.csv')).text, { bom: true, columns: true }) as Record<string, string>[];
    expect(drows[0]).toMatchObject({ 'Mã đội': cb.teams[0]!.code, 'Loại khó khăn': 'Kết nối mạng', 'Cần hỗ trợ': 'Có', 'Đã tiếp nhận': 'Không', 'Mô tả': '\'=HYPERLINK("http://evil.example","x")' });
    await staffHn.get('/field-reports/summary.csv?format=plain').expect(400);
  });

  it('when exported as XLSX, should hold the summary, the difficulties and the teams that did not report, in words or in codes', async () => {
    const { hn, t3, staffHn } = await reportedWeek();
    const { code, nameVi } = hn.province;
    const codes = await staffHn.get('/field-reports/summary.xlsx?format=codes').buffer(true).parse(binaryBody);
    expect(codes.status).toBe(200);
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(codes.body as never);
    expect(book.worksheets.map((w) => w.name)).toEqual(['summary', 'difficulties', 'not_reported']);
    expect(book.getWorksheet('summary')!.getRow(2).values).toEqual([undefined, week().label, code, nameVi, 'province', 3, 2, 39, 2, 1, 0, 0, 42, 1, 1]);
    expect(book.getWorksheet('not_reported')!.getRow(2).getCell(4).value).toBe(t3.code);

    const words = await staffHn.get('/field-reports/summary.xlsx').buffer(true).parse(binaryBody);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(words.body as never);
    expect(wb.worksheets.map((w) => w.name)).toEqual(['Tổng hợp tuần', 'Khó khăn', 'Đội chưa báo cáo']);
    const summary = wb.worksheets[0]!;
    expect(summary.getRow(1).getCell(1).value).toBe('Tuần');
    expect(summary.getRow(1).getCell(1).font?.bold).toBe(true);
    expect(summary.getRow(2).values).toEqual([undefined, formatWeek('vi', week()), code, nameVi, 'Tỉnh, thành phố', 3, 2, 39, 2, 1, 0, 0, 42, 1, 1]);
  });

  it('when exported as PDF, should be an A4 portrait document with the title block, the week said once, the totals, the difficulties and the signatures', async () => {
    const { hn, staffHn } = await reportedWeek();
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
    expect(flat).toContain(`Báo cáo ${formatWeek('vi', week())} — ${hn.province.nameVi}`);
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
    const { hn, cb, t2, staffHn, staffCb } = await reportedWeek();
    const report = await importOrgCsv(['code,name_vi,name_en,level,parent_code,remote', `${t2.code},${t2.nameVi},${t2.nameEn},team,${cb.commune.code},false`].join('\n'));
    expect(report.problems).toEqual([]);
    const cbCsv = await staffCb.get('/field-reports/summary.csv?format=codes');
    const rows = parse(cbCsv.text, { bom: true, columns: true }) as Record<string, string>[];
    expect(rows[0]).toMatchObject({ unit_code: cb.province.code, teams: '2', teams_reported: '2', people_helped: String(10 + 33) });
    const hnRows = parse((await staffHn.get('/field-reports/summary.csv?format=codes')).text, { bom: true, columns: true }) as Record<string, string>[];
    expect(hnRows[0]).toMatchObject({ unit_code: hn.province.code, teams: '2', teams_reported: '1', people_helped: '9' });
  });
});

describe('who may see weekly reports', () => {
  it('when a trainer leads no team, should explain that team leaders file; volunteers and staff cannot file', async () => {
    const own = await ownCommune(['Đội Ba Đình']);
    const team = own.teams[0]!;
    const leader = await signedInAgent(app, (await createUser('trainer', team.code)).user.username);
    const { user } = await createUser('trainer', own.commune.code);
    const commune = await signedInAgent(app, user.username);
    const staffHn = await signedInAgent(app, (await createUser('staff', '01')).user.username);
    const res = await commune.get('/field-reports');
    expect(res.status).toBe(200);
    expect(res.text).toContain('không phải một đội');
    expect((await commune.get(`/field-reports/week/${week().label}`)).status).toBe(403);
    // The menu offers weekly reports to team leaders and staff only.
    expect((await commune.get('/courses')).text).not.toContain('href="/field-reports"');
    expect((await leader.get('/courses')).text).toContain('href="/field-reports"');
    expect((await staffHn.get('/courses')).text).toContain('href="/field-reports"');
    const volunteer = await signedInAgent(app, (await createUser('volunteer', team.code)).user.username);
    expect((await volunteer.get('/field-reports')).status).toBe(403);
    expect((await staffHn.get(`/field-reports/week/${week().label}`)).status).toBe(403);
    expect((await staffHn.get('/field-reports')).headers.location).toBe('/field-reports/summary');
    expect(parseWeek(week().label)).not.toBeNull();
  });
});

describe('a big unit\'s summary', () => {
  it('when a big unit\'s summary is opened, should be read once a minute for everyone, and say when', async () => {
    const { hn, t3, staffHn } = await reportedWeek();
    const unit = hn.province.code;
    forgetSummaries(); // nothing kept from before this test
    summaryKeeping.LIVE_MAX_TEAMS = 0; // every unit counts as big
    try {
      const first = await staffHn.get(`/field-reports/summary?unit=${unit}`).expect(200);
      expect(first.text).toContain('Số liệu lúc');
      const teamsLine = (text: string) => /<strong>(\d+)\/(\d+)<\/strong><span>Đội đã báo cáo/.exec(text)?.slice(1, 3).join('/');
      const before = teamsLine(first.text);
      // a report written without the service (as another app process would): the kept summary stands
      const leaderHn3 = (await createUser('trainer', t3.code)).user;
      await FieldReport.create({ team: t3._id, week: week().label, lineage: t3.lineage, counts: { vneid: 1, onlineService: 0, dossier: 0, digitise: 0, other: 0 }, difficulties: [], filedBy: leaderHn3._id, filedByUsername: leaderHn3.username, updatedBy: leaderHn3._id, updatedByUsername: leaderHn3.username });
      expect(teamsLine((await staffHn.get(`/field-reports/summary?unit=${unit}`).expect(200)).text)).toBe(before);
      // a minute later it is read again (the old copy is shown while the new one is read)
      summaryKeeping.KEEP_MS = 0;
      let after = before;
      for (let i = 0; i < 100 && after === before; i++) {
        after = teamsLine((await staffHn.get(`/field-reports/summary?unit=${unit}`).expect(200)).text);
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
    const { team: team2, user: leaderHn2, leader: agent } = await ownTeam();
    const older = [shiftWeek(week(), -5).label, shiftWeek(week(), -6).label];
    const reports = [];
    for (const label of older) {
      const r = await oldReport(team2, label, leaderHn2);
      await FieldReport.updateOne({ _id: r._id }, { $push: { difficulties: { category: 'devices', description: `Thiếu máy ${label}`, helpNeeded: true } } });
      reports.push((await FieldReport.findById(r._id).lean())!);
    }
    const staffActor = { id: leaderHn2._id, username: 'staff.someone', role: 'staff' as const, unitId: team2.lineage[1]! };
    await takeUpDifficulty(staffActor, String(reports[1]!._id), String(reports[1]!.difficulties[0]!._id), 'Đã chuyển máy');
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
