/** Background per-person exports: asked for with a form, prepared by a worker, downloaded by their owner. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import request from 'supertest';
import { ExportClaim, ExportJob } from '../../src/reports/export-job.model';
import { exportLimits, rebuildRollups, workOnExports } from '../../src/reports';
import { testApp } from '../helpers/app';
import { useTestDatabase } from '../helpers/db';
import { binaryBody, createTree, createUser, csrfToken, recordCompletion, signedInAgent } from '../helpers/factories';

useTestDatabase(__filename);
const log = pino({ level: 'silent' });
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tss-exports-'));
let app: ReturnType<typeof testApp>;
let admin: request.Agent;
const saved = exportLimits.inlineMaxPeople;

beforeAll(async () => {
  await createTree();
  app = testApp();
  for (let i = 0; i < 5; i++) {
    const { user } = await createUser('volunteer', i % 2 ? 'T-HN' : 'T-CB', { fullName: i === 0 ? '=HYPERLINK("x")' : `Người ${i}` });
    if (i < 2) await recordCompletion(user._id, 'digital-literacy');
  }
  await rebuildRollups();
  admin = await signedInAgent(app, (await createUser('admin', 'TW')).user.username);
  exportLimits.inlineMaxPeople = 3; // the country (5 people) counts as too big for one request
});
afterAll(() => {
  exportLimits.inlineMaxPeople = saved;
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('background exports', () => {
  it('when a subtree is too big, should offer a background export, prepare it and let its owner download it', async () => {
    const inline = await admin.get('/reports/people.csv?unit=01').expect(200); // 2 people: streamed at once
    expect(inline.text.split('\n').filter(Boolean)).toHaveLength(3);

    // a small unit's offer is a plain download, not a background job
    const small = await admin.get('/reports/exports?unit=01').expect(200);
    expect(small.text).toContain('href="/reports/people.csv?unit=01"');
    expect(small.text).not.toContain('action="/reports/exports"');

    const offered = await admin.get('/reports/people.csv?unit=TW').expect(303);
    expect(offered.headers.location).toBe('/reports/exports?unit=TW&format=csv');
    const page = await admin.get(offered.headers.location!).expect(200);
    expect(page.text).toContain('Chuẩn bị tệp CSV');

    await admin.post('/reports/exports').type('form').send({ unit: 'TW', format: 'csv' }).expect(403); // no CSRF token
    const _csrf = await csrfToken(admin, '/reports/exports');
    await admin.post('/reports/exports').type('form').send({ _csrf, unit: 'TW', format: 'pdf' }).expect(400);
    await admin.post('/reports/exports').type('form').send({ _csrf, unit: 'TW', format: 'csv' }).expect(303);
    const waiting = await admin.get('/reports/exports').expect(200);
    expect(waiting.text).toContain('Đang chờ đến lượt');
    expect(waiting.text).toContain('http-equiv="refresh"');

    expect(await workOnExports(dir, log)).toBe(true);
    const ready = await admin.get('/reports/exports').expect(200);
    const link = /href="(\/reports\/exports\/[a-f0-9]{24}\/download)"/.exec(ready.text)![1]!;
    const file = await admin.get(link).buffer(true).parse(binaryBody).expect(200);
    expect(file.headers['content-disposition']).toMatch(/attachment; filename="?nguoi-hoc-TW-\d{4}-\d{2}-\d{2}\.csv"?/);
    const text = (file.body as Buffer).toString('utf8');
    // in the requester's words, as the page's own download
    expect(text.startsWith('\uFEFFTên đăng nhập,Họ và tên,Mã tỉnh')).toBe(true);
    const lines = text.split('\n').filter(Boolean);
    expect(lines).toHaveLength(6);
    expect(text).toContain(`'=HYPERLINK`);
    expect(lines.filter((l) => l.includes(',Đã hoàn thành,'))).toHaveLength(2);

    // someone else, even an admin, cannot download it
    const other = await signedInAgent(app, (await createUser('admin', 'TW')).user.username);
    await other.get(link).expect(404);
    await other.get('/reports/exports/not-an-id/download').expect(404);
    expect((await other.get('/reports/exports').expect(200)).text).not.toContain(link);
  });

  it('when the codes form is asked for, the background export should keep it', async () => {
    const offered = await admin.get('/reports/people.csv?unit=TW&format=codes').expect(303);
    expect(offered.headers.location).toBe('/reports/exports?unit=TW&format=csv&form=codes');
    const page = await admin.get(offered.headers.location!).expect(200);
    expect(page.text).toContain('name="form" value="codes"');
    const _csrf = await csrfToken(admin, '/reports/exports');
    await admin.post('/reports/exports').type('form').send({ _csrf, unit: 'TW', format: 'csv', form: 'plain' }).expect(400);
    await admin.post('/reports/exports').type('form').send({ _csrf, unit: 'TW', format: 'csv', form: 'codes' }).expect(303);
    const job = (await ExportJob.findOne({ form: 'codes' }).lean())!;
    expect(job).toMatchObject({ state: 'queued', locale: 'vi' });
    expect(await workOnExports(dir, log)).toBe(true);
    const done = (await ExportJob.findById(job._id).lean())!;
    const text = fs.readFileSync(done.file!, 'utf8');
    expect(text.startsWith('\uFEFFusername,full_name,province_code')).toBe(true);
    expect(text.split('\n').filter((l) => l.includes(',completed,'))).toHaveLength(2);
    expect(text).toMatch(/,\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z,/);
  });

  it('when staff ask for a unit outside their scope, should answer 404 and prepare nothing', async () => {
    const staff = await signedInAgent(app, (await createUser('staff', '04')).user.username);
    const before = await ExportJob.countDocuments({});
    await staff.get('/reports/exports?unit=01').expect(404);
    const _csrf = await csrfToken(staff, '/reports/exports');
    await staff.post('/reports/exports').type('form').send({ _csrf, unit: '01', format: 'csv' }).expect(404);
    expect(await ExportJob.countDocuments({})).toBe(before);
  });

  it('when the process working on a job died, should start it again, and give up after three attempts', async () => {
    const _csrf = await csrfToken(admin, '/reports/exports');
    await admin.post('/reports/exports').type('form').send({ _csrf, unit: 'TW', format: 'xlsx' }).expect(303);
    const job = (await ExportJob.findOne({ format: 'xlsx' }).lean())!;
    // as if a process took attempt 1 and was killed a while ago
    await ExportClaim.create({ job: job._id, attempt: 1, at: new Date() });
    await ExportJob.updateOne({ _id: job._id }, { $set: { state: 'running', attempt: 1, heartbeatAt: new Date(Date.now() - 120_000) } });
    expect(await workOnExports(dir, log)).toBe(true);
    const done = (await ExportJob.findById(job._id).lean())!;
    expect(done).toMatchObject({ state: 'ready', attempt: 2, rows: 5 });
    expect(fs.readFileSync(done.file!).subarray(0, 4).toString('latin1')).toBe('PK\x03\x04');

    await ExportJob.updateOne({ _id: job._id }, { $set: { state: 'running', attempt: 3, heartbeatAt: new Date(Date.now() - 120_000) } });
    await workOnExports(dir, log);
    expect(await ExportJob.findById(job._id).lean()).toMatchObject({ state: 'failed', error: 'interrupted' });
    expect((await admin.get('/reports/exports').expect(200)).text).toContain('gián đoạn');
  });
});
