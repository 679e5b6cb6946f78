/**
 * Issue 20, items 1–4: a trainer schedules a session (checked input, scope), edits it until it
 * starts, cancels it with a reason; invitees come from cohorts and units; the roster's ticks,
 * walk-ins, closing, staff corrections (reason, audit); "My sessions" and its calendar file.
 */
import request from 'supertest';
import { createCohort, addMember } from '../../src/cohorts';
import { toActor, type UserDoc } from '../../src/accounts';
import { RetrainingAttendance, RetrainingInvitee, RetrainingSession } from '../../src/retraining/session.model';
import { testApp } from '../helpers/app';
import { countAuditEntries } from '../helpers/audit-records';
import { useTestDatabase } from '../helpers/db';
import { createTree, createUser, csrfToken, postForm, reloadUser, signedInAgent } from '../helpers/factories';
import { setUserFields } from '../helpers/people';

useTestDatabase(__filename);
let app: ReturnType<typeof testApp>;
let trainerUser: UserDoc;
let trainer: request.Agent;

const HOUR = 3600_000;
/** A date and time in Vietnam `hoursAhead` from now. */
function vnAhead(hoursAhead: number): { date: string; time: string } {
  const iso = new Date(Date.now() + hoursAhead * HOUR + 7 * HOUR).toISOString();
  return { date: iso.slice(0, 10), time: iso.slice(11, 16) };
}

function form(extra: Record<string, string | string[]> = {}): string {
  const start = vnAhead(48);
  const fields: Record<string, string | string[]> = { title: 'Tập huấn lại VNeID', date: start.date, startTime: '08:00', endTime: '10:00', placeKind: 'centre', place: 'Hội trường UBND phường Ba Đình', unitCode: 'C-HN', topics: ['topic:vneid', 'topic:ai'], inviteUnit: '1', ...extra };
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(fields)) for (const one of ([] as string[]).concat(v)) p.append(k, one);
  return p.toString();
}

async function post(agent: request.Agent, path: string, body: string, formPath: string): Promise<request.Response> {
  const _csrf = await csrfToken(agent, formPath);
  return agent.post(path).type('form').send(`_csrf=${encodeURIComponent(_csrf)}&${body}`);
}

async function schedule(agent = trainer, extra: Record<string, string | string[]> = {}): Promise<string> {
  const res = await post(agent, '/retraining', form(extra), '/retraining/new');
  expect(res.status).toBe(303);
  return /\/retraining\/([a-f0-9]{24})$/.exec(res.headers.location!)![1]!;
}

/** Moves a session so that it started `hoursAgo` (a state the form refuses to make). */
async function startedAgo(id: string, hoursAgo = 0.5): Promise<void> {
  await RetrainingSession.updateOne({ _id: id }, { $set: { startsAt: new Date(Date.now() - hoursAgo * HOUR), endsAt: new Date(Date.now() + HOUR) } });
}

beforeAll(async () => {
  await createTree();
  app = testApp();
  trainerUser = (await createUser('trainer', 'C-HN')).user;
  trainer = await signedInAgent(app, trainerUser.username);
});

describe('scheduling a session', () => {
  it('when the form is valid, should save the session for the unit with its province, topics and the unit’s people invited', async () => {
    const a = (await createUser('volunteer', 'T-HN')).user;
    const id = await schedule();
    const s = (await RetrainingSession.findById(id).lean())!;
    expect(s.title).toBe('Tập huấn lại VNeID');
    expect(s.topics).toEqual(['topic:vneid', 'topic:ai']);
    expect(String(s.trainer)).toBe(String(trainerUser._id));
    expect(String(s.province)).toBe(String(s.lineage[1]));
    expect(new Date(s.startsAt).toISOString().slice(11, 16)).toBe('01:00'); // 08:00 in Vietnam
    expect(await RetrainingInvitee.exists({ session: id, user: a._id })).toBeTruthy();
    expect(s.invitedCount).toBe(await RetrainingInvitee.countDocuments({ session: id }));
    const page = await trainer.get(`/retraining/${id}`).expect(200);
    expect(page.text).toContain(a.fullName);
    expect(page.text).toContain('/retraining/' + id + '/sheet.pdf');
  });

  it('when the title is empty, the end is before the start or no topic is chosen, should answer 400 naming each field and save nothing', async () => {
    const before = await RetrainingSession.countDocuments({});
    const res = await post(trainer, '/retraining', form({ title: ' ', endTime: '07:00', topics: [] }), '/retraining/new');
    expect(res.status).toBe(400);
    expect(res.text).toContain('Nhập tên buổi tập huấn');
    expect(res.text).toContain('Giờ kết thúc phải sau giờ bắt đầu');
    expect(res.text).toContain('Chọn ít nhất một nội dung');
    expect(await RetrainingSession.countDocuments({})).toBe(before);
  });

  it('when the start is in the past or the date is no day, should answer 400 and save nothing', async () => {
    const before = await RetrainingSession.countDocuments({});
    expect((await post(trainer, '/retraining', form({ date: vnAhead(-48).date }), '/retraining/new')).status).toBe(400);
    expect((await post(trainer, '/retraining', form({ date: '2027-02-31' }), '/retraining/new')).status).toBe(400);
    expect(await RetrainingSession.countDocuments({})).toBe(before);
  });

  it('when the unit is outside the trainer’s scope, should answer 400 on the unit and save nothing', async () => {
    const before = await RetrainingSession.countDocuments({});
    const res = await post(trainer, '/retraining', form({ unitCode: 'C-CB' }), '/retraining/new');
    expect(res.status).toBe(400);
    expect(await RetrainingSession.countDocuments({})).toBe(before);
  });

  it('when a cohort is invited, should invite its members; and a cohort of another unit is a 404', async () => {
    const cohort = await createCohort(toActor(trainerUser), { name: 'Lớp đợt 1', unitCode: 'T-HN', courses: ['digital-literacy'], dueDate: null });
    const member = (await createUser('volunteer', 'T-HN')).user;
    await addMember(toActor(trainerUser), String(cohort._id), member.username);
    const id = await schedule(trainer, { inviteUnit: [], cohorts: String(cohort._id), unitCode: 'T-HN' });
    expect((await RetrainingInvitee.find({ session: id }).lean()).map((i) => String(i.user))).toEqual([String(member._id)]);
    const staffCB = (await createUser('staff', '04')).user;
    const far = await createCohort(toActor(staffCB), { name: 'Lớp Cao Bằng', unitCode: 'T-CB', courses: ['digital-literacy'], dueDate: null });
    const res = await post(trainer, '/retraining', form({ cohorts: String(far._id) }), '/retraining/new');
    expect(res.status).toBe(404);
  });
});

describe('editing and cancelling', () => {
  it('when the session has not started, should save the edit; once started, should refuse it', async () => {
    const id = await schedule();
    const res = await post(trainer, `/retraining/${id}/edit`, form({ title: 'Tập huấn lại, đổi giờ', startTime: '14:00', endTime: '16:00' }), `/retraining/${id}/edit`);
    expect(res.status).toBe(303);
    expect((await RetrainingSession.findById(id).lean())!.title).toBe('Tập huấn lại, đổi giờ');
    await startedAgo(id);
    const late = await post(trainer, `/retraining/${id}/edit`, form({ title: 'Quá muộn' }), `/retraining/${id}`);
    expect(late.status).toBe(409);
    expect((await RetrainingSession.findById(id).lean())!.title).toBe('Tập huấn lại, đổi giờ');
  });

  it('when cancelled with a reason, should show it struck through with the reason on the invitee’s My sessions; without a reason, should refuse', async () => {
    const v = (await createUser('volunteer', 'T-HN')).user;
    const id = await schedule();
    expect((await postForm(trainer, `/retraining/${id}/cancel`, { reason: '' }, `/retraining/${id}`)).status).toBe(400);
    expect((await postForm(trainer, `/retraining/${id}/cancel`, { reason: 'Bão số 3, hoãn sang tuần sau' }, `/retraining/${id}`)).status).toBe(303);
    const s = (await RetrainingSession.findById(id).lean())!;
    expect(s.status).toBe('cancelled');
    const mine = await (await signedInAgent(app, v.username)).get('/retraining/mine').expect(200);
    expect(mine.text).toMatch(/<del><strong>Tập huấn lại VNeID<\/strong>/);
    expect(mine.text).toContain('Bão số 3, hoãn sang tuần sau');
  });
});

describe('the roster', () => {
  it('when ticks are saved twice, should record each person once, from the chosen source, and count them', async () => {
    const [a, b] = [(await createUser('volunteer', 'T-HN')).user, (await createUser('volunteer', 'T-HN')).user];
    const id = await schedule();
    await startedAgo(id);
    const body = `tick=${a._id}&tick=${b._id}&source=sheet`;
    expect((await post(trainer, `/retraining/${id}/ticks`, body, `/retraining/${id}`)).status).toBe(303);
    expect((await post(trainer, `/retraining/${id}/ticks`, body, `/retraining/${id}`)).status).toBe(303);
    const records = await RetrainingAttendance.find({ session: id }).lean();
    expect(records.map((r) => String(r.user)).sort()).toEqual([String(a._id), String(b._id)].sort());
    expect(records.every((r) => r.via === 'sheet')).toBe(true);
    // a tick taken back (shown ticked, now unticked) is removed; the count follows
    expect((await post(trainer, `/retraining/${id}/ticks`, `tick=${a._id}&shown=${a._id}&shown=${b._id}&source=roster`, `/retraining/${id}`)).status).toBe(303);
    expect(await RetrainingAttendance.countDocuments({ session: id })).toBe(1);
    expect((await RetrainingSession.findById(id).lean())!.attendedCount).toBe(1);
    const page = await trainer.get(`/retraining/${id}`).expect(200);
    expect(page.text).toContain('Vắng mặt (');
  });

  it('when a walk-in of the trainer’s scope is found and added, should record them; one of another province is refused with 404', async () => {
    const walkIn = (await createUser('volunteer', 'C-HN', { fullName: 'Nguyễn Thị Ánh Tuyết' })).user;
    const far = (await createUser('volunteer', 'T-CB')).user;
    const id = await schedule(trainer, { inviteUnit: [], cohorts: String((await createCohort(toActor(trainerUser), { name: 'Lớp trống', unitCode: 'T-HN', courses: ['digital-literacy'], dueDate: null }))._id) });
    await startedAgo(id);
    const found = await trainer.get(`/retraining/${id}?q=anh tuyet`).expect(200);
    expect(found.text).toContain('Nguyễn Thị Ánh Tuyết');
    expect((await postForm(trainer, `/retraining/${id}/walk-in`, { user: String(walkIn._id) }, `/retraining/${id}`)).status).toBe(303);
    expect((await postForm(trainer, `/retraining/${id}/walk-in`, { user: String(far._id) }, `/retraining/${id}`)).status).toBe(404);
    expect((await RetrainingAttendance.find({ session: id }).lean()).map((r) => String(r.user))).toEqual([String(walkIn._id)]);
  });

  it('when an attendee already has a trainer, should keep them and show "retrained by" on the roster', async () => {
    const first = (await createUser('trainer', 'C-HN', { fullName: 'Trần Văn Khải' })).user;
    const v = (await createUser('volunteer', 'T-HN')).user;
    await setUserFields(v._id, { retrainedBy: first._id, cascadePath: [first._id] });
    const id = await schedule();
    await startedAgo(id);
    await post(trainer, `/retraining/${id}/ticks`, `tick=${v._id}&source=roster`, `/retraining/${id}`);
    expect(String((await reloadUser(v.username))!.retrainedBy)).toBe(String(first._id));
    expect((await trainer.get(`/retraining/${id}`).expect(200)).text).toContain('Đã được Trần Văn Khải tập huấn');
  });

  it('when the session is closed, should refuse the trainer’s ticks; staff correct it only with a reason, audited', async () => {
    const v = (await createUser('volunteer', 'T-HN')).user;
    const id = await schedule();
    await startedAgo(id);
    expect((await postForm(trainer, `/retraining/${id}/close`, {}, `/retraining/${id}`)).status).toBe(303);
    expect((await RetrainingSession.findById(id).lean())!.status).toBe('closed');
    expect((await post(trainer, `/retraining/${id}/ticks`, `tick=${v._id}&source=roster`, `/retraining/${id}`)).status).toBe(409);
    expect(await RetrainingAttendance.countDocuments({ session: id })).toBe(0);
    const staff = await signedInAgent(app, (await createUser('staff', '01')).user.username);
    expect((await post(staff, `/retraining/${id}/correct`, `tick=${v._id}&reason=`, `/retraining/${id}`)).status).toBe(400);
    expect(await RetrainingAttendance.countDocuments({ session: id })).toBe(0);
    const auditsBefore = await countAuditEntries({ action: 'retraining.corrected' });
    expect((await post(staff, `/retraining/${id}/correct`, `tick=${v._id}&reason=${encodeURIComponent('Quên ký danh sách giấy')}`, `/retraining/${id}`)).status).toBe(303);
    const rec = (await RetrainingAttendance.findOne({ session: id }).lean())!;
    expect(rec.via).toBe('staff');
    expect(await countAuditEntries({ action: 'retraining.corrected' })).toBe(auditsBefore + 1);
    expect(await countAuditEntries({ action: 'retraining.corrected', details: new RegExp('Quên ký danh sách giấy') })).toBe(1);
  });
});

describe('who may see what', () => {
  it('when another trainer opens the session, should answer 404; a volunteer reaching the trainer pages gets 403', async () => {
    const id = await schedule();
    const other = await signedInAgent(app, (await createUser('trainer', 'C-HN')).user.username);
    await other.get(`/retraining/${id}`).expect(404);
    expect((await postForm(other, `/retraining/${id}/close`, {}, '/retraining')).status).toBe(404);
    const volunteer = await signedInAgent(app, (await createUser('volunteer', 'T-HN')).user.username);
    await volunteer.get(`/retraining/${id}`).expect(403);
    await volunteer.get('/retraining/new').expect(403);
    expect((await volunteer.get('/retraining')).headers.location).toBe('/retraining/mine');
  });

  it('when a staff member of another province opens the session, should answer 404; staff of its province see it', async () => {
    const id = await schedule();
    await (await signedInAgent(app, (await createUser('staff', '04')).user.username)).get(`/retraining/${id}`).expect(404);
    await (await signedInAgent(app, (await createUser('staff', '01')).user.username)).get(`/retraining/${id}`).expect(200);
  });
});

describe('My sessions', () => {
  it('when invited, should list the session with place and time and give a calendar file in the person’s language', async () => {
    const v = (await createUser('volunteer', 'T-HN')).user;
    const id = await schedule();
    const agent = await signedInAgent(app, v.username);
    const page = await agent.get('/retraining/mine').expect(200);
    expect(page.text).toContain('Hội trường UBND phường Ba Đình');
    expect(page.text).toMatch(/\d{2}\/\d{2}\/\d{4} 08:00–10:00/);
    const ics = await agent.get(`/retraining/mine/${id}.ics`).expect(200);
    expect(ics.headers['content-type']).toMatch(/text\/calendar/);
    expect(ics.headers['content-disposition']).toMatch(/^attachment/);
    const unfolded = ics.text.replace(/\r\n[ \t]/g, '');
    const field = (name: string) => new RegExp(`^${name}[^:]*:(.*)$`, 'm').exec(unfolded)?.[1];
    const start = new Date(Date.now() + 48 * HOUR + 7 * HOUR).toISOString().slice(0, 10).replace(/-/g, '');
    expect(field('DTSTART')).toBe(`${start}T010000Z`);
    expect(field('DTEND')).toBe(`${start}T030000Z`);
    expect(field('SUMMARY')).toBe('Tập huấn lại: Tập huấn lại VNeID');
    expect(field('LOCATION')).toContain('Hội trường UBND phường Ba Đình');
    expect(field('DESCRIPTION')).toContain('giờ Việt Nam');
    const en = await agent.get(`/retraining/mine/${id}.ics`).set('Accept-Language', 'en').expect(200);
    const enUnfolded = en.text.replace(/\r\n[ \t]/g, '');
    expect(enUnfolded).toContain('SUMMARY:Retraining: Tập huấn lại VNeID');
    expect(enUnfolded).toContain('(Vietnam time)');
  });

  it('when the person is not invited, should answer 404 for the calendar file', async () => {
    const id = await schedule();
    const stranger = await signedInAgent(app, (await createUser('volunteer', 'T-CB')).user.username);
    await stranger.get(`/retraining/mine/${id}.ics`).expect(404);
  });
});
