/** Hostile unit codes in the address (issue 17.4): anything a unit code cannot be is a 404, never a 500. */
import request from 'supertest';
import { testApp } from '../helpers/app';
import { useTestDatabase } from '../helpers/db';
import { createTree, createUser, signedInAgent } from '../helpers/factories';

useTestDatabase(__filename);
let staff: request.Agent;

beforeAll(async () => {
  await createTree();
  staff = await signedInAgent(testApp(), (await createUser('staff', '01')).user.username);
});

describe('hostile unit codes', () => {
  it('when the code in /org/:code is not a unit code, should answer 404; a real one in scope, its page', async () => {
    for (const code of ['%3Cscript%3E', 'a'.repeat(33), 'T-HN%20', '%24ne', '__proto__x%2F..']) {
      expect([code, (await staff.get(`/org/${code}`)).status]).toEqual([code, 404]);
    }
    expect((await staff.get('/org/T-HN')).status).toBe(200);
  });
});
