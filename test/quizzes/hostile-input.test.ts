/**
 * Hostile quiz submissions (issue 17.4): a body no quiz form sends (objects, lists of lists,
 * huge lists, too many answers, a JSON list) is a 400 page in the learner's language and
 * nothing is graded; prototype keys and unknown fields are not read; a bad id is a 404.
 */
import request from 'supertest';
import { QuizResult } from '../../src/quizzes/quiz.model';
import { testApp } from '../helpers/app';
import { useTestDatabase } from '../helpers/db';
import { createTree, createUser, csrfToken, postForm, signedInAgent } from '../helpers/factories';

useTestDatabase(__filename);
let app: ReturnType<typeof testApp>;

beforeAll(async () => {
  await createTree();
  app = testApp();
});

const DL = '/courses/digital-literacy';
const VI = 'không đúng dạng';
const EN = 'in a form this quiz cannot read';

async function learnerWithAttempt() {
  const { user } = await createUser('volunteer', 'T-HN');
  const agent = await signedInAgent(app, user.username);
  const res = await postForm(agent, `${DL}/01-first/quiz/start`, {}, `${DL}/01-first/quiz`);
  const id = /\/quiz\/attempts\/([a-f0-9]{24})/.exec(res.headers.location!)![1]!;
  const page = await agent.get(`/quiz/attempts/${id}`).expect(200);
  const qids = [...new Set([...page.text.matchAll(/name="q_([\w-]+)"/g)].map((m) => m[1]!))];
  return { user, agent, id, qids };
}

/** In the fixture banks option "a" is always right. */
const right = (qids: string[]) => Object.fromEntries(qids.map((q) => [`q_${q}`, 'a']));

async function submitJson(agent: request.Agent, id: string, body: unknown, lang = 'vi') {
  const _csrf = await csrfToken(agent, '/account'); // the session's token (the attempt page may be a result by now)
  return agent.post(`/quiz/attempts/${id}/submit`).set('X-CSRF-Token', _csrf).set('Accept', 'text/html').set('Accept-Language', lang).send(body as object);
}

describe('a hostile quiz submission', () => {
  it('when answers are objects, lists of lists, numbers or a huge list, should answer 400 with the questions again and grade nothing', async () => {
    const { user, agent, id, qids } = await learnerWithAttempt();
    const [first] = qids as [string];
    const bodies = [
      { ...right(qids), [`q_${first}`]: { $ne: null } },
      { ...right(qids), [`q_${first}`]: [['a']] },
      { ...right(qids), [`q_${first}`]: 1 },
      { ...right(qids), [`q_${first}`]: Array.from({ length: 5000 }, () => 'a') },
      { ...right(qids), [`q_${first}`]: [] },
      { ...right(qids), [`q_${first}`]: 'a'.repeat(5000) },
      { ...right(qids), ...Object.fromEntries(Array.from({ length: 60 }, (_, i) => [`q_extra${i}`, 'a'])) },
      [right(qids)],
    ];
    for (const body of bodies) {
      const res = await submitJson(agent, id, body);
      expect(res.status).toBe(400);
      expect(res.text).toContain(VI);
      expect(res.text).toContain(`name="q_${first}"`); // the questions again, to answer
    }
    expect(await QuizResult.countDocuments({ user: user._id })).toBe(0);
  });

  it('when the learner reads English, should say it in English', async () => {
    const { agent, id, qids } = await learnerWithAttempt();
    const res = await submitJson(agent, id, { ...right(qids), [`q_${qids[0]}`]: { $gt: '' } }, 'en');
    expect(res.status).toBe(400);
    expect(res.text).toContain(EN);
    expect(res.text).not.toContain(VI);
  });

  it('when prototype keys and unknown fields come with right answers, should ignore them and grade once', async () => {
    const { user, agent, id, qids } = await learnerWithAttempt();
    const body = JSON.parse(`{"__proto__": {"polluted": "yes"}, "constructor": {"prototype": {"polluted": "yes"}}, "role": "admin", "score": 100, ${JSON.stringify(right(qids)).slice(1)}`);
    const res = await submitJson(agent, id, body);
    expect(res.status).toBe(303);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    const results = await QuizResult.find({ user: user._id }).lean();
    expect(results).toHaveLength(1);
    expect(results[0]!.score).toBe(100);
    expect(results[0]!.answers.map((a) => a.id).sort()).toEqual([...qids].sort());
  });

  it('when a graded attempt is sent a hostile body, should answer 400 and keep its one result unchanged', async () => {
    const { user, agent, id, qids } = await learnerWithAttempt();
    expect((await submitJson(agent, id, right(qids))).status).toBe(303);
    const before = await QuizResult.findOne({ user: user._id }).lean();
    const res = await submitJson(agent, id, { [`q_${qids[0]}`]: [['b']] });
    expect(res.status).toBe(400);
    const after = await QuizResult.find({ user: user._id }).lean();
    expect(after).toHaveLength(1);
    expect(after[0]!.score).toBe(before!.score);
    expect(String(after[0]!._id)).toBe(String(before!._id));
  });

  it("when the attempt id is not an id, or another person's, should answer 404 even with a hostile body", async () => {
    const { agent, qids } = await learnerWithAttempt();
    const other = await learnerWithAttempt();
    expect((await submitJson(agent, 'not-an-id', right(qids))).status).toBe(404);
    expect((await agent.get('/quiz/results/not-an-id')).status).toBe(404);
    expect((await submitJson(agent, other.id, { q_x: { $ne: null } })).status).toBe(404);
    expect(await QuizResult.countDocuments({ user: other.user._id })).toBe(0);
  });
});
