import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import jsQR from 'jsqr';
import { PNG } from 'pngjs';
import request from 'supertest';
import { moveUser, toActor } from '../../src/accounts';
import { issueForCompletion } from '../../src/certificates';
import { Certificate } from '../../src/certificates/certificate.model';
import { testApp } from '../helpers/app';
import { countAuditEntries } from '../helpers/audit-records';
import { useTestDatabase } from '../helpers/db';
import { binaryBody, createTree, createUser, postForm, signedInAgent } from '../helpers/factories';
import { countCompletions, writeCompletionRecord } from '../helpers/progress';

useTestDatabase(__filename);
// http, so that supertest sends the session cookie back (https would make it Secure)
const BASE_URL = 'http://tiepsucso.example.vn';
let app: ReturnType<typeof testApp>;

beforeAll(async () => {
  await createTree();
  app = testApp({ env: { BASE_URL } });
});

const DL = '/courses/digital-literacy';

/** A volunteer who has completed the fixture "digital-literacy" course (lessons only). */
async function graduate(fullName: string, unit = 'T-HN') {
  const { user } = await createUser('volunteer', unit, { fullName });
  const agent = await signedInAgent(app, user.username);
  for (const key of ['01-first/one', '01-first/two', '02-second/one', '02-second/two']) await postForm(agent, `${DL}/${key}/read`, {}, '/courses');
  const cert = await Certificate.findOne({ user: user._id }).lean();
  return { user, agent, cert: cert! };
}

describe('issuing', () => {
  it('when a course completes, should issue exactly one certificate', async () => {
    const { user, cert } = await graduate('Đặng Văn Ượng');
    expect(cert.serial).toMatch(/^[0-9A-Z]{4}-/);
    expect(cert.holderName).toBe('Đặng Văn Ượng');
    expect(await Certificate.countDocuments({ user: user._id })).toBe(1);
  });

  it('when issuing for the same completion runs 10 times at once, should leave one certificate', async () => {
    const { user } = await createUser('volunteer', 'T-HN');
    const completion = await writeCompletionRecord(user._id, 'digital-literacy', { contentVersion: 'v1' });
    const results = await Promise.all(Array.from({ length: 10 }, () => issueForCompletion(completion)));
    expect(new Set(results.map((c) => c.serial)).size).toBe(1);
    expect(await Certificate.countDocuments({ user: user._id })).toBe(1);
  });
});

describe('the PDF', () => {
  it('should be an A4 PDF whose text holds the exact Vietnamese name and whose QR code opens the verification page', async () => {
    const { agent, cert } = await graduate('Nguyễn Thị Ánh Tuyết');
    const res = await agent.get(`/certificates/${cert.serial}/pdf`).buffer(true).parse(binaryBody).expect(200);
    expect(res.headers['content-type']).toBe('application/pdf');
    expect(res.headers["content-disposition"]).toMatch(new RegExp(`^attachment; filename="?chung-nhan-digital-literacy-${cert.serial}.pdf"?$`));
    const body = res.body as Buffer;
    expect(body.subarray(0, 5).toString()).toBe('%PDF-');

    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tss-pdf-'));
    const pdf = path.join(dir, 'c.pdf');
    fs.writeFileSync(pdf, body);
    const text = execFileSync('pdftotext', ['-enc', 'UTF-8', pdf, '-'], { encoding: 'utf8' });
    expect(text).toContain('Nguyễn Thị Ánh Tuyết');
    expect(text).toContain('Khóa digital-literacy');
    expect(text).toContain('đã hoàn thành khóa học');
    expect(text).toContain(cert.serial);
    const info = execFileSync('pdfinfo', [pdf], { encoding: 'utf8' });
    expect(info).toMatch(/Page size:\s+841\.89 x 595\.28 pts \(A4\)/);

    execFileSync('pdftoppm', ['-png', '-r', '150', '-singlefile', pdf, path.join(dir, 'page')]);
    const png = PNG.sync.read(fs.readFileSync(path.join(dir, 'page.png')));
    const code = jsQR(new Uint8ClampedArray(png.data.buffer, png.data.byteOffset, png.data.length), png.width, png.height);
    expect(code?.data).toBe(`${BASE_URL}/verify/${cert.serial}`);
    fs.rmSync(dir, { recursive: true, force: true });

    const verify = await request(app).get(new URL(code!.data).pathname).expect(200);
    expect(verify.text).toContain('Chứng nhận hợp lệ');
    expect(verify.text).toContain('Nguyễn Thị Ánh Tuyết');
  });

  it('a name with markup should be printed as text, and the page should escape it', async () => {
    const { cert } = await graduate('<script>alert(1)</script>');
    const page = await request(app).get(`/verify/${cert.serial}`).expect(200);
    expect(page.text).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
  });
});

describe('GET /verify/:serial', () => {
  it('when the serial is mistyped, should say so', async () => {
    const { cert } = await graduate('Lê Văn Tám');
    const last = cert.serial.slice(-1);
    const wrong = cert.serial.slice(0, -1) + (last === 'A' ? 'B' : 'A');
    const res = await request(app).get(`/verify/${wrong}`).expect(400);
    expect(res.text).toContain('bị gõ sai');
  });

  it('when the serial is unknown, should answer a 404 page that says so', async () => {
    const res = await request(app).get('/verify/0000-0000-0000-0000-0').set('Accept-Language', 'en');
    expect(res.status).toBe(404);
    expect(res.text).toContain('There is no certificate with the serial 0000-0000-0000-0000-0.');
  });

  it('when it is not a serial at all, should say what a serial looks like', async () => {
    const res = await request(app).get('/verify/hello').expect(400);
    expect(res.text).toContain('không phải là một số hiệu chứng nhận');
  });

  it('the form should send a typed serial (any case) to its page', async () => {
    const { cert } = await graduate('Trần Thị Hoa');
    const res = await request(app).get(`/verify?serial=${encodeURIComponent(` ${cert.serial.toLowerCase()} `)}`).expect(303);
    expect(res.headers.location).toBe(`/verify/${cert.serial}`);
    await request(app).get('/verify').expect(200);
  });

  it('when one address looks up too many serials, should answer 429', async () => {
    const limited = testApp({ env: { BASE_URL, TRUST_PROXY: 'loopback' }, verifyLimitPerMinute: 3 }); // behind a proxy on this machine
    const statuses: number[] = [];
    // From an address of its own: limits are shared by every app process (and every test here).
    for (let i = 0; i < 5; i++) statuses.push((await request(limited).get('/verify/0000-0000-0000-0000-0').set('X-Forwarded-For', '203.0.113.7')).status);
    expect(statuses.slice(0, 3)).toEqual([404, 404, 404]);
    expect(statuses[4]).toBe(429);
  });
});

describe('scope and revocation', () => {
  it('another volunteer, or staff of another province, should get 404 for the PDF; staff of the province 200', async () => {
    const { cert } = await graduate('Phan Văn Khải');
    const other = await signedInAgent(app, (await createUser('volunteer', 'T-HN')).user.username);
    await other.get(`/certificates/${cert.serial}/pdf`).expect(404);
    const staffCb = await signedInAgent(app, (await createUser('staff', '04')).user.username);
    await staffCb.get(`/certificates/${cert.serial}/pdf`).expect(404);
    const staffHn = await signedInAgent(app, (await createUser('staff', '01')).user.username);
    await staffHn.get(`/certificates/${cert.serial}/pdf`).expect(200);
    const list = await staffHn.get('/certificates/people').expect(200);
    expect(list.text).toContain('Phan Văn Khải');
    expect((await staffCb.get('/certificates/people')).text).not.toContain('Phan Văn Khải');
  });

  it('when the holder moves to another province, should list the certificate there and no longer in the old one', async () => {
    const { user, cert } = await graduate('Đinh Văn Chuyển');
    const admin = (await createUser('admin', 'TW')).user;
    await moveUser(toActor(admin), String(user._id), 'T-CB');
    const staffCb = await signedInAgent(app, (await createUser('staff', '04')).user.username);
    const staffHn = await signedInAgent(app, (await createUser('staff', '01')).user.username);
    expect((await staffCb.get('/certificates/people')).text).toContain('Đinh Văn Chuyển');
    await staffCb.get(`/certificates/${cert.serial}/pdf`).expect(200);
    expect((await staffHn.get('/certificates/people')).text).not.toContain('Đinh Văn Chuyển');
    await staffHn.get(`/certificates/${cert.serial}/pdf`).expect(404);
  });

  it('staff should download a unit\'s certificates as one ZIP; outside their scope 404', async () => {
    await graduate('Vũ Thị Zip', 'T-CB');
    const staffCb = await signedInAgent(app, (await createUser('staff', '04')).user.username);
    const res = await staffCb.get('/certificates/zip?unit=T-CB').buffer(true).parse(binaryBody).expect(200);
    expect(res.headers['content-type']).toBe('application/zip');
    expect((res.body as Buffer).subarray(0, 2).toString()).toBe('PK');
    const staffHn = await signedInAgent(app, (await createUser('staff', '01')).user.username);
    await staffHn.get('/certificates/zip?unit=T-CB').expect(404);
  });

  it('a trainer should download a cohort\'s certificates as one ZIP', async () => {
    const { user } = await graduate('Lý Thị Lớp');
    const trainer = await signedInAgent(app, (await createUser('trainer', 'C-HN')).user.username);
    const created = await postForm(trainer, '/cohorts', { name: 'Lớp in chứng nhận', unitCode: 'C-HN', courses: 'digital-literacy' }, '/cohorts/new');
    const cohortId = /\/cohorts\/([a-f0-9]{24})/.exec(created.headers.location!)![1]!;
    await postForm(trainer, `/cohorts/${cohortId}/members`, { username: user.username }, `/cohorts/${cohortId}`);
    const zip = await trainer.get(`/cohorts/${cohortId}/certificates.zip`).buffer(true).parse(binaryBody).expect(200);
    expect((zip.body as Buffer).subarray(0, 2).toString()).toBe('PK');
    expect((zip.body as Buffer).toString('latin1')).toContain('chung-nhan-digital-literacy-');
    const other = await signedInAgent(app, (await createUser('trainer', 'C-CB')).user.username);
    await other.get(`/cohorts/${cohortId}/certificates.zip`).expect(404);
  });

  it('revoking should need a reason, be audited, show as revoked on the same URL, and allow a new certificate after completing again', async () => {
    const { user, agent, cert } = await graduate('Hồ Thị Thu');
    const staff = await signedInAgent(app, (await createUser('staff', '01')).user.username);
    const noReason = await postForm(staff, `/certificates/${cert.serial}/revoke`, { reason: '' }, `/certificates/${cert.serial}/revoke`);
    expect(noReason.status).toBe(400);
    const res = await postForm(staff, `/certificates/${cert.serial}/revoke`, { reason: 'Cấp nhầm người' }, `/certificates/${cert.serial}/revoke`);
    expect(res.status).toBe(303);
    const page = await request(app).get(`/verify/${cert.serial}`).expect(200);
    expect(page.text).toMatch(/Chứng nhận đã bị thu hồi từ ngày/);
    expect(await countAuditEntries({ action: 'certificate.revoked', details: new RegExp(cert.serial) as never })).toBe(1);
    expect(await countCompletions({ user: user._id, course: 'digital-literacy' })).toBe(0);

    await postForm(agent, `${DL}/02-second/two/read`, {}, '/courses'); // completes again
    const certs = await Certificate.find({ user: user._id }).lean();
    expect(certs).toHaveLength(2);
    expect(certs.find((c) => !c.revokedAt)!.serial).not.toBe(cert.serial);
  });

  it('a volunteer or trainer should not revoke', async () => {
    const { agent, cert } = await graduate('Mai Văn Lộc');
    expect((await postForm(agent, `/certificates/${cert.serial}/revoke`, { reason: 'tự thu hồi' }, '/certificates')).status).toBe(403);
  });

  it('"My certificates" should list mine with a download link', async () => {
    const { agent, cert } = await graduate('Đinh Thị Mỹ');
    const res = await agent.get('/certificates').expect(200);
    expect(res.text).toContain(`/certificates/${cert.serial}/pdf`);
  });
});
