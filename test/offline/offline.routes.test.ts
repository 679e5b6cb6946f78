/**
 * The offline feature's routes: the service worker at the top of the site, and the manifest of
 * a course kept on the phone (its pages and pictures, size and version, in the person's language).
 */
import request from 'supertest';
import { testApp } from '../helpers/app';
import { useTestDatabase } from '../helpers/db';
import { createTree, createUser, signedInAgent } from '../helpers/factories';

useTestDatabase(__filename);
let app: ReturnType<typeof testApp>;

beforeAll(async () => {
  await createTree();
  app = testApp();
});

describe('GET /sw.js', () => {
  it('when asked, should send the service worker as JavaScript that the browser checks again at each visit', async () => {
    const res = await request(app).get('/sw.js').expect(200);
    expect(res.headers['content-type']).toMatch(/^application\/javascript/);
    expect(res.headers['cache-control']).toBe('no-cache');
    expect(res.text).toContain("addEventListener('fetch'");
  });
});

describe('GET /courses/:course/offline.json', () => {
  it('when a learner asks, should list the course page, every lesson and every picture, with a size and a version', async () => {
    const { user } = await createUser('volunteer', 'T-HN');
    const agent = await signedInAgent(app, user.username);
    const res = await agent.get('/courses/digital-literacy/offline.json').expect(200);
    const L = '/courses/digital-literacy';
    expect(res.body.pages).toEqual([L, `${L}/01-first/one`, `${L}/01-first/two`, `${L}/02-second/one`, `${L}/02-second/two`]);
    expect(res.body.images).toEqual(['/content/digital-literacy/01-first/images/pic.svg', '/content/digital-literacy/02-second/images/pic.svg']);
    expect(res.body.bytes).toBeGreaterThan(4 * 1000); // four lessons of ~320 words, layout and two pictures
    expect(res.body.version).toMatch(/^[a-f0-9]{16}$/);
  });

  it('when the language changes, should give another version (the saved pages are in the old language)', async () => {
    const { user } = await createUser('volunteer', 'T-HN');
    const agent = await signedInAgent(app, user.username);
    const vi = await agent.get('/courses/digital-literacy/offline.json').expect(200);
    const en = await agent.get('/courses/digital-literacy/offline.json').set('Cookie', 'lang=en').expect(200);
    expect(en.body.version).not.toBe(vi.body.version);
    expect(en.body.pages).toEqual(vi.body.pages);
  });

  it('when the course does not exist or its name is malformed, should answer 404, not 500', async () => {
    const { user } = await createUser('volunteer', 'T-HN');
    const agent = await signedInAgent(app, user.username);
    await agent.get('/courses/no-such-course/offline.json').expect(404);
    await agent.get('/courses/NOT_A_SLUG/offline.json').expect(404);
  });

  it('when nobody is signed in, should send to the sign-in page', async () => {
    await request(app).get('/courses/digital-literacy/offline.json').expect(303);
  });
});

describe('the pages', () => {
  it('when a course is shown, should carry a hidden "keep on my phone" control that only the page script reveals', async () => {
    const { user } = await createUser('volunteer', 'T-HN');
    const agent = await signedInAgent(app, user.username);
    for (const path of ['/courses', '/courses/digital-literacy']) {
      const res = await agent.get(path).expect(200);
      expect(res.text).toMatch(/<div class="offline-keep" data-offline-course="digital-literacy" data-manifest="\/courses\/digital-literacy\/offline.json" hidden/);
      expect(res.text).toContain('Giữ khoá học này trên điện thoại');
    }
  });
});
