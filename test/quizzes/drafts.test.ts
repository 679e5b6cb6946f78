/**
 * Quiz answers that are never lost (issue 19.3): answers saved as they are chosen
 * (`POST /quiz/attempts/:id/answers`), shown again on a reload, and the time-limit rule: a
 * submission arriving after the deadline is graded on the answers the server held at it.
 */
import request from 'supertest';
import { QuizAttempt, QuizResult } from '../../src/quizzes/quiz.model';
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

async function learner() {
  const { user } = await createUser('volunteer', 'T-HN');
  return { user, agent: await signedInAgent(app, user.username) };
}

/** Starts a quiz (02-second has a 10-minute limit) and returns the attempt id, its question ids and a form token. */
async function start(agent: request.Agent, module = '02-second') {
  const res = await postForm(agent, `${DL}/${module}/quiz/start`, {}, `${DL}/${module}/quiz`);
  expect(res.status).toBe(303);
  const id = /\/quiz\/attempts\/([a-f0-9]{24})/.exec(res.headers.location!)![1]!;
  const page = await agent.get(`/quiz/attempts/${id}`).expect(200);
  const qids = [...new Set([...page.text.matchAll(/name="q_([\w-]+)"/g)].map((m) => m[1]!))];
  const _csrf = await csrfToken(agent, `/quiz/attempts/${id}`);
  return { id, qids, _csrf };
}

/** In the fixture banks option "a" is always right. */
function answers(qids: string[], option: string) {
  return Object.fromEntries(qids.map((q) => [`q_${q}`, option]));
}

function saveAnswers(agent: request.Agent, id: string, _csrf: string, body: Record<string, unknown>) {
  return agent.post(`/quiz/attempts/${id}/answers`).set('Accept', 'application/json').type('form').send({ _csrf, ...body });
}

describe('saving answers as they are chosen', () => {
  it('when answers are saved, should store them with the time and show them checked when the attempt page is opened again', async () => {
    const { agent } = await learner();
    const { id, qids, _csrf } = await start(agent);
    const saved = await saveAnswers(agent, id, _csrf, { [`q_${qids[0]}`]: 'b', [`q_${qids[1]}`]: 'a' });
    expect(saved.status).toBe(200);
    const attempt = await QuizAttempt.findById(id).lean();
    expect(attempt!.draft).toEqual([{ id: qids[0], chosen: ['b'] }, { id: qids[1], chosen: ['a'] }]);
    expect(attempt!.draftSavedAt!.toISOString()).toBe(saved.body.savedAt);

    const page = await agent.get(`/quiz/attempts/${id}`).expect(200);
    expect(page.text).toMatch(new RegExp(`name="q_${qids[0]}" value="b" checked`));
    expect(page.text).toMatch(new RegExp(`name="q_${qids[1]}" value="a" checked`));
    expect(page.text).not.toMatch(new RegExp(`name="q_${qids[2]}" value="\\w+" checked`));
    expect(page.text).toContain(`data-saved-at="${saved.body.savedAt}"`);
    expect(page.text).toContain('Đáp án được lưu lên máy chủ trước khi hết giờ vẫn được tính nếu mất mạng');
  });

  it('when answers are saved again, should replace the earlier ones as a whole', async () => {
    const { agent } = await learner();
    const { id, qids, _csrf } = await start(agent);
    await saveAnswers(agent, id, _csrf, { [`q_${qids[0]}`]: 'b' }).expect(200);
    await saveAnswers(agent, id, _csrf, { [`q_${qids[1]}`]: 'b' }).expect(200);
    expect((await QuizAttempt.findById(id).lean())!.draft).toEqual([{ id: qids[1], chosen: ['b'] }]);
  });

  it("when someone else's attempt, or an id that names nothing, should answer 404 and change nothing", async () => {
    const owner = await learner();
    const { id, qids } = await start(owner.agent);
    const other = await learner();
    const token = await csrfToken(other.agent, '/courses');
    const res = await saveAnswers(other.agent, id, token, answers(qids, 'a'));
    expect(res.status).toBe(404);
    expect((await QuizAttempt.findById(id).lean())!.draft).toBeUndefined();
    expect((await saveAnswers(other.agent, 'not-an-id', token, {})).status).toBe(404);
  });

  it('when the form token is missing, should refuse with 403 and save nothing', async () => {
    const { agent } = await learner();
    const { id, qids } = await start(agent);
    const res = await agent.post(`/quiz/attempts/${id}/answers`).type('form').send(answers(qids, 'a'));
    expect(res.status).toBe(403);
    expect((await QuizAttempt.findById(id).lean())!.draftSavedAt).toBeNull();
  });

  it('when an answer is not one of the attempt, or not in a form shape, should refuse with 400 in the learner\'s language and save nothing', async () => {
    const { agent } = await learner();
    const { id, qids, _csrf } = await start(agent);
    const unknown = await saveAnswers(agent, id, _csrf, { [`q_${qids[0]}`]: 'zzz' });
    expect(unknown.status).toBe(400);
    expect(unknown.body.message).toBe('Có đáp án không hợp lệ. Vui lòng chọn lại.');
    expect((await saveAnswers(agent, id, _csrf, { q_not_drawn: 'a' })).status).toBe(400);
    const nested = await agent.post(`/quiz/attempts/${id}/answers`).set('Accept', 'application/json').send({ _csrf, [`q_${qids[0]}`]: { $gt: '' } });
    expect(nested.status).toBe(400);
    expect((await QuizAttempt.findById(id).lean())!.draftSavedAt).toBeNull();
  });

  it('when the time is up (beyond the grace), should refuse to save and keep the answers saved before', async () => {
    const { agent } = await learner();
    const { id, qids, _csrf } = await start(agent);
    await saveAnswers(agent, id, _csrf, { [`q_${qids[0]}`]: 'a' }).expect(200);
    await QuizAttempt.updateOne({ _id: id }, { $set: { deadline: new Date(Date.now() - 60_000) } });
    const late = await saveAnswers(agent, id, _csrf, answers(qids, 'b'));
    expect(late.status).toBe(409);
    expect(late.body.error).toBe('quizDraft.tooLate');
    expect((await QuizAttempt.findById(id).lean())!.draft).toEqual([{ id: qids[0], chosen: ['a'] }]);
  });

  it('when the attempt was already graded, should refuse to save', async () => {
    const { agent } = await learner();
    const { id, qids, _csrf } = await start(agent, '01-first');
    await agent.post(`/quiz/attempts/${id}/submit`).type('form').send({ _csrf, ...answers(qids, 'a') }).expect(303);
    const res = await saveAnswers(agent, id, _csrf, answers(qids, 'b'));
    expect(res.status).toBe(409);
    expect(res.body.error).toBe('quizDraft.submitted');
  });
});

describe('the time limit when the connection dropped', () => {
  it('when the quiz has a time limit, should state the rule on the quiz page and the attempt page, in both languages', async () => {
    const { agent } = await learner();
    const { id } = await start(agent);
    for (const path of [`${DL}/02-second/quiz`, `/quiz/attempts/${id}`]) {
      expect((await agent.get(path).set('Accept-Language', 'vi').expect(200)).text).toContain('Đáp án được lưu lên máy chủ trước khi hết giờ vẫn được tính nếu mất mạng');
      expect((await agent.get(path).set('Accept-Language', 'en').expect(200)).text).toContain('Answers saved to the server before time is up still count if your connection drops');
    }
  });

  it('when a submission arrives after the deadline, should grade the answers the server held at the deadline, not the ones sent', async () => {
    const { user, agent } = await learner();
    const { id, qids, _csrf } = await start(agent);
    // Two answers reached the server in time (one right, one wrong); the third never did.
    await saveAnswers(agent, id, _csrf, { [`q_${qids[0]}`]: 'a', [`q_${qids[1]}`]: 'b' }).expect(200);
    await QuizAttempt.updateOne({ _id: id }, { $set: { deadline: new Date(Date.now() - 60_000) } });
    const res = await agent.post(`/quiz/attempts/${id}/submit`).type('form').send({ _csrf, ...answers(qids, 'a') });
    expect(res.status).toBe(303);
    const results = await QuizResult.find({ user: user._id }).lean();
    expect(results).toHaveLength(1);
    expect(results[0]!.correctCount).toBe(1);
    expect(results[0]!.passed).toBe(false);
    expect(results[0]!.answers.map((a) => [a.id, a.chosen])).toEqual([[qids[0], ['a']], [qids[1], ['b']], [qids[2], []]]);
  });

  it('when the submission arrives in time, should grade what was sent, not the draft', async () => {
    const { user, agent } = await learner();
    const { id, qids, _csrf } = await start(agent);
    await saveAnswers(agent, id, _csrf, answers(qids, 'b')).expect(200);
    await agent.post(`/quiz/attempts/${id}/submit`).type('form').send({ _csrf, ...answers(qids, 'a') }).expect(303);
    expect((await QuizResult.findOne({ user: user._id }).lean())!.correctCount).toBe(3);
  });

  it('when nothing was saved before the deadline, should refuse the late submission as expired', async () => {
    const { user, agent } = await learner();
    const { id, qids, _csrf } = await start(agent);
    await QuizAttempt.updateOne({ _id: id }, { $set: { deadline: new Date(Date.now() - 60_000) } });
    const res = await agent.post(`/quiz/attempts/${id}/submit`).type('form').send({ _csrf, ...answers(qids, 'a') });
    expect(res.status).toBe(409);
    expect(res.text).toContain('Đã hết thời gian làm bài');
    expect(await QuizResult.countDocuments({ user: user._id })).toBe(0);
  });
});

describe('a submission sent more than once', () => {
  it('when 10 submissions of one attempt arrive at the same moment, should grade it once and send every one to that result', async () => {
    const { user, agent } = await learner();
    const { id, qids, _csrf } = await start(agent, '01-first');
    const responses = await Promise.all(Array.from({ length: 10 }, (_, i) => agent.post(`/quiz/attempts/${id}/submit`).type('form').send({ _csrf, ...answers(qids, i % 2 ? 'a' : 'b') })));
    expect(responses.map((r) => r.status)).toEqual(Array(10).fill(303));
    expect(new Set(responses.map((r) => r.headers.location)).size).toBe(1);
    expect(await QuizResult.countDocuments({ user: user._id })).toBe(1);
  });

  it('when 10 late submissions of one attempt arrive at the same moment, should grade the saved answers once', async () => {
    const { user, agent } = await learner();
    const { id, qids, _csrf } = await start(agent);
    await saveAnswers(agent, id, _csrf, answers(qids, 'a')).expect(200);
    await QuizAttempt.updateOne({ _id: id }, { $set: { deadline: new Date(Date.now() - 60_000) } });
    const responses = await Promise.all(Array.from({ length: 10 }, () => agent.post(`/quiz/attempts/${id}/submit`).type('form').send({ _csrf, ...answers(qids, 'b') })));
    expect(new Set(responses.map((r) => r.headers.location)).size).toBe(1);
    const results = await QuizResult.find({ user: user._id }).lean();
    expect(results).toHaveLength(1);
    expect(results[0]!.correctCount).toBe(3);
  });
});
