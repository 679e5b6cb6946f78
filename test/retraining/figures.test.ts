/**
 * Staff figures of retraining: a unit's sessions held (this week and overall), people retrained
 * in person and their share, trainers who held none — the same on the unit's page, its dashboard
 * section, the cascade page and the files, and equal to a recount from the raw records.
 */
import ExcelJS from 'exceljs';
import { parse } from 'csv-parse/sync';
import type { Types } from 'mongoose';
import type request from 'supertest';
import { toActor, type UserDoc } from '../../src/accounts';
import { rebuildRollups } from '../../src/reports';
import { recordAttendance } from '../../src/retraining';
import { rebuildRetrainingFigures } from '../../src/retraining/figures-build';
import { refreshRetrainingFigures, retrainingOfUnit } from '../../src/retraining/figures-read';
import { countMarked } from '../../src/retraining/figures.service';
import { weekOf } from '../../src/shared/vn-time';
import { testApp } from '../helpers/app';
import { countAuditEntries } from '../helpers/audit-records';
import { useTestDatabase } from '../helpers/db';
import { binaryBody, createUser, signedInAgent } from '../helpers/factories';
import { changeSessionStatus, forgetRetrained, tamperTally, twoCommunes, writeSession, type TwoCommunes } from '../helpers/retraining-records';

useTestDatabase(__filename);
let app: ReturnType<typeof testApp>;

interface World {
  place: TwoCommunes;
  trainers: Record<'a' | 'b' | 'c', UserDoc>;
  people: Record<'v1' | 'v2' | 'v3' | 'v4' | 'v5', UserDoc>;
  sessions: Record<'thisWeek' | 'lastWeek' | 'cancelled', Types.ObjectId>;
  staff: request.Agent;
  staffOther: request.Agent;
}
let w: World;

const HOUR = 3600_000;

/**
 * Commune A (team A): trainers a (team) and b (commune), volunteers v1, v2, v3, v5; commune B
 * (team B): trainer c and volunteer v4. Trainer a holds a session this week (v1 twice, v2, v3),
 * trainer c one last week (v4, and v1 from commune A); trainer b's session (v5) is cancelled.
 */
async function retrainingWorld(): Promise<World> {
  const place = await twoCommunes();
  const user = async (role: 'trainer' | 'volunteer', unit: string, fullName: string) => (await createUser(role, unit, { fullName })).user;
  const trainers = { a: await user('trainer', place.teamA.code, 'Trần Văn An'), b: await user('trainer', place.communeA.code, 'Lê Thị Bình'), c: await user('trainer', place.teamB.code, 'Phạm Văn Cường') };
  const people = {
    v1: await user('volunteer', place.teamA.code, 'Nguyễn Thị Ánh Tuyết'),
    v2: await user('volunteer', place.teamA.code, 'Đỗ Minh Đức'),
    v3: await user('volunteer', place.teamA.code, 'Hoàng Thu Hà'),
    v4: await user('volunteer', place.teamB.code, 'Vũ Văn Khải'),
    v5: await user('volunteer', place.teamA.code, 'Bùi Thị Lan'),
  };
  await rebuildRollups();
  await refreshRetrainingFigures(); // the first build (nothing held yet)
  const monday = weekOf(new Date()).monday;
  const thisWeek = new Date(monday.getTime() + HOUR);
  const lastWeek = new Date(monday.getTime() - 2 * 24 * HOUR);
  const sessions = {
    thisWeek: await writeSession({ title: 'Kỹ năng số cơ bản', unit: place.teamA, trainer: trainers.a, startsAt: thisWeek, status: 'open', invitedCount: 4 }),
    lastWeek: await writeSession({ title: 'Chính quyền hai cấp', unit: place.teamB, trainer: trainers.c, startsAt: lastWeek, status: 'open', invitedCount: 1 }),
    cancelled: await writeSession({ title: 'Buổi bị huỷ', unit: place.teamA, trainer: trainers.b, startsAt: thisWeek, status: 'scheduled', invitedCount: 4 }),
  };
  for (const p of [people.v1, people.v2, people.v3, people.v1]) await recordAttendance(toActor(trainers.a), sessions.thisWeek, p._id, 'roster', thisWeek);
  await recordAttendance(toActor(trainers.c), sessions.lastWeek, people.v4._id, 'roster', lastWeek);
  await recordAttendance(toActor(people.v1), sessions.lastWeek, people.v1._id, 'qr', lastWeek); // in another commune
  await recordAttendance(toActor(trainers.b), sessions.cancelled, people.v5._id, 'roster', thisWeek);
  for (const [id, status] of [[sessions.thisWeek, 'closed'], [sessions.lastWeek, 'closed'], [sessions.cancelled, 'cancelled']] as const) {
    await changeSessionStatus(id, status); // as closing and cancelling do: the event the figures listen to
  }
  expect(await countMarked()).toBe(true); // the incremental pass
  const staff = await signedInAgent(app, (await createUser('staff', place.province.code)).user.username);
  const staffOther = await signedInAgent(app, (await createUser('staff', '04')).user.username);
  return { place, trainers, people, sessions, staff, staffOther };
}

beforeAll(async () => {
  app = testApp();
  w = await retrainingWorld();
});

/** The figures shown on a page (each KPI carries a data-figure name). */
function shown(html: string): Record<string, string> {
  return Object.fromEntries([...html.matchAll(/data-figure="([\w-]+)">([^<]*)</g)].map((m) => [m[1]!, m[2]!]));
}

async function download(agent: request.Agent, path: string): Promise<request.Response> {
  return agent.get(path).buffer(true).parse(binaryBody);
}

describe('per-unit retraining figures', () => {
  it('when a commune held a session this week, should count it this week and overall, its people once each, and list the trainer who held none', async () => {
    const a = await retrainingOfUnit(w.place.communeA);
    expect({ heldThisWeek: a.heldThisWeek, held: a.held, retrained: a.retrained, people: a.people, share: a.share, trainers: a.trainers, idleCount: a.idleCount }).toEqual({
      heldThisWeek: 1, // the cancelled session is not held
      held: 1,
      retrained: 3, // v1 (twice, and in commune B too), v2, v3; not v5 (cancelled session)
      people: 6,
      share: 50,
      trainers: 2,
      idleCount: 1,
    });
    expect(a.idle.map((t) => t.username)).toEqual([w.trainers.b.username]);
    expect(a.thisWeek.map((s) => [s.title, s.attended, s.invited])).toEqual([['Kỹ năng số cơ bản', 3, 4]]);
  });

  it('when a person of commune A attended in commune B, should count them for A only, and B its own person', async () => {
    const b = await retrainingOfUnit(w.place.communeB);
    expect({ heldThisWeek: b.heldThisWeek, held: b.held, retrained: b.retrained, people: b.people, idleCount: b.idleCount }).toEqual({ heldThisWeek: 0, held: 1, retrained: 1, people: 2, idleCount: 0 });
    const p = await retrainingOfUnit(w.place.province);
    expect({ heldThisWeek: p.heldThisWeek, held: p.held, retrained: p.retrained, people: p.people, share: p.share, trainers: p.trainers, idleCount: p.idleCount }).toEqual({ heldThisWeek: 1, held: 2, retrained: 4, people: 8, share: 50, trainers: 3, idleCount: 1 });
  });

  it('when the figures are recounted from the raw records, should find nothing different from what the job kept', async () => {
    const { differences } = await rebuildRetrainingFigures();
    expect(differences).toEqual([]);
  });
});

describe('where staff see them', () => {
  it('when staff open the unit page and the unit dashboard, should show the same numbers with the trainer who held none linked', async () => {
    const page = await w.staff.get(`/retraining/units/${w.place.communeA._id}`);
    expect(page.status).toBe(200);
    const dash = await w.staff.get(`/reports?unit=${encodeURIComponent(w.place.communeA.code)}`);
    expect(dash.status).toBe(200);
    expect(shown(page.text)).toEqual({ 'held-this-week': '1', held: '1', retrained: '3', idle: '1' });
    expect(shown(dash.text)).toEqual(shown(page.text));
    expect(page.text).toContain('Người đã được tập huấn lại trực tiếp');
    expect(page.text).toContain('50% trên 6 người');
    expect(dash.text).toContain('50% trên 6 người');
    expect(page.text).toContain(`href="/people/${w.trainers.b._id}"`);
    expect(page.text).toContain('Kỹ năng số cơ bản');
    expect(dash.text).toContain(`href="/retraining/units/${w.place.communeA._id}"`);
  });

  it('when staff open a trainer on the cascade page, should show the sessions they held and the people who attended', async () => {
    const res = await w.staff.get(`/cascade/${w.trainers.c._id}`);
    expect(res.status).toBe(200);
    expect(res.text).toContain('Tập huấn lại trực tiếp: 1 buổi đã tổ chức, 2 người đã dự');
    const idle = await w.staff.get(`/cascade/${w.trainers.b._id}`);
    expect(idle.text).toContain('Tập huấn lại trực tiếp: 0 buổi đã tổ chức, 0 người đã dự');
  });

  it('when staff of another province ask for the unit, should answer 404, as for a malformed id', async () => {
    expect((await w.staffOther.get(`/retraining/units/${w.place.communeA._id}`)).status).toBe(404);
    expect((await w.staffOther.get(`/retraining/units/${w.place.communeA._id}/attendance.csv`)).status).toBe(404);
    expect((await w.staff.get('/retraining/units/not-an-id')).status).toBe(404); // a param that names no record (parseParams)
  });
});

describe('files', () => {
  it('when staff download the sessions and attendance as CSV, should list what the page counts, in Vietnamese, audited', async () => {
    const before = await countAuditEntries({ action: 'retraining.exported' });
    const sessions = await w.staff.get(`/retraining/units/${w.place.communeA._id}/sessions.csv`);
    expect(sessions.status).toBe(200);
    const rows = parse(sessions.text.replace(/^\uFEFF/, ''), { columns: true }) as Record<string, string>[];
    expect(rows.map((r) => [r['Tên buổi'], r['Trạng thái'], r['Số người dự']]).sort()).toEqual([
      ['Buổi bị huỷ', 'Đã huỷ', '1'],
      ['Kỹ năng số cơ bản', 'Đã kết thúc', '3'],
    ]);
    const attendance = await w.staff.get(`/retraining/units/${w.place.communeA._id}/attendance.csv`);
    const lines = parse(attendance.text.replace(/^\uFEFF/, ''), { columns: true }) as Record<string, string>[];
    // four attendances of commune A's people at sessions not cancelled; three people, as the page says
    expect(lines).toHaveLength(4);
    expect(new Set(lines.map((l) => l['Tên đăng nhập'])).size).toBe((await retrainingOfUnit(w.place.communeA)).retrained);
    expect(lines.find((l) => l['Buổi'] === 'Chính quyền hai cấp')?.['Họ và tên']).toBe('Nguyễn Thị Ánh Tuyết');
    expect(lines.every((l) => /^\d{2}\/\d{2}\/\d{4} \d{2}:\d{2}$/.test(l['Thời điểm']!))).toBe(true);
    expect(await countAuditEntries({ action: 'retraining.exported' })).toBe(before + 2);
  });

  it('when staff download the XLSX files of the province, should hold the same rows as the CSV', async () => {
    const book = async (what: string) => {
      const res = await download(w.staff, `/retraining/units/${w.place.province._id}/${what}.xlsx`);
      expect(res.status).toBe(200);
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.load(res.body as never);
      const sheet = wb.worksheets[0]!;
      const out: string[][] = [];
      sheet.eachRow((row) => out.push((row.values as unknown[]).slice(1).map((v) => (v instanceof Date ? 'date' : String(v)))));
      return out;
    };
    const sessions = await book('sessions');
    expect(sessions[0]).toEqual(['Tên buổi', 'Đơn vị', 'Người tập huấn', 'Bắt đầu', 'Địa điểm', 'Trạng thái', 'Số người được mời', 'Số người dự']);
    expect(sessions.slice(1).map((r) => r[0]).sort()).toEqual(['Buổi bị huỷ', 'Chính quyền hai cấp', 'Kỹ năng số cơ bản']);
    const attendance = await book('attendance');
    expect(new Set(attendance.slice(1).map((r) => r[2])).size).toBe((await retrainingOfUnit(w.place.province)).retrained);
  });
});

describe('reconciliation', () => {
  it('when a tally and a retrained record were tampered with, should find both, repair them, and the page should agree again', async () => {
    await tamperTally(`unit:${w.place.communeA._id}`, { held: 7, retrained: 9 });
    await forgetRetrained(w.people.v2._id);
    const tampered = await w.staff.get(`/retraining/units/${w.place.communeA._id}`);
    expect(shown(tampered.text).retrained).toBe('9');
    const { differences, peopleRepaired } = await rebuildRetrainingFigures();
    expect(peopleRepaired).toBe(1);
    expect(differences).toEqual([{ key: `unit:${w.place.communeA._id}`, stored: { held: 7, retrained: 9, trainers: 2, idleCount: 1 }, actual: { held: 1, retrained: 3, trainers: 2, idleCount: 1 } }]);
    const page = await w.staff.get(`/retraining/units/${w.place.communeA._id}`);
    expect(shown(page.text)).toEqual({ 'held-this-week': '1', held: '1', retrained: '3', idle: '1' });
    expect((await rebuildRetrainingFigures()).differences).toEqual([]);
  });
});
