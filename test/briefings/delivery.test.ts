/**
 * A ready pack is announced to the staff of its unit who subscribed to it: one notification
 * each (keyed by unit, week and person), a link to the Briefings page, the PDF in their language
 * attached; reruns and two runs at once make nothing more; delivered by email through a real
 * SMTP server with the PDF attached.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { UserDoc } from '../../src/accounts';
import { runBriefings } from '../../src/briefings';
import { parseWeek } from '../../src/fieldreports';
import { runDelivery, setEmailWanted } from '../../src/notifications';
import { findUnitByCode } from '../../src/org';
import { rebuildRollups } from '../../src/reports';
import { testConfig } from '../helpers/app';
import { briefingNoticesOf } from '../helpers/briefing-records';
import { useTestDatabase } from '../helpers/db';
import { createTree, createUser } from '../helpers/factories';
import { setUserFields } from '../helpers/people';
import { decodeWords, startSmtp, type TestSmtp } from '../notifications/smtp';

useTestDatabase(__filename);

const mondaySeven = (label: string) => new Date(parseWeek(label)!.start.getTime() + 7 * 3600_000);
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'briefings-delivery-'));
let smtp: TestSmtp;
/** Hà Nội's staff: one subscribed (Vietnamese), one subscribed (English), one not; a subscriber in a commune (no pack there). */
const staff = {} as Record<'hnVi' | 'hnEn' | 'hnOff' | 'commune', UserDoc>;

beforeAll(async () => {
  smtp = await startSmtp();
  await createTree();
  await createUser('volunteer', 'T-HN');
  for (const [who, unit] of [['hnVi', '01'], ['hnEn', '01'], ['hnOff', '01'], ['commune', 'C-HN']] as const) {
    staff[who] = (await createUser('staff', unit)).user;
    await setUserFields(staff[who]._id, { email: `${who.toLowerCase()}@doan.example.vn` } as Partial<UserDoc>);
    if (who !== 'hnOff') await setEmailWanted(staff[who]._id, 'briefingPack', true);
  }
  await setUserFields(staff.hnEn._id, { locale: 'en' } as Partial<UserDoc>);
  await rebuildRollups();
});

afterAll(() => smtp.close());

describe('announcing a pack', () => {
  it('when the pack is ready, should notify each subscriber of the unit once with the PDF in their language, and nobody else', async () => {
    const run = await runBriefings({ now: mondaySeven('2026-W50'), dataDir });
    expect(run.prepared).toEqual(['TW', '01']);
    expect(run.notified).toBe(2);
    const hn = (await findUnitByCode('01'))!;
    expect(await briefingNoticesOf(staff.hnVi._id)).toEqual([
      {
        key: `briefing:${hn._id}:2026-W50:${staff.hnVi._id}`,
        link: '/briefings?week=2026-W50',
        attachments: [{ filename: 'goi-giao-ban-2026-W50-01.pdf', path: 'briefings/2026-W50/01-2026-W50-vi.pdf', contentType: 'application/pdf' }],
        email: 'pending',
      },
    ]);
    expect((await briefingNoticesOf(staff.hnEn._id))[0]?.attachments).toEqual([{ filename: 'briefing-pack-2026-W50-01.pdf', path: 'briefings/2026-W50/01-2026-W50-en.pdf', contentType: 'application/pdf' }]);
    expect(await briefingNoticesOf(staff.hnOff._id)).toEqual([]);
    expect(await briefingNoticesOf(staff.commune._id)).toEqual([]);
  });

  it('when the run is repeated, should notify nobody again', async () => {
    const again = await runBriefings({ now: new Date(mondaySeven('2026-W50').getTime() + 3600_000), dataDir });
    expect(again).toMatchObject({ prepared: [], notified: 0 });
    expect(await briefingNoticesOf(staff.hnVi._id)).toHaveLength(1);
  });

  it('when two runs start at once, should notify each subscriber once between them', async () => {
    const now = mondaySeven('2026-W51');
    const [a, b] = await Promise.all([runBriefings({ now, dataDir }), runBriefings({ now, dataDir })]);
    expect(a.notified + b.notified).toBe(2);
    for (const who of ['hnVi', 'hnEn'] as const) expect((await briefingNoticesOf(staff[who]._id)).filter((n) => n.key.includes(':2026-W51:'))).toHaveLength(1);
  });

  it('when the emails go out, should reach each subscriber once in their language with the PDF attached', async () => {
    const config = testConfig({ SMTP_URL: smtp.url, BASE_URL: 'https://tiepsuc.example.vn', MAIL_FROM: 'Tiếp sức số <no-reply@tiepsuc.example.vn>', DATA_DIR: dataDir });
    await runDelivery({ config, now: mondaySeven('2026-W51'), limit: 100 });
    const to = (who: keyof typeof staff) => smtp.messages.filter((m) => m.to.includes(`${who.toLowerCase()}@doan.example.vn`));
    expect(to('hnVi')).toHaveLength(2); // weeks 50 and 51
    expect(to('hnOff')).toHaveLength(0);
    const vi = to('hnVi')[0]!;
    expect(decodeWords(vi.headers.subject ?? '')).toMatch(/^Tiếp sức số: Gói giao ban tuần 5[01] của Thành phố Hà Nội đã sẵn sàng$/);
    // the text is a part of a part (the message is mixed: the alternatives, then the PDF): read it from the raw message
    expect(vi.raw.replace(/=\r?\n/g, '').replace(/=3D/g, '=')).toContain('https://tiepsuc.example.vn/briefings?week=2026-W5');
    expect(vi.raw).toMatch(/Content-Type: application\/pdf; name=goi-giao-ban-2026-W5[01]-01\.pdf/);
    expect(vi.raw).toContain('JVBERi0'); // the attachment's first bytes, %PDF-, in base64
    const en = to('hnEn')[0]!;
    expect(decodeWords(en.headers.subject ?? '')).toMatch(/: The week 5[01] briefing pack of Hanoi is ready$/);
    expect(en.raw).toMatch(/filename=briefing-pack-2026-W5[01]-01\.pdf/);
  });
});
