/**
 * The Briefings page and the packs' files: staff see the packs of their unit and the units under
 * it (the centre's staff every province's), download them in their language or the other with a
 * clear file name, each download audited; another province's pack is a 404, bad input a 400.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type request from 'supertest';
import { runBriefings } from '../../src/briefings';
import { parseWeek } from '../../src/fieldreports';
import { rebuildRollups } from '../../src/reports';
import { testApp } from '../helpers/app';
import { countAuditEntries } from '../helpers/audit-records';
import { packIdOf } from '../helpers/briefing-records';
import { useTestDatabase } from '../helpers/db';
import { binaryBody, createTree, createUser, signedInAgent } from '../helpers/factories';

useTestDatabase(__filename);

const mondaySeven = (label: string) => new Date(parseWeek(label)!.start.getTime() + 7 * 3600_000);
const agents: Record<'centre' | 'hanoi' | 'caobang' | 'commune' | 'volunteer', request.Agent> = {} as never;
const ids: Record<string, string> = {};

beforeAll(async () => {
  await createTree();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'briefings-page-'));
  await Promise.all(['T-HN', 'T-CB'].map((u) => createUser('volunteer', u)));
  await rebuildRollups();
  await runBriefings({ now: mondaySeven('2026-W49'), dataDir });
  await runBriefings({ now: mondaySeven('2026-W50'), dataDir });
  for (const [code, week] of [['TW', '2026-W50'], ['01', '2026-W50'], ['04', '2026-W50'], ['01', '2026-W49']] as const) ids[`${code}:${week}`] = (await packIdOf(code, week))!;
  const app = testApp({ env: { DATA_DIR: dataDir } });
  const homes = { centre: ['staff', 'TW'], hanoi: ['staff', '01'], caobang: ['staff', '04'], commune: ['staff', 'C-HN'], volunteer: ['volunteer', 'T-HN'] } as const;
  for (const [who, [role, unit]] of Object.entries(homes)) agents[who as keyof typeof agents] = await signedInAgent(app, (await createUser(role, unit)).user.username);
});

describe('the Briefings page', () => {
  it('when the centre\'s staff open it, should list the centre\'s pack first and then every province\'s of the newest week, with past weeks', async () => {
    const res = await agents.centre.get('/briefings').expect(200);
    const html = res.text;
    expect(html).toContain('Gói giao ban Tuần 50');
    const order = ['Trung ương Đoàn TNCS Hồ Chí Minh', 'Thành phố Hà Nội', 'Tỉnh Cao Bằng'].map((n) => html.indexOf(`<h3>${n}</h3>`));
    expect(order.every((i) => i > 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(html).toContain(`/briefings/${ids['01:2026-W50']}/pack.pdf`);
    expect(html).toContain('href="/briefings?week=2026-W49"');
    expect(html).toContain('Lập lúc 07/12/2026 07:00');
    expect(Buffer.byteLength(html)).toBeLessThan(60_000);
  });

  it('when a province\'s staff open it, should show their province\'s pack only', async () => {
    const html = (await agents.hanoi.get('/briefings').expect(200)).text;
    expect(html).toContain(`/briefings/${ids['01:2026-W50']}/pack.pdf`);
    expect(html).not.toContain(ids['04:2026-W50']!);
    expect(html).not.toContain(ids['TW:2026-W50']!);
    const past = (await agents.hanoi.get('/briefings?week=2026-W49').expect(200)).text;
    expect(past).toContain(`/briefings/${ids['01:2026-W49']}/pack.xlsx`);
  });

  it('when a commune\'s staff open it, should say that packs are made for the centre and the provinces', async () => {
    const html = (await agents.commune.get('/briefings').expect(200)).text;
    expect(html).toContain('Chưa có gói giao ban nào cho đơn vị của bạn');
    expect(html).not.toContain('/pack.pdf');
  });

  it('when the week is not a week, should answer 400 in the reader\'s language; when a volunteer asks, 403', async () => {
    const res = await agents.centre.get('/briefings?week=2026-W99').expect(400);
    expect(res.text).toContain('lang="vi"');
    await agents.centre.get('/briefings?week=2026-W49&week=2026-W50').expect(400);
    await agents.volunteer.get('/briefings').expect(403);
  });
});

describe('a pack\'s files', () => {
  it('when a province\'s staff download their PDF, should send it named by week and unit, and audit it', async () => {
    const before = await countAuditEntries({ action: 'report.exported', details: /^briefing-pack\.pdf vi unit=01 week=2026-W50/ });
    const res = await agents.hanoi.get(`/briefings/${ids['01:2026-W50']}/pack.pdf`).buffer(true).parse(binaryBody).expect(200);
    expect(res.headers['content-type']).toBe('application/pdf');
    expect(res.headers['content-disposition']).toBe('attachment; filename=goi-giao-ban-2026-W50-01.pdf');
    expect((res.body as Buffer).subarray(0, 5).toString()).toBe('%PDF-');
    expect(await countAuditEntries({ action: 'report.exported', details: /^briefing-pack\.pdf vi unit=01 week=2026-W50/ })).toBe(before + 1);
  });

  it('when the English workbook is asked for, should send the English file under its English name', async () => {
    const res = await agents.hanoi.get(`/briefings/${ids['01:2026-W50']}/pack.xlsx?lang=en`).buffer(true).parse(binaryBody).expect(200);
    expect(res.headers['content-type']).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    expect(res.headers['content-disposition']).toBe('attachment; filename=briefing-pack-2026-W50-01.xlsx');
    expect((res.body as Buffer).subarray(0, 2).toString()).toBe('PK');
  });

  it('when another province\'s pack or the centre\'s is asked for, should answer 404; the centre\'s staff may have any', async () => {
    await agents.caobang.get(`/briefings/${ids['01:2026-W50']}/pack.pdf`).expect(404);
    await agents.hanoi.get(`/briefings/${ids['TW:2026-W50']}/pack.pdf`).expect(404);
    await agents.commune.get(`/briefings/${ids['01:2026-W50']}/pack.xlsx`).expect(404);
    await agents.centre.get(`/briefings/${ids['04:2026-W50']}/pack.pdf`).expect(200);
  });

  it('when the id, the format or the language is not one, should answer 404 or 400, never 500', async () => {
    await agents.hanoi.get('/briefings/not-an-id/pack.pdf').expect(404);
    await agents.hanoi.get(`/briefings/${ids['01:2026-W50']}/pack.docx`).expect(404);
    await agents.hanoi.get('/briefings/0123456789abcdef01234567/pack.pdf').expect(404);
    await agents.hanoi.get(`/briefings/${ids['01:2026-W50']}/pack.pdf?lang=fr`).expect(400);
  });
});
