import ExcelJS from 'exceljs';
import type { Types } from 'mongoose';
import request from 'supertest';
import { parse } from 'csv-parse/sync';
import { dateTimeText } from '../../src/shared/dates';
import { moveUser, setDisabled, toActor } from '../../src/accounts';
import { revokeCertificate } from '../../src/certificates';
import { createCohort } from '../../src/cohorts';
import { completeIfDone, markLessonRead, resetCompletion } from '../../src/courses';
import { findUnitByCode, loadDefaultTreeIfEmpty } from '../../src/org';
import { figuresFor, figuresUnder, rebuildRollups, reconcile, refreshRollupsIfChanged, rollupCache } from '../../src/reports';
import { Rollup } from '../../src/reports/rollup.model';
import { sureUpdatesDone } from '../../src/db';
import { markFiguresChanged } from '../../src/shared/changes';
import { testApp } from '../helpers/app';
import { fixtureCatalog } from '../helpers/content';
import { useTestDatabase } from '../helpers/db';
import { countAuditEntries } from '../helpers/audit-records';
import { addMemberSince } from '../helpers/cohort-records';
import { binaryBody, createUser, signedInAgent } from '../helpers/factories';
import { setUserFields, userById } from '../helpers/people';
import { certificateOf, readAndPassAll } from '../helpers/progress';
import { freshPlace, type FreshPlace } from '../helpers/reports-fixtures';

useTestDatabase(__filename);
let app: ReturnType<typeof testApp>;

/** Completes a fixture course for a person through the real completion path. */
async function complete(userId: Types.ObjectId, slug: 'digital-literacy' | 'two-level-government') {
  const course = fixtureCatalog().courses.find((c) => c.slug === slug)!;
  await readAndPassAll(userId, course);
  await completeIfDone(userId, course);
}

async function unitFigures(code: string) {
  const unit = await findUnitByCode(code);
  return (await figuresFor([`unit:${unit!._id}`])).get(`unit:${unit!._id}`)!;
}

type Figures = Awaited<ReturnType<typeof unitFigures>>;

function minus(a: Figures, b: Figures): Figures {
  return { people: a.people - b.people, digitalLiteracy: a.digitalLiteracy - b.digitalLiteracy, twoLevelGovernment: a.twoLevelGovernment - b.twoLevelGovernment, compliant: a.compliant - b.compliant };
}

/** One test's own places and learners (no other test counts them or changes them). */
interface World {
  /** a province with a commune and a team, as Hà Nội: a, b and c are in its team */
  hn: FreshPlace;
  /** another province, remote, as Cao Bằng: d and e are in its team */
  cb: FreshPlace;
  people: Record<'a' | 'b' | 'c' | 'd' | 'e', Types.ObjectId>;
}

/**
 * Two new places, five volunteers and a staff member of the first province (staff are not
 * learners: never counted); a completed both courses, b Digital Literacy, d Two-Level
 * Government, c (whose name is a formula) and e nothing; then the roll-ups rebuilt.
 */
async function reportsWorld(): Promise<World> {
  const hn = await freshPlace({ province: 'Thành phố Hà Nội', commune: 'Phường Ba Đình', team: 'Đội Ba Đình' });
  const cb = await freshPlace({ province: 'Tỉnh Cao Bằng', commune: 'Xã Trà Lĩnh', team: 'Đội Trà Lĩnh' }, { remote: true });
  const people: Partial<World['people']> = {};
  for (const [name, place] of [['a', hn], ['b', hn], ['c', hn], ['d', cb], ['e', cb]] as const) {
    people[name] = (await createUser('volunteer', place.team, { fullName: name === 'c' ? '=HYPERLINK("http://evil.example","x")' : `Người ${name.toUpperCase()}` })).user._id;
  }
  const w: World = { hn, cb, people: people as World['people'] };
  await createUser('staff', hn.province); // staff are not learners: never counted
  await complete(w.people.a, 'digital-literacy');
  await complete(w.people.a, 'two-level-government');
  await complete(w.people.b, 'digital-literacy');
  await complete(w.people.d, 'two-level-government');
  await rebuildRollups();
  return w;
}

/** A test's own world and a staff member of its first province, signed in. */
async function reportsWorldWithStaff(): Promise<World & { staffHn: request.Agent }> {
  const w = await reportsWorld();
  return { ...w, staffHn: await signedInAgent(app, (await createUser('staff', w.hn.province)).user.username) };
}

beforeAll(() => {
  app = testApp();
});

describe('roll-ups', () => {
  it('should add up people, each course and compliance per unit, at every level', async () => {
    await loadDefaultTreeIfEmpty();
    await rebuildRollups();
    const nationBefore = await unitFigures('TW'); // the people of the tests that ran before, counted at the central level too
    const w = await reportsWorld();
    expect(await unitFigures(w.hn.team)).toEqual({ people: 3, digitalLiteracy: 2, twoLevelGovernment: 1, compliant: 1 });
    expect(await unitFigures(w.hn.province)).toEqual({ people: 3, digitalLiteracy: 2, twoLevelGovernment: 1, compliant: 1 });
    expect(await unitFigures(w.cb.team)).toEqual({ people: 2, digitalLiteracy: 0, twoLevelGovernment: 1, compliant: 0 });
    expect(minus(await unitFigures('TW'), nationBefore)).toEqual({ people: 5, digitalLiteracy: 2, twoLevelGovernment: 2, compliant: 1 });
  });

  it('should follow a move between units and a revoked certificate, and reconcile should then find nothing', async () => {
    const { hn, cb, people } = await reportsWorld();
    const admin = toActor((await createUser('admin', 'TW')).user);
    await moveUser(admin, String(people.b), cb.team);
    const cert = await certificateOf(people.a, 'two-level-government');
    await revokeCertificate(admin, cert!.serial, 'Kiểm tra thu hồi');
    await rebuildRollups();
    expect(await unitFigures(hn.team)).toEqual({ people: 2, digitalLiteracy: 1, twoLevelGovernment: 0, compliant: 0 });
    expect(await unitFigures(cb.team)).toEqual({ people: 3, digitalLiteracy: 1, twoLevelGovernment: 1, compliant: 0 });
    expect((await reconcile()).differences).toEqual([]);
  });

  it('the job should rebuild only after a completion or a change of people', async () => {
    const { cb, people } = await reportsWorld();
    await refreshRollupsIfChanged();
    expect(await refreshRollupsIfChanged()).toBe(false);
    await complete(people.e, 'digital-literacy');
    expect(await refreshRollupsIfChanged()).toBe(true);
    expect(await unitFigures(cb.team)).toMatchObject({ digitalLiteracy: 1 });
    expect(await refreshRollupsIfChanged()).toBe(false);
  });

  it('when people complete, start, move, leave or join, the job should update just their units and cascades, to what a rebuild gives', async () => {
    const { hn, cb, people } = await reportsWorld();
    // a cascade: trainer t (in hn's team) retrained a and d, and d retrained e
    const t = (await createUser('trainer', hn.team)).user;
    await setUserFields(people.a, { retrainedBy: t._id, cascadePath: [t._id] });
    await setUserFields(people.d, { retrainedBy: t._id, cascadePath: [t._id] });
    await setUserFields(people.e, { retrainedBy: people.d, cascadePath: [t._id, people.d] });
    await rebuildRollups();
    const generationsBefore = (await Rollup.find({ key: 'generation' }).lean()).length;
    const admin = toActor((await createUser('admin', 'TW')).user);
    const current = async () => {
      const docs = new Map<string, { people: number; digitalLiteracy: number; twoLevelGovernment: number; compliant: number; waiting: string[] }>();
      for (const d of (await Rollup.find({}).lean()).sort((x, y) => x.builtAt.getTime() - y.builtAt.getTime())) {
        if (['generation', 'incremental-pass'].includes(d.key) || d.key.startsWith('migration:')) continue;
        docs.set(d.key, { people: d.people, digitalLiteracy: d.digitalLiteracy, twoLevelGovernment: d.twoLevelGovernment, compliant: d.compliant, waiting: (d.waiting ?? []).map((w) => w.username ?? '') });
      }
      return new Map([...docs].filter(([, f]) => f.people > 0 || f.waiting.length > 0));
    };

    await complete(people.e, 'digital-literacy'); // deep in t's cascade
    // c starts a course (off the list of people not started)
    const tlg = fixtureCatalog().courses.find((c) => c.slug === 'two-level-government')!;
    const c = toActor((await userById(people.c))!);
    await markLessonRead(c, fixtureCatalog(), tlg.slug, tlg.modules[0]!.folder, tlg.modules[0]!.lessons[0]!.slug);
    await moveUser(admin, String(people.b), cb.team);
    const joined = (await createUser('volunteer', cb.team, { fullName: 'Người mới' })).user;
    expect(await refreshRollupsIfChanged()).toBe(true);
    expect((await Rollup.find({ key: 'generation' }).lean()).length).toBe(generationsBefore); // no rebuild
    expect(await unitFigures(cb.team)).toMatchObject({ people: 4, digitalLiteracy: 2 });
    expect(await unitFigures(hn.team)).toMatchObject({ people: 3 }); // a, c and the trainer t
    expect((await figuresFor([`trainer:${t._id}`])).get(`trainer:${t._id}`)).toMatchObject({ people: 3, digitalLiteracy: 2 });
    expect((await figuresFor([`level:${t._id}:2`])).get(`level:${t._id}:2`)).toMatchObject({ people: 1, digitalLiteracy: 1 });
    let incremental = await current();
    const { differences } = await reconcile(); // rebuilds from the raw records, after comparing
    expect(differences).toEqual([]);
    expect(await current()).toEqual(incremental); // the lists of people not started too

    // d (who retrained e) is now retrained by another trainer, t2: t's cascade loses d's branch
    const t2 = (await createUser('trainer', cb.team)).user;
    await setUserFields(people.d, { retrainedBy: t2._id, cascadePath: [t2._id] });
    await setUserFields(people.e, { cascadePath: [t2._id, people.d] });
    await markFiguresChanged({ people: [people.d, people.e], paths: [[t._id, people.d]] });
    expect(await refreshRollupsIfChanged()).toBe(true);
    expect((await figuresFor([`trainer:${t._id}`])).get(`trainer:${t._id}`)).toMatchObject({ people: 1 });
    expect((await figuresFor([`trainer:${t2._id}`])).get(`trainer:${t2._id}`)).toMatchObject({ people: 2, digitalLiteracy: 1 });
    incremental = await current();
    expect((await reconcile()).differences).toEqual([]);
    expect(await current()).toEqual(incremental);

    // b goes back, the newcomer leaves, e's completion is reset
    await moveUser(admin, String(people.b), hn.team);
    await setDisabled(admin, String(joined._id), true);
    await resetCompletion(people.e, 'digital-literacy');
    expect(await refreshRollupsIfChanged()).toBe(true);
    expect(await unitFigures(cb.team)).toMatchObject({ people: 3, digitalLiteracy: 0 }); // d, e and the trainer t2
    expect((await reconcile()).differences).toEqual([]);
  });

  it('reconcile should find and repair a broken roll-up and a wrong copy on a person', async () => {
    const { hn: place, people } = await reportsWorld();
    const hn = await findUnitByCode(place.team);
    await sureUpdatesDone(); // the app's own checks of its writes are over before the test breaks a copy
    await Rollup.updateMany({ key: `unit:${hn!._id}` }, { $set: { people: 99 } });
    await setUserFields(people.e, { completed: ['two-level-government'] });
    const first = await reconcile();
    expect(first.peopleRepaired).toBe(1);
    expect(first.differences.find((d) => d.key === `unit:${hn!._id}`)).toMatchObject({ stored: { people: 99 }, actual: { people: 3 } });
    expect((await reconcile()).differences).toEqual([]);
    expect(await unitFigures(place.team)).toMatchObject({ people: 3 });
  });

  it('a process should keep its reads of a generation, and see another process\'s new generation within CHECK_MS', async () => {
    const w = await reportsWorld();
    const hn = (await findUnitByCode(w.hn.team))!;
    const key = `unit:${hn._id}`;
    await rebuildRollups();
    const before = await unitFigures(w.hn.team);
    // another process writes a newer generation: its roll-up first, its marker last
    await new Promise((r) => setTimeout(r, 5));
    const builtAt = new Date(); // newer than this process's build, older than the next
    const saved = rollupCache.CHECK_MS;
    rollupCache.CHECK_MS = 60_000;
    try {
      await Rollup.collection.insertOne({ key, parent: `unit:${hn.parent}`, people: 42, digitalLiteracy: 0, twoLevelGovernment: 0, compliant: 0, builtAt });
      await Rollup.collection.insertOne({ key: 'generation', parent: null, people: 0, digitalLiteracy: 0, twoLevelGovernment: 0, compliant: 0, builtAt });
      expect(await unitFigures(w.hn.team)).toEqual(before); // kept: not read again before the check is due
      rollupCache.CHECK_MS = 0;
      expect(await unitFigures(w.hn.team)).toMatchObject({ people: 42 });
      expect((await figuresUnder(`unit:${hn.parent}`)).get(key)).toMatchObject({ people: 42 });
    } finally {
      rollupCache.CHECK_MS = saved;
    }
    await new Promise((r) => setTimeout(r, 5));
    await rebuildRollups(); // this process's own build is seen at once
    expect(await unitFigures(w.hn.team)).toEqual(before);
  });
});

function parseCsv(text: string): string[][] {
  return text.replace(/^\uFEFF/, '').trim().split(/\r?\n/).map((l) => l.split(','));
}

/** CSV with quoted cells (a level's words hold a comma). */
function parseCsvQuoted(text: string): string[][] {
  return parse(text, { bom: true }) as string[][];
}

describe('dashboard and exports', () => {
  it('the dashboard should show my province and its children, and drill down to a team', async () => {
    const { hn, cb, staffHn } = await reportsWorldWithStaff();
    const page = await staffHn.get('/reports').expect(200);
    expect(page.text).toContain(hn.provinceName);
    expect(page.text).toContain('Tỷ lệ hoàn thành cả hai khóa (mục tiêu 100%) · 33.3%');
    expect(page.text).toContain(hn.communeName);
    const team = await staffHn.get(`/reports?unit=${hn.team}`).expect(200);
    expect(team.text).toContain('Người A');
    await staffHn.get(`/reports?unit=${cb.team}`).expect(404);
    await staffHn.get('/reports?unit=TW').expect(404);
  });

  it('when staff export the per-person CSV, should get Vietnamese headers and values, Vietnam-time dates, a BOM, neutralised formulas, and an audit entry', async () => {
    const { hn, people, staffHn } = await reportsWorldWithStaff();
    const res = await staffHn.get(`/reports/people.csv?unit=${hn.province}`).expect(200);
    expect(res.headers['content-type']).toMatch(/text\/csv/);
    expect(res.text.charCodeAt(0)).toBe(0xfeff);
    const rows = parseCsvQuoted(res.text);
    expect(rows[0]).toEqual(['Tên đăng nhập', 'Họ và tên', 'Mã tỉnh', 'Mã xã/phường', 'Mã đội', 'Người tập huấn (tên đăng nhập)', 'Bình dân học vụ số', 'Hoàn thành Bình dân học vụ số lúc', 'Chính quyền hai cấp', 'Hoàn thành Chính quyền hai cấp lúc', 'Hoàn thành cả hai khóa']);
    expect(rows).toHaveLength(4);
    expect(res.text).toContain(`"'=HYPERLINK(""http://evil.example"",""x"")"`);
    const a = rows.find((r) => r[1] === 'Người A')!;
    expect(a.slice(2, 5)).toEqual([hn.province, hn.commune, hn.team]);
    expect(a[6]).toBe('Đã hoàn thành');
    // the completion time as the screen writes it: dd/mm/yyyy HH:mm in Vietnam
    const at = (await userById(people.a))!.completedAt!['digital-literacy'] as Date;
    expect(a[7]).toBe(dateTimeText(at));
    expect(a[7]).toMatch(/^\d{2}\/\d{2}\/\d{4} \d{2}:\d{2}$/);
    expect(a[10]).toBe('Có');
    const c = rows.find((r) => r[1]!.includes('HYPERLINK'))!;
    expect(['Chưa bắt đầu', 'Đang học']).toContain(c[6]);
    expect(c[7]).toBe('');
    expect(c[10]).toBe('Không');
    expect(await countAuditEntries({ action: 'report.exported', details: `people.csv unit=${hn.province}` })).toBe(1);
  });

  it('when the reader chose English, should write the per-person CSV in English words', async () => {
    const { hn, staffHn } = await reportsWorldWithStaff();
    const res = await staffHn.get(`/reports/people.csv?unit=${hn.province}`).set('Cookie', 'lang=en').expect(200);
    const rows = parseCsvQuoted(res.text);
    expect(rows[0]!.slice(0, 3)).toEqual(['Username', 'Full name', 'Province code']);
    expect(rows.find((r) => r[1] === 'Người A')![6]).toBe('Completed');
  });

  it('when asked with ?format=codes, should give the contract columns, code values and ISO 8601 dates', async () => {
    const { hn, staffHn } = await reportsWorldWithStaff();
    const res = await staffHn.get(`/reports/people.csv?unit=${hn.province}&format=codes`).expect(200);
    expect(res.text.charCodeAt(0)).toBe(0xfeff);
    const rows = parseCsvQuoted(res.text);
    expect(rows[0]).toEqual(['username', 'full_name', 'province_code', 'commune_code', 'team_code', 'trainer_username', 'digital_literacy_status', 'digital_literacy_completed_at', 'two_level_government_status', 'two_level_government_completed_at', 'compliant']);
    const a = rows.find((r) => r[1] === 'Người A')!;
    expect(a[6]).toBe('completed');
    expect(a[7]).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    expect(a[10]).toBe('true');
    const c = rows.find((r) => r[1]!.includes('HYPERLINK'))!;
    expect(['not_started', 'in_progress']).toContain(c[6]);
    expect(c[10]).toBe('false');
    expect(res.text).toContain(`"'=HYPERLINK(""http://evil.example"",""x"")"`);
    expect(await countAuditEntries({ action: 'report.exported', details: `people.csv codes unit=${hn.province}` })).toBe(1);
  });

  it('when the file form is not one we make, should answer 400 with a message, not a file', async () => {
    const { hn, staffHn } = await reportsWorldWithStaff();
    const res = await staffHn.get(`/reports/people.csv?unit=${hn.province}&format=json`).expect(400);
    expect(res.text).not.toContain('username,full_name');
    await staffHn.get(`/reports/rollup.xlsx?unit=${hn.province}&format=codes&format=codes`).expect(400);
  });

  it('when staff export the per-person XLSX, should get a bold Vietnamese header, widths, Excel dates in Vietnam time, and neutralised formulas', async () => {
    const { hn, people, staffHn } = await reportsWorldWithStaff();
    const res = await staffHn.get(`/reports/people.xlsx?unit=${hn.province}`).buffer(true).parse(binaryBody).expect(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(res.body as never);
    const sheet = wb.worksheets[0]!;
    expect(sheet.name).toBe('Người học');
    expect(sheet.rowCount).toBe(4);
    expect(sheet.getRow(1).getCell(2).value).toBe('Họ và tên');
    expect(sheet.getRow(1).getCell(2).font?.bold).toBe(true);
    expect(sheet.getColumn(2).width).toBeGreaterThanOrEqual(20);
    const names = [2, 3, 4].map((i) => String(sheet.getRow(i).getCell(2).value));
    expect(names).toContain(`'=HYPERLINK("http://evil.example","x")`);
    expect([2, 3, 4].filter((i) => sheet.getRow(i).getCell(11).value === 'Có')).toHaveLength(1);
    const a = [2, 3, 4].map((i) => sheet.getRow(i)).find((r) => r.getCell(2).value === 'Người A')!;
    expect(a.getCell(7).value).toBe('Đã hoàn thành');
    const when = a.getCell(8);
    expect(when.value).toBeInstanceOf(Date);
    expect(when.numFmt).toBe('dd/mm/yyyy hh:mm');
    // an Excel date has no zone: it holds the wall-clock time in Vietnam
    const at = (await userById(people.a))!.completedAt!['digital-literacy'] as Date;
    expect((when.value as Date).getTime()).toBe(at.getTime() + 7 * 3600_000);
  });

  it('when asked with ?format=codes, the per-person XLSX should keep the contract columns and values', async () => {
    const { hn, staffHn } = await reportsWorldWithStaff();
    const res = await staffHn.get(`/reports/people.xlsx?unit=${hn.province}&format=codes`).buffer(true).parse(binaryBody).expect(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(res.body as never);
    const sheet = wb.worksheets[0]!;
    expect(sheet.name).toBe('people');
    expect((sheet.getRow(1).values as unknown[]).slice(1)).toEqual(['username', 'full_name', 'province_code', 'commune_code', 'team_code', 'trainer_username', 'digital_literacy_status', 'digital_literacy_completed_at', 'two_level_government_status', 'two_level_government_completed_at', 'compliant']);
    expect([2, 3, 4].filter((i) => sheet.getRow(i).getCell(11).value === true)).toHaveLength(1);
    const a = [2, 3, 4].map((i) => sheet.getRow(i)).find((r) => r.getCell(2).value === 'Người A')!;
    expect(a.getCell(7).value).toBe('completed');
    expect(String(a.getCell(8).value)).toMatch(/^\d{4}-\d{2}-\d{2}T/);
  });

  it('the roll-up CSV and XLSX should carry the numbers the page shows, in words by default and in codes on request', async () => {
    const { hn, staffHn } = await reportsWorldWithStaff();
    const csv = parseCsv((await staffHn.get(`/reports/rollup.csv?unit=${hn.province}`).expect(200)).text);
    expect(csv[0]).toEqual(['Mã đơn vị', 'Tên đơn vị', 'Cấp', 'Số người học', 'Hoàn thành Bình dân học vụ số', 'Hoàn thành Chính quyền hai cấp', 'Hoàn thành cả hai khóa', 'Tỷ lệ hoàn thành cả hai khóa (%)']);
    expect(parseCsvQuoted((await staffHn.get(`/reports/rollup.csv?unit=${hn.province}`).expect(200)).text)[1]).toEqual([hn.province, hn.provinceName, 'Tỉnh, thành phố', '3', '2', '1', '1', '33.3']);
    const codes = parseCsv((await staffHn.get(`/reports/rollup.csv?unit=${hn.province}&format=codes`).expect(200)).text);
    expect(codes[0]).toEqual(['unit_code', 'unit_name', 'level', 'people', 'completed_digital_literacy', 'completed_two_level_government', 'compliant', 'compliance_pct']);
    expect(codes[1]).toEqual([hn.province, hn.provinceName, 'province', '3', '2', '1', '1', '33.3']);
    expect(codes[2]).toEqual([hn.commune, hn.communeName, 'commune', '3', '2', '1', '1', '33.3']);
    const xlsx = await staffHn.get(`/reports/rollup.xlsx?unit=${hn.province}`).buffer(true).parse(binaryBody).expect(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(xlsx.body as never);
    expect(wb.worksheets[0]!.getRow(2).values).toEqual([undefined, hn.province, hn.provinceName, 'Tỉnh, thành phố', 3, 2, 1, 1, 33.3]);
    expect(wb.worksheets[0]!.getRow(1).font?.bold ?? wb.worksheets[0]!.getRow(1).getCell(1).font?.bold).toBe(true);
    const xlsxCodes = await staffHn.get(`/reports/rollup.xlsx?unit=${hn.province}&format=codes`).buffer(true).parse(binaryBody).expect(200);
    const wbc = new ExcelJS.Workbook();
    await wbc.xlsx.load(xlsxCodes.body as never);
    expect(wbc.worksheets[0]!.getRow(2).values).toEqual([undefined, hn.province, hn.provinceName, 'province', 3, 2, 1, 1, 33.3]);
  });

  it('the dashboard should offer each file in words, and in codes as a small link for other programs', async () => {
    const { hn, staffHn } = await reportsWorldWithStaff();
    const page = await staffHn.get(`/reports?unit=${hn.province}`).expect(200);
    expect(page.text).toContain(`href="/reports/people.csv?unit=${hn.province}"`);
    expect(page.text).toContain(`href="/reports/people.csv?unit=${hn.province}&amp;format=codes"`);
    expect(page.text).toContain(`href="/reports/rollup.xlsx?unit=${hn.province}&amp;format=codes"`);
    expect(page.text).toContain('Cho phần mềm khác');
  });

  it('a commune should list who is overdue in a cohort and who has not started', async () => {
    const { hn, people, staffHn } = await reportsWorldWithStaff();
    const trainer = (await createUser('trainer', hn.commune)).user;
    const cohort = await createCohort(toActor(trainer), { name: 'Lớp quá hạn', unitCode: hn.commune, courses: ['digital-literacy'], dueDate: new Date('2026-01-01T00:00:00+07:00') });
    await addMemberSince(cohort._id, people.c);
    await addMemberSince(cohort._id, people.a);
    let page = await staffHn.get(`/reports?unit=${hn.commune}`).expect(200);
    // the list of people not started is made with the figures: the new trainer joins it at the next build
    expect(page.text).toMatch(/Chưa bắt đầu học \(1\)/);
    await rebuildRollups();
    page = await staffHn.get(`/reports?unit=${hn.commune}`).expect(200);
    expect(page.text).toContain('Số liệu tính lúc');
    const overdueList = page.text.slice(page.text.indexOf('Quá hạn'), page.text.indexOf('Chưa bắt đầu học'));
    expect(overdueList).toContain('Quá hạn (1)');
    expect(overdueList).toContain('Lớp quá hạn');
    expect(overdueList).not.toContain('Người A');
    // c, and the trainer who made the cohort (trainers are learners too)
    expect(page.text).toMatch(/Chưa bắt đầu học \(2\)/);
  });

  it('exports outside my scope should answer 404; volunteers and trainers 403', async () => {
    const { hn, cb, staffHn } = await reportsWorldWithStaff();
    await staffHn.get(`/reports/people.csv?unit=${cb.team}`).expect(404);
    const v = await signedInAgent(app, (await createUser('volunteer', hn.team)).user.username);
    await v.get('/reports').expect(403);
    await v.get('/reports/people.csv').expect(403);
  });
});
