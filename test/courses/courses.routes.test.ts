import request from 'supertest';
import { CourseCompletion, LessonRead } from '../../src/courses/progress.model';
import { testApp } from '../helpers/app';
import { useTestDatabase } from '../helpers/db';
import { createTree, createUser, csrfToken, postForm, signedInAgent } from '../helpers/factories';
import { passModules } from '../helpers/progress';

useTestDatabase(__filename);
let app: ReturnType<typeof testApp>;

beforeAll(async () => {
  await createTree();
  app = testApp();
});

async function volunteer() {
  const { user } = await createUser('volunteer', 'T-HN');
  return { user, agent: await signedInAgent(app, user.username) };
}

const L = '/courses/digital-literacy';

describe('learning flow', () => {
  it('GET /courses should list both courses with progress and a start button', async () => {
    const { agent } = await volunteer();
    const res = await agent.get('/courses').expect(200);
    expect(res.text).toContain('Khóa digital-literacy');
    expect(res.text).toContain('Khóa two-level-government');
    expect(res.text).toContain('Đã đọc 0/4 bài');
    expect(res.text).toContain(`href="${L}/01-first/one"`);
  });

  it('a lesson page should show the rendered text, its sources, previous/next and a read button that works without JavaScript', async () => {
    const { agent } = await volunteer();
    const res = await agent.get(`${L}/01-first/two`).expect(200);
    expect(res.text).toContain('<h2 id="phan-chinh"');
    expect(res.text).toContain('Nguồn chính thức (Luật 91/2025/QH15)'); // a source's document number follows its title
    expect(res.text).toContain('25/11/2026'); // the day the sources were checked, as every date reads (dd/mm/yyyy)
    expect(res.text).not.toContain('2026-11-25');
    expect(res.text).toContain(`action="${L}/01-first/two/read"`);
    expect(res.text).toContain(`href="${L}/01-first/one"`);
    expect(res.text).toContain(`href="${L}/02-second/one"`);
    // the only script is the offline page script, deferred, from our own host: the form works without it
    expect(res.text.match(/<script[^>]*>/g)).toEqual([expect.stringMatching(/^<script src="\/static\/offline\.js\?v=[\w.]+" defer>$/)]);
  });

  it('in English, the lesson should be the English text', async () => {
    const { agent } = await volunteer();
    const res = await agent.get(`${L}/01-first/one`).set('Cookie', 'lang=en');
    expect(res.text).toContain('<html lang="en">');
    expect(res.text).toContain('Lesson one');
  });

  it('marking a lesson as read twice should store it once and go on to the next lesson', async () => {
    const { user, agent } = await volunteer();
    const first = await postForm(agent, `${L}/01-first/one/read`, {}, `${L}/01-first/one`);
    expect(first.status).toBe(303);
    expect(first.headers.location).toBe(`${L}/01-first/two`);
    await postForm(agent, `${L}/01-first/one/read`, {}, `${L}/01-first/one`);
    expect(await LessonRead.countDocuments({ user: user._id })).toBe(1);
  });

  it('two "read" presses at the same moment should still store the lesson once', async () => {
    const { user, agent } = await volunteer();
    const _csrf = await csrfToken(agent, `${L}/01-first/one`);
    await Promise.all([1, 2, 3].map(() => agent.post(`${L}/01-first/one/read`).type('form').send({ _csrf })));
    expect(await LessonRead.countDocuments({ user: user._id })).toBe(1);
  });

  it('should resume where the learner stopped', async () => {
    const { agent } = await volunteer();
    await postForm(agent, `${L}/01-first/one/read`, {}, `${L}/01-first/one`);
    await postForm(agent, `${L}/01-first/two/read`, {}, `${L}/01-first/two`);
    const res = await agent.get('/courses').expect(200);
    expect(res.text).toContain('Học tiếp');
    expect(res.text).toContain(`href="${L}/02-second/one"`);
    expect(res.text).toContain('Đã đọc 2/4 bài');
  });

  it('reading every lesson of a course whose rule needs only lessons should complete it once, with the content version', async () => {
    const { user, agent } = await volunteer();
    for (const key of ['01-first/one', '01-first/two', '02-second/one', '02-second/two']) await postForm(agent, `${L}/${key}/read`, {}, `${L}/${key}`);
    const last = await postForm(agent, `${L}/02-second/two/read`, {}, `${L}/02-second/two`);
    expect(last.headers.location).toBe(L); // a course whose quizzes are not needed: back to the course page
    const completions = await CourseCompletion.find({ user: user._id }).lean();
    expect(completions).toHaveLength(1);
    expect(completions[0]).toMatchObject({ course: 'digital-literacy', contentVersion: expect.stringMatching(/^[a-f0-9]{16}$/) });
    expect((await agent.get(L)).text).toContain('Đã hoàn thành ngày');
  });

  it('one person\'s progress should not show or change another\'s', async () => {
    const a = await volunteer();
    const b = await volunteer();
    await postForm(a.agent, `${L}/01-first/one/read`, {}, `${L}/01-first/one`);
    expect((await b.agent.get('/courses')).text).toContain('Đã đọc 0/4 bài');
    expect(await LessonRead.countDocuments({ user: b.user._id })).toBe(0);
  });

  it('unknown courses, modules and lessons should answer 404; signed out should go to sign-in', async () => {
    const { agent } = await volunteer();
    await agent.get('/courses/nope').expect(404);
    await agent.get(`${L}/09-none/one`).expect(404);
    await agent.get(`${L}/01-first/nope`).expect(404);
    expect((await postForm(agent, `${L}/01-first/nope/read`, {}, '/courses')).status).toBe(404);
    const anon = await request(app).get(`${L}/01-first/one`);
    expect(anon.status).toBe(303);
    expect(anon.headers.location).toBe(`/login?next=${encodeURIComponent(`${L}/01-first/one`)}`);
  });

  it('a lesson picture should be served with its type; unknown files 404', async () => {
    const res = await request(app).get('/content/digital-literacy/01-first/images/pic.svg').expect(200);
    expect(res.headers['content-type']).toMatch(/image\/svg\+xml/);
    await request(app).get('/content/digital-literacy/01-first/images/../../course.yaml').expect(404);
    await request(app).get('/content/digital-literacy/01-first/images/other.svg').expect(404);
  });
});

describe('the learning path of a course that needs its quizzes', () => {
  const T = '/courses/two-level-government';

  it("after a module's last lesson should come that module's quiz, and the course page's one next step should lead there", async () => {
    const { user, agent } = await volunteer();
    const course = await agent.get(T).expect(200);
    expect(course.text.match(/class="button"/g)).toHaveLength(1);
    expect(course.text).toContain(`href="${T}/01-first/one"`);
    const first = await postForm(agent, `${T}/01-first/one/read`, {}, `${T}/01-first/one`);
    expect(first.headers.location).toBe(`${T}/01-first/two`);
    const lastPage = await agent.get(`${T}/01-first/two`).expect(200);
    expect(lastPage.text).toContain('Đã đọc xong, làm bài kiểm tra');
    const last = await postForm(agent, `${T}/01-first/two/read`, {}, `${T}/01-first/two`);
    expect(last.headers.location).toBe(`${T}/01-first/quiz`);
    const next = await agent.get(T).expect(200);
    expect(next.text.match(/class="button"/g)).toHaveLength(1);
    expect(next.text).toContain(`href="${T}/01-first/quiz"`);
    expect(next.text).toContain('Làm bài kiểm tra');
    // once the quiz is passed, the module's last lesson goes on to the next module
    await passModules(user._id, 'two-level-government', ['01-first']);
    expect((await agent.get(`${T}/01-first/two`)).text).toContain('Đã đọc xong, sang bài tiếp');
    const onward = await postForm(agent, `${T}/01-first/two/read`, {}, `${T}/01-first/two`);
    expect(onward.headers.location).toBe(`${T}/02-second/one`);
    expect((await agent.get(T)).text).toContain(`href="${T}/02-second/one"`);
  });
});
