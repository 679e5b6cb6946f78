/**
 * Hostile input to the cohorts, roster and cascade routes (issue 17.4): ids that cannot name
 * a record are 404s; a form field in a shape no form sends is a 400 in the trainer's
 * language, and nothing is added, created or promoted.
 */
import request from 'supertest';
import { Cohort, CohortMember } from '../../src/cohorts/cohort.model';
import { testApp } from '../helpers/app';
import { useTestDatabase } from '../helpers/db';
import { createTree, createUser, csrfToken, postForm, reloadUser, signedInAgent } from '../helpers/factories';

useTestDatabase(__filename);
let app: ReturnType<typeof testApp>;
let trainer: request.Agent;
let trainerId: string;

beforeAll(async () => {
  await createTree();
  app = testApp();
  const { user } = await createUser('trainer', 'C-HN');
  trainerId = String(user._id);
  trainer = await signedInAgent(app, user.username);
});

async function newCohort(): Promise<string> {
  const res = await postForm(trainer, '/cohorts', { name: 'Lớp thử', unitCode: 'C-HN', courses: 'digital-literacy', dueDate: '2026-12-31' }, '/cohorts/new');
  expect(res.status).toBe(303);
  return /\/cohorts\/([a-f0-9]{24})/.exec(res.headers.location!)![1]!;
}

async function postJson(agent: request.Agent, path: string, body: unknown, lang = 'vi') {
  const _csrf = await csrfToken(agent, '/account');
  return agent.post(path).set('X-CSRF-Token', _csrf).set('Accept', 'text/html').set('Accept-Language', lang).send(body as object);
}

describe('hostile input to cohorts', () => {
  it('when an id in the address cannot name a record, should answer 404 on every cohort route', async () => {
    const id = await newCohort();
    const { user } = await createUser('volunteer', 'T-HN');
    const gets = ['/cohorts/not-an-id', '/cohorts/not-an-id/certificates.zip', `/cohorts/${id}/members/not-an-id/password`, `/cohorts/not-an-id/members/${user._id}/password`, `/cohorts/${id}/imports/not-an-id`, `/cohorts/${id}/imports/not-an-id/passwords`, '/cascade/not-an-id', '/cascade/<script>'];
    for (const path of gets) expect([path, (await trainer.get(path)).status]).toEqual([path, 404]);
    const posts = ['/cohorts/not-an-id/close', '/cohorts/not-an-id/members', `/cohorts/${id}/members/not-an-id/remove`, `/cohorts/${id}/members/not-an-id/password`, `/cohorts/${id}/imports/not-an-id/confirm`, `/cohorts/${id}/imports/not-an-id/passwords.csv`, '/cascade/not-an-id/promote'];
    for (const path of posts) expect([path, (await postJson(trainer, path, { username: user.username })).status]).toEqual([path, 404]);
    expect(await CohortMember.countDocuments({ cohort: id })).toBe(0);
  });

  it('when the username to add is an object or a list, should answer 400 on the cohort page in the trainer\'s language and add no one', async () => {
    const id = await newCohort();
    const { user } = await createUser('volunteer', 'T-HN');
    for (const username of [{ $ne: null }, [user.username, user.username], 42]) {
      const res = await postJson(trainer, `/cohorts/${id}/members`, { username });
      expect(res.status).toBe(400);
      expect(res.text).toContain('Giá trị không hợp lệ.');
      expect(res.text).toContain('Lớp thử'); // the cohort page, to try again
    }
    const en = await postJson(trainer, `/cohorts/${id}/members`, { username: { $gt: '' } }, 'en');
    expect(en.status).toBe(400);
    expect(en.text).toContain('This value is not valid.');
    expect(await CohortMember.countDocuments({ cohort: id })).toBe(0);
  });

  it('when the new cohort\'s courses are lists of lists, objects or too many, should show the form again with 400 and create nothing', async () => {
    const before = await Cohort.countDocuments({});
    const form = { name: 'Lớp độc hại', unitCode: 'C-HN', dueDate: '2026-12-31' };
    for (const courses of [[['digital-literacy']], { $ne: null }, Array.from({ length: 6 }, () => 'digital-literacy'), 'x'.repeat(500)]) {
      const res = await postJson(trainer, '/cohorts', { ...form, courses });
      expect(res.status).toBe(400);
      expect(res.text).toContain('Giá trị không hợp lệ.');
    }
    expect(await Cohort.countDocuments({})).toBe(before);
  });

  it('when the promote form\'s way back is a list or an object, should answer 400 and leave the person a volunteer', async () => {
    const staff = await signedInAgent(app, (await createUser('staff', '01')).user.username);
    const { user } = await createUser('volunteer', 'T-HN');
    for (const back of [['/cascade', '/cascade'], { $ne: null }]) {
      const res = await postJson(staff, `/cascade/${user._id}/promote`, { back });
      expect(res.status).toBe(400);
      expect(res.text).toContain('Yêu cầu có dữ liệu chưa hợp lệ.');
    }
    expect((await reloadUser(user.username))!.role).toBe('volunteer');
    // the same form, well formed, still promotes and goes back to the cascade
    const ok = await postJson(staff, `/cascade/${user._id}/promote`, { back: `/cascade/${trainerId}` });
    expect(ok.status).toBe(303);
    expect(ok.headers.location).toBe(`/cascade/${trainerId}`);
    expect((await reloadUser(user.username))!.role).toBe('trainer');
  });
});
