/** Hostile course addresses and queries (issue 17.4): a name the content cannot have is a 404; `?password=` in another shape shows no notice. */
import request from 'supertest';
import { testApp } from '../helpers/app';
import { useTestDatabase } from '../helpers/db';
import { createTree, createUser, csrfToken, signedInAgent } from '../helpers/factories';

useTestDatabase(__filename);
let learner: request.Agent;

beforeAll(async () => {
  await createTree();
  learner = await signedInAgent(testApp(), (await createUser('volunteer', 'T-HN')).user.username);
});

describe('hostile course addresses', () => {
  it('when a course, module or lesson name is not one the content allows, should answer 404', async () => {
    const _csrf = await csrfToken(learner, '/account');
    for (const path of ['/courses/Digital-Literacy', '/courses/%3Cscript%3E', `/courses/${'a'.repeat(101)}`, '/courses/digital-literacy/01-first/%24ne']) {
      expect([path, (await learner.get(path)).status]).toEqual([path, 404]);
    }
    expect((await learner.post('/courses/digital-literacy/01_first/x/read').type('form').send({ _csrf })).status).toBe(404);
    expect((await learner.post('/courses/digital-literacy/A/quiz/start').type('form').send({ _csrf })).status).toBe(404);
    expect((await learner.get('/courses/digital-literacy/A/quiz')).status).toBe(404);
  });

  it('when ?password= is anything but set, should show my courses without the notice', async () => {
    for (const q of ['password=sett', 'password=set&password=set']) {
      const res = await learner.get(`/courses?${q}`);
      expect(res.status).toBe(200);
      expect(res.text).not.toContain('alert-ok');
    }
    expect((await learner.get('/courses?password=set')).text).toContain('alert-ok');
  });
});
