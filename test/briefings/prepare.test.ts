/**
 * Preparing the weekly briefing packs: Monday 07:00 Vietnam time, one pack for the centre and
 * one per province with people, each once (reruns, two runs at once), a half-built pack left by
 * a stopped process built again, the figures the dashboard's, the files kept in both languages.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { toActor } from '../../src/accounts';
import { fileReport, parseWeek } from '../../src/fieldreports';
import { findUnitByCode } from '../../src/org';
import { figuresFor, percent, rebuildRollups } from '../../src/reports';
import { BriefingPack } from '../../src/briefings/briefing-pack.model';
import { runBriefings } from '../../src/briefings';
import { LEASE_MS } from '../../src/briefings/prepare';
import { useTestDatabase } from '../helpers/db';
import { createTree, createUser, recordCompletion } from '../helpers/factories';

useTestDatabase(__filename);

/** Monday 07:00 in Vietnam of the ISO week `label` (00:00 UTC). */
const mondaySeven = (label: string) => new Date(parseWeek(label)!.start.getTime() + 7 * 3600_000);
let dataDir: string;

beforeAll(async () => {
  await createTree();
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'briefings-'));
  // Hà Nội: 3 volunteers and a team leader (a trainer, a learner too), 1 compliant; Cao Bằng: 1 person; no other province has anyone.
  const people = await Promise.all(['T-HN', 'T-HN', 'C-HN', 'T-CB'].map(async (u) => (await createUser('volunteer', u)).user));
  await recordCompletion(people[0]!._id, 'digital-literacy');
  await recordCompletion(people[0]!._id, 'two-level-government');
  await recordCompletion(people[1]!._id, 'digital-literacy');
  // last week (W49) in the field: Ba Đình's team reported 12 people helped and a difficulty that needs help
  const leader = (await createUser('trainer', 'T-HN')).user;
  const team = (await findUnitByCode('T-HN'))!;
  const w49 = parseWeek('2026-W49')!;
  await fileReport(toActor(leader), team, w49, {
    counts: { vneid: 12, onlineService: 0, dossier: 0, digitise: 0, other: 0 },
    difficulties: [{ category: 'connectivity', description: 'Thôn Nà Lầu mất sóng cả tuần', helpNeeded: true }],
    notes: '',
  }, new Date(w49.start.getTime() + 3 * 86400_000));
  await rebuildRollups();
});

describe('the Monday 07:00 run', () => {
  it('when it is 06:59 on Monday, should prepare nothing', async () => {
    const run = await runBriefings({ now: new Date(mondaySeven('2026-W50').getTime() - 60_000), dataDir });
    expect(run).toEqual({ week: null, prepared: [], notified: 0 });
    expect(await BriefingPack.countDocuments({})).toBe(0);
  });

  it('when it is 07:00, should prepare one pack for the centre and for each province with people, with the dashboard\'s figures and files in both languages', async () => {
    const now = mondaySeven('2026-W50');
    const run = await runBriefings({ now, dataDir });
    expect(run.week).toBe('2026-W50');
    expect(run.prepared).toEqual(['TW', '01', '04']);
    const hn = (await findUnitByCode('01'))!;
    const pack = (await BriefingPack.findOne({ unit: hn._id, week: '2026-W50' }).lean())!;
    const dashboard = (await figuresFor([`unit:${hn._id}`])).get(`unit:${hn._id}`)!;
    expect(pack.status).toBe('ready');
    expect(pack.preparedAt).toEqual(now);
    expect(pack.figures).toMatchObject({ people: 4, compliant: 1, digitalLiteracy: 2, pct: percent(dashboard), fieldWeek: '2026-W49', reported: 1, helped: 12, helpNeeded: 1 });
    expect(dashboard).toMatchObject({ people: 4, compliant: 1 });
    for (const locale of ['vi', 'en'] as const) for (const f of ['pdf', 'xlsx'] as const) expect(fs.existsSync(path.join(dataDir, 'briefings', '2026-W50', pack.files![locale][f]))).toBe(true);
    expect(fs.readdirSync(path.join(dataDir, 'briefings', '2026-W50')).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('when the Vietnamese PDF is read, should carry the compliance, the trend, the units furthest behind and the difficulty waiting for help', async () => {
    const hn = (await findUnitByCode('01'))!;
    const pack = (await BriefingPack.findOne({ unit: hn._id, week: '2026-W50' }).lean())!;
    const file = path.join(dataDir, 'briefings', '2026-W50', pack.files!.vi.pdf);
    const text = execFileSync('pdftotext', ['-raw', file, '-']).toString().replace(/\s+/g, ' ');
    expect(text).toContain('GÓI TÀI LIỆU GIAO BAN TUẦN');
    expect(text).toContain('Hoàn thành cả hai khóa: 25% (1/4 người), mục tiêu 100%');
    expect(text).toContain('Xu hướng theo tuần');
    expect(text).toContain('đơn vị có tỷ lệ thấp nhất');
    expect(text).toContain('1/1 đội đã báo cáo · hỗ trợ 12 người');
    expect(text).toContain('Thôn Nà Lầu mất sóng cả tuần');
    const en = execFileSync('pdftotext', ['-raw', path.join(dataDir, 'briefings', '2026-W50', pack.files!.en.pdf), '-']).toString().replace(/\s+/g, ' ');
    expect(en).toContain('WEEKLY BRIEFING PACK');
    expect(en).toContain('Completed both courses: 25% (1 of 4 people), target 100%');
  });

  it('when the workbook is opened, should hold each child unit\'s figures, the trend and the field reports\' detail', async () => {
    const centre = (await findUnitByCode('TW'))!;
    const pack = (await BriefingPack.findOne({ unit: centre._id, week: '2026-W50' }).lean())!;
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(path.join(dataDir, 'briefings', '2026-W50', pack.files!.vi.xlsx));
    expect(wb.worksheets.map((s) => s.name)).toEqual(['Tổng hợp', 'Xu hướng', expect.any(String), expect.any(String), expect.any(String)]);
    const rollup = wb.worksheets[0]!;
    const rows = rollup.getSheetValues().slice(2).map((r) => (r as unknown[]).slice(1));
    expect(rows.find((r) => r[0] === 'TW')).toEqual(['TW', 'Trung ương Đoàn TNCS Hồ Chí Minh', expect.any(String), 5, 2, 1, 1, 20]);
    expect(rows.find((r) => r[0] === '01')?.slice(3)).toEqual([4, 2, 1, 1, 25]);
    expect(rows.length).toBe(35); // the centre and its 34 provinces
    const difficulties = wb.worksheets[3]!.getSheetValues().flat().map(String);
    expect(difficulties).toContain('Thôn Nà Lầu mất sóng cả tuần');
  });

  it('when the run is repeated, should prepare nothing more', async () => {
    const run = await runBriefings({ now: new Date(mondaySeven('2026-W50').getTime() + 3600_000), dataDir });
    expect(run.prepared).toEqual([]);
    expect(await BriefingPack.countDocuments({ week: '2026-W50' })).toBe(3);
  });

  it('when two runs start at once, should prepare each pack once between them', async () => {
    const now = mondaySeven('2026-W51');
    const [a, b] = await Promise.all([runBriefings({ now, dataDir }), runBriefings({ now, dataDir })]);
    expect([...a.prepared, ...b.prepared].sort()).toEqual(['01', '04', 'TW']);
    expect(await BriefingPack.countDocuments({ week: '2026-W51' })).toBe(3);
    expect(await BriefingPack.countDocuments({ week: '2026-W51', status: 'ready' })).toBe(3);
  });
});

describe('a pack left half-built', () => {
  it('when its builder stopped long ago, should be built again; when its builder is still within its lease, should be left to it', async () => {
    const now = mondaySeven('2026-W52');
    const [centre, hn] = await Promise.all([findUnitByCode('TW'), findUnitByCode('01')]);
    await BriefingPack.create({ unit: centre!._id, unitCode: 'TW', lineage: centre!.lineage, week: '2026-W52', status: 'building', leaseAt: new Date(now.getTime() - LEASE_MS - 60_000) });
    await BriefingPack.create({ unit: hn!._id, unitCode: '01', lineage: hn!.lineage, week: '2026-W52', status: 'building', leaseAt: new Date(now.getTime() - 60_000) });
    const run = await runBriefings({ now, dataDir });
    expect(run.prepared).toEqual(['TW', '04']);
    expect((await BriefingPack.findOne({ unit: centre!._id, week: '2026-W52' }).lean())).toMatchObject({ status: 'ready', leaseAt: now });
    expect((await BriefingPack.findOne({ unit: hn!._id, week: '2026-W52' }).lean())?.status).toBe('building');
    // once its lease is over, the next run builds it
    const later = await runBriefings({ now: new Date(now.getTime() + LEASE_MS), dataDir });
    expect(later.prepared).toEqual(['01']);
    expect(await BriefingPack.countDocuments({ week: '2026-W52', status: 'ready' })).toBe(3);
  });
});
