/**
 * The briefing PDF a province prints (A4 portrait, nothing cut short, a signature block), and
 * the dashboard's note on people who belong to a commune itself rather than to one of its teams.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type request from 'supertest';
import { recordCompletion } from '../helpers/factories';
import { findUnitByCode, importOrgCsv } from '../../src/org';
import { rebuildRollups } from '../../src/reports';
import { Snapshot } from '../../src/reports/snapshot';
import { lowestOf, weeklyChange } from '../../src/reports/briefing';
import { weekStartOf } from '../../src/shared/dates';
import { testApp } from '../helpers/app';
import { useTestDatabase } from '../helpers/db';
import { binaryBody, createTree, createUser, signedInAgent } from '../helpers/factories';

useTestDatabase(__filename);
let staffHn: request.Agent;

/** Communes of Hà Nội with names and codes long enough to wrap, and enough of them to need a second page. */
const LONG = Array.from({ length: 34 }, (_, i) => ({
  code: `HN-PHUONG-${String(i + 1).padStart(2, '0')}-KHU-DO-THI-MOI`,
  name: `Phường Khu đô thị mới Bắc Thăng Long – Vân Trì số ${i + 1} (địa bàn sáp nhập)`,
}));

beforeAll(async () => {
  await createTree();
  const report = await importOrgCsv(['code,name_vi,name_en,level,parent_code,remote', ...LONG.map((u) => `${u.code},${u.name},${u.name},commune,01,false`)].join('\n'));
  if (report.problems.length) throw new Error(JSON.stringify(report.problems));
  // in the first long-named commune: 2 people, 1 compliant; in Ba Đình: 2 in its team, 1 in the commune itself
  for (let i = 0; i < 2; i++) {
    const { user } = await createUser('volunteer', LONG[0]!.code);
    if (i === 0) {
      await recordCompletion(user._id, 'digital-literacy');
      await recordCompletion(user._id, 'two-level-government');
    }
  }
  await createUser('volunteer', 'T-HN');
  await createUser('volunteer', 'T-HN');
  await createUser('volunteer', 'C-HN');
  const hn = (await findUnitByCode('01'))!;
  // last Monday's snapshot: 0 of 5 compliant
  await Snapshot.create({ week: '2026-W48', key: `unit:${hn._id}`, people: 5, digitalLiteracy: 0, twoLevelGovernment: 0, compliant: 0 });
  await rebuildRollups();
  staffHn = await signedInAgent(testApp(), (await createUser('staff', '01')).user.username);
});

function tmpFile(name: string, body: Buffer): string {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'briefing-')), name);
  fs.writeFileSync(file, body);
  return file;
}

describe('the briefing PDF', () => {
  it('when a province prints it, should be A4 portrait with every unit name and code whole, a trend, a ranking and a signature block', async () => {
    const res = await staffHn.get('/reports/rollup.pdf?unit=01').buffer(true).parse(binaryBody).expect(200);
    expect(res.headers['content-type']).toBe('application/pdf');
    const file = tmpFile('r.pdf', res.body as Buffer);
    const info = execFileSync('pdfinfo', [file]).toString();
    expect(info).toMatch(/Page size:\s+595\.28 x 841\.89 pts \(A4\)/);
    const pages = Number(/Pages:\s+(\d+)/.exec(info)![1]);
    expect(pages).toBeGreaterThanOrEqual(2); // 36 rows of long names do not fit on one page

    // Rendered as a person sees it (look at test-results/briefing-*.png).
    const out = path.join(__dirname, '..', '..', 'test-results');
    fs.mkdirSync(out, { recursive: true });
    execFileSync('pdftoppm', ['-png', '-r', '60', file, path.join(out, 'briefing')]);
    expect(fs.readdirSync(out).filter((f) => /^briefing-\d+\.png$/.test(f)).length).toBe(pages);

    // In content order, whatever the wrapping: every name and code whole, nothing cut with an ellipsis.
    const raw = execFileSync('pdftotext', ['-raw', file, '-']).toString();
    const squeezed = raw.replace(/\s+/g, '');
    const flat = raw.replace(/\s+/g, ' ');
    for (const u of [...LONG, { code: 'C-HN', name: 'Phường Ba Đình' }]) {
      expect(squeezed).toContain(u.name.replace(/\s+/g, ''));
      expect(squeezed).toContain(u.code);
    }
    expect(raw).not.toContain('…');
    expect(flat).toContain('ĐOÀN TNCS HỒ CHÍ MINH');
    expect(flat).toContain('BÁO CÁO TIẾN ĐỘ HOÀN THÀNH HAI KHÓA HỌC');
    expect(flat).toMatch(/Lập lúc \d{2}\/\d{2}\/\d{4} \d{2}:\d{2}/);
    // 1 of 5 compliant now; 0% at the snapshot of Monday 23/11/2026
    expect(flat).toContain('Hoàn thành cả hai khóa: 20% (1/5 người), mục tiêu 100%');
    expect(flat).toContain('So với số liệu chốt 0 giờ thứ Hai 23/11/2026 (0%): +20 điểm phần trăm');
    // the header repeats on the next page
    const continued = raw.split('\f')[1] ?? '';
    expect(continued.replace(/\s+/g, ' ')).toContain('Đơn vị (mã)');
    // the furthest behind: Ba Đình (0 of 3) before the long-named commune (1 of 2)
    const ranking = raw.slice(raw.indexOf('đơn vị có tỷ lệ thấp nhất')).replace(/\s+/g, ' ');
    expect(ranking).toMatch(/1\. Phường Ba Đình \(C-HN\): 0% \(0\/3 người\)/);
    // (a long code may wrap after one of its hyphens)
    expect(ranking.replace(/\s+/g, '')).toContain('2.PhườngKhuđôthịmớiBắcThăngLong–VânTrìsố1(địabànsápnhập)(HN-PHUONG-01-KHU-DO-THI-MOI):50%(1/2người)');
    expect(flat).toMatch(/Thành phố Hà Nội, ngày \d{2} tháng \d{2} năm \d{4}/);
    expect(flat).toContain('NGƯỜI LẬP BIỂU');
    expect(flat).toContain('LÃNH ĐẠO ĐƠN VỊ');
    expect(flat).toContain(`Trang ${pages}/${pages}`);
  });

  it('when the reader chose English, should print it in English, still whole', async () => {
    const res = await staffHn.get('/reports/rollup.pdf?unit=01').set('Cookie', 'lang=en').buffer(true).parse(binaryBody).expect(200);
    const file = tmpFile('en.pdf', res.body as Buffer);
    execFileSync('pdftoppm', ['-png', '-r', '60', '-f', '1', '-l', '1', file, path.join(__dirname, '..', '..', 'test-results', 'briefing-en')]);
    const raw = execFileSync('pdftotext', ['-raw', file, '-']).toString();
    const flat = raw.replace(/\s+/g, ' ');
    expect(flat).toContain('HO CHI MINH COMMUNIST YOUTH UNION');
    expect(flat).toContain('PROGRESS ON THE TWO COURSES');
    expect(flat).toContain('Completed both courses: 20% (1 of 5 people), target 100%');
    expect(flat).toContain('Since the figures taken at 00:00 on Monday 23/11/2026 (0%): +20 percentage points');
    expect(flat).toContain('HEAD OF UNIT');
    expect(flat).toContain('Unit (code) People Digital Literacy Two-Level Government Both courses'); // headers wrap between words, never inside one
    for (const u of LONG) expect(raw.replace(/\s+/g, '')).toContain(u.code);
    expect(raw).not.toContain('…');
  });

  it('when there is no weekly snapshot yet, should say so rather than show a change', async () => {
    const res = await staffHn.get('/reports/rollup.pdf?unit=C-HN').buffer(true).parse(binaryBody).expect(200);
    const raw = execFileSync('pdftotext', ['-raw', tmpFile('c.pdf', res.body as Buffer), '-']).toString();
    expect(raw).toContain('Chưa có số liệu chốt tuần nào để so sánh');
    expect(raw).toContain('Đội Ba Đình');
  });

  it('should compare with the newest weekly snapshot, and rank the lowest rates among units with people', () => {
    expect(weekStartOf('2026-W49')!.toISOString()).toBe('2026-11-29T17:00:00.000Z'); // Monday 30/11 00:00 in Vietnam
    expect(weekStartOf('2021-W01')!.toISOString()).toBe('2021-01-03T17:00:00.000Z');
    const f = (people: number, compliant: number) => ({ people, digitalLiteracy: compliant, twoLevelGovernment: compliant, compliant });
    expect(weeklyChange([], f(4, 1))).toBeNull();
    expect(weeklyChange([{ week: '2026-W48', ...f(4, 0) }, { week: '2026-W49', ...f(4, 2) }], f(4, 1))).toMatchObject({ week: '2026-W49', before: 50, now: 25, points: -25 });
    const unit = (code: string) => ({ code }) as never;
    const rows = [
      { unit: unit('A'), figures: f(10, 5) },
      { unit: unit('B'), figures: f(0, 0) },
      { unit: unit('C'), figures: f(10, 1) },
      { unit: unit('D'), figures: f(20, 2) },
    ];
    expect(lowestOf(rows, 2).map((r) => (r.unit as { code: string }).code)).toEqual(['D', 'C']);
  });
});

describe('people who belong to a commune itself', () => {
  it('when a commune has people in no team, the dashboard should say how many under its teams', async () => {
    const page = await staffHn.get('/reports?unit=C-HN').expect(200);
    expect(page.text).toContain('1 người thuộc trực tiếp xã/phường (không thuộc đội nào)');
    const team = await staffHn.get('/reports?unit=T-HN').expect(200);
    expect(team.text).not.toContain('thuộc trực tiếp');
    // the province: every person is in a commune, so nothing to explain
    const province = await staffHn.get('/reports?unit=01').expect(200);
    expect(province.text).not.toContain('thuộc trực tiếp');
  });
});
