/**
 * Hostile queries and ids on the people, account and sign-in pages (issue 17.4): an id that
 * cannot name a person is a 404 and changes no one; a notice flag in any other shape shows
 * no notice; a `?next=` that is not one same-site path leads home.
 */
import request from 'supertest';
import { testApp } from '../helpers/app';
import { useTestDatabase } from '../helpers/db';
import { createTree, createUser, csrfToken, reloadUser, signedInAgent } from '../helpers/factories';

useTestDatabase(__filename);
let app: ReturnType<typeof testApp>;
let staff: request.Agent;

beforeAll(async () => {
  await createTree();
  app = testApp();
  staff = await signedInAgent(app, (await createUser('staff', '01')).user.username);
});

/** The sign-in form alone (the page's header has a form of its own). */
const loginForm = (html: string) => /<form[^>]*action="\/login"[\s\S]*?<\/form>/.exec(html)?.[0] ?? '';

describe('hostile input to people and accounts', () => {
  it('when a person id in the address cannot name a person, should answer 404 and change no one', async () => {
    const { user } = await createUser('volunteer', 'T-HN');
    const _csrf = await csrfToken(staff, '/account');
    expect((await staff.get('/people/not-an-id')).status).toBe(404);
    expect((await staff.get(`/people/${user._id}x`)).status).toBe(404);
    for (const action of ['disable', 'enable', 'reset-password', 'move']) {
      const res = await staff.post(`/people/not-an-id/${action}`).type('form').send({ _csrf, unitCode: 'T-HN' });
      expect([action, res.status]).toEqual([action, 404]);
    }
    expect((await reloadUser(user.username))!.disabled).toBeFalsy();
  });

  it('when ?done= or ?saved= is anything but their values, should show the page without a notice', async () => {
    const { user } = await createUser('volunteer', 'T-HN');
    for (const q of ['done=hacked', 'done=disabled&done=disabled', 'done=<script>']) {
      const res = await staff.get(`/people/${user._id}?${q}`);
      expect(res.status).toBe(200);
      expect(res.text).not.toContain('alert-ok');
      expect(res.text).not.toContain('<script>');
    }
    expect((await staff.get(`/people/${user._id}?done=disabled`)).text).toContain('alert-ok');
    for (const q of ['saved=2', 'saved=1&saved=1']) {
      const res = await staff.get(`/account?${q}`);
      expect(res.status).toBe(200);
      expect(res.text).not.toContain('alert-ok');
    }
    expect((await staff.get('/account?saved=1')).text).toContain('alert-ok');
  });

  it('when ?next= is repeated, too long or another site, should show the sign-in form and lead home after', async () => {
    for (const q of ['next=/a&next=/b', `next=/${'a'.repeat(2100)}`, 'next=//elsewhere.example', 'expired=1&expired=2']) {
      const res = await request(app).get(`/login?${q}`);
      expect(res.status).toBe(200);
      // the sign-in form carries nowhere to go after it but home (the language switch keeps the page's own address)
      expect(loginForm(res.text)).not.toContain('name="next"');
    }
    expect(loginForm((await request(app).get('/login?next=/people')).text)).toContain('name="next" value="/people"');
    expect((await request(app).get('/login?expired=1')).text).toContain('Phiên làm việc đã hết hạn');
    expect((await staff.get('/login?next=/a&next=/b')).headers.location).toBe('/');
    expect((await staff.get('/login?next=/people')).headers.location).toBe('/people');
  });
});
