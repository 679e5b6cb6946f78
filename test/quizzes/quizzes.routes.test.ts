import mongoose from 'mongoose';
import request from 'supertest';
import { loadCatalog } from '../../src/courses';
import { ModulePass, QuizAttempt, QuizResult } from '../../src/quizzes/quiz.model';
import { testApp } from '../helpers/app';
import { useTestDatabase } from '../helpers/db';
import { createTree, createUser, csrfToken, postForm, signedInAgent } from '../helpers/factories';
import { countCompletions } from '../helpers/progress';

useTestDatabase(__filename);
let app: ReturnType<typeof testApp>;

beforeAll(async () => {
  await createTree();
  app = testApp();
});

const DL = '/courses/digital-literacy';
const TLG = '/courses/two-level-government';

async function learner() {
  const { user } = await createUser('volunteer', 'T-HN');
  return { user, agent: await signedInAgent(app, user.username) };
}

/** Starts a quiz and returns the attempt id and the drawn question ids. */
async function start(agent: request.Agent, base: string, module: string) {
  const res = await postForm(agent, `${base}/${module}/quiz/start`, {}, `${base}/${module}/quiz`);
  expect(res.status).toBe(303);
  const id = /\/quiz\/attempts\/([a-f0-9]{24})/.exec(res.headers.location!)![1]!;
  const page = await agent.get(`/quiz/attempts/${id}`).expect(200);
  const qids = [...new Set([...page.text.matchAll(/name="q_([\w-]+)"/g)].map((m) => m[1]!))];
  return { id, qids, page };
}

/** In the fixture banks option "a" is always right. */
function answers(qids: string[], option: string) {
  return Object.fromEntries(qids.map((q) => [`q_${q}`, option]));
}

describe('taking a quiz', () => {
  it('the attempt page should hold the drawn questions and never which answer is right', async () => {
    const { agent } = await learner();
    const { qids, page } = await start(agent, DL, '01-first');
    expect(qids).toHaveLength(3);
    expect(page.text).not.toContain('Vì a đúng');
    expect(page.text).not.toMatch(/correct/i);
  });

  it('when all answers are right, should pass, record the module as passed, and show the result with explanations', async () => {
    const { user, agent } = await learner();
    const { id, qids } = await start(agent, DL, '01-first');
    const res = await postForm(agent, `/quiz/attempts/${id}/submit`, answers(qids, 'a'), `/quiz/attempts/${id}`);
    expect(res.status).toBe(303);
    const result = await agent.get(res.headers.location!).expect(200);
    expect(result.text).toContain('Chúc mừng, bạn đã đạt!');
    expect(result.text).toContain('Vì a đúng.');
    expect(result.text).toContain('đáp án đúng');
    expect(await ModulePass.countDocuments({ user: user._id })).toBe(1);
  });

  it('when submitted twice, should show the first result again and keep one result', async () => {
    const { user, agent } = await learner();
    const { id, qids } = await start(agent, DL, '01-first');
    const _csrf = await csrfToken(agent, `/quiz/attempts/${id}`);
    const first = await agent.post(`/quiz/attempts/${id}/submit`).type('form').send({ _csrf, ...answers(qids, 'a') });
    const second = await agent.post(`/quiz/attempts/${id}/submit`).type('form').send({ _csrf, ...answers(qids, 'b') });
    expect(second.headers.location).toBe(first.headers.location);
    expect(await QuizResult.countDocuments({ user: user._id })).toBe(1);
    expect((await agent.get(`/quiz/attempts/${id}`)).headers.location).toBe(first.headers.location);
  });

  it('when 20 identical submissions arrive at the same moment, should keep exactly one result, one pass and one completion', async () => {
    const { user, agent } = await learner();
    // Read every lesson of the course whose completion also needs passed quizzes, and pass its first module.
    for (const key of ['01-first/one', '01-first/two', '02-second/one', '02-second/two']) await postForm(agent, `${TLG}/${key}/read`, {}, '/courses');
    const one = await start(agent, TLG, '01-first');
    await postForm(agent, `/quiz/attempts/${one.id}/submit`, answers(one.qids, 'a'), '/courses');
    const { id, qids } = await start(agent, TLG, '02-second');
    const _csrf = await csrfToken(agent, `/quiz/attempts/${id}`);
    const responses = await Promise.all(Array.from({ length: 20 }, () => agent.post(`/quiz/attempts/${id}/submit`).type('form').send({ _csrf, ...answers(qids, 'a') })));
    expect(new Set(responses.map((r) => r.status))).toEqual(new Set([303]));
    expect(new Set(responses.map((r) => r.headers.location)).size).toBe(1);
    expect(await QuizResult.countDocuments({ attempt: id })).toBe(1);
    expect(await ModulePass.countDocuments({ user: user._id, course: 'two-level-government' })).toBe(2);
    expect(await countCompletions({ user: user._id, course: 'two-level-government' })).toBe(1);
  });

  it('when answers are missing, should refuse with the count, keep what was chosen, and store nothing', async () => {
    const { user, agent } = await learner();
    const { id, qids } = await start(agent, DL, '01-first');
    const res = await postForm(agent, `/quiz/attempts/${id}/submit`, { [`q_${qids[0]}`]: 'a' }, `/quiz/attempts/${id}`);
    expect(res.status).toBe(400);
    expect(res.text).toContain('Bạn còn 2 câu chưa trả lời');
    expect(res.text).toMatch(new RegExp(`name="q_${qids[0]}" value="a" checked`));
    expect(await QuizResult.countDocuments({ user: user._id })).toBe(0);
  });

  it('when an answer is for a question not drawn, or an option that does not exist, should refuse', async () => {
    const { agent } = await learner();
    const { id, qids } = await start(agent, DL, '01-first');
    const notDrawn = await postForm(agent, `/quiz/attempts/${id}/submit`, { ...answers(qids, 'a'), q_not_in_attempt: 'a' }, `/quiz/attempts/${id}`);
    expect(notDrawn.status).toBe(400);
    expect(notDrawn.text).toContain('không thuộc lần làm bài này');
    const unknown = await postForm(agent, `/quiz/attempts/${id}/submit`, { ...answers(qids, 'a'), [`q_${qids[0]}`]: 'zzz' }, `/quiz/attempts/${id}`);
    expect(unknown.status).toBe(400);
    const twoForSingle = await postForm(agent, `/quiz/attempts/${id}/submit`, { ...answers(qids, 'a'), [`q_${qids[0]}`]: ['a', 'b'] } as never, `/quiz/attempts/${id}`);
    expect(twoForSingle.status).toBe(400);
  });

  it('when the time limit has passed (beyond the grace), should refuse the submission', async () => {
    const { user, agent } = await learner();
    const { id, qids } = await start(agent, DL, '02-second');
    await QuizAttempt.updateOne({ _id: id }, { $set: { deadline: new Date(Date.now() - 60_000) } });
    const res = await postForm(agent, `/quiz/attempts/${id}/submit`, answers(qids, 'a'), `/courses`);
    expect(res.status).toBe(409);
    expect(res.text).toContain('Đã hết thời gian làm bài');
    expect(await QuizResult.countDocuments({ user: user._id })).toBe(0);
  });

  it('after a failed attempt, should hold back a retry until the cooldown is over, then allow it', async () => {
    const { user, agent } = await learner();
    const { id, qids } = await start(agent, DL, '02-second');
    const res = await postForm(agent, `/quiz/attempts/${id}/submit`, answers(qids, 'b'), `/quiz/attempts/${id}`);
    const result = await agent.get(res.headers.location!);
    expect(result.text).toContain('Bạn chưa đạt lần này.');
    // the result says when a retry is allowed, and its badges are not the true/false options' words
    expect(result.text).toMatch(/Bạn có thể làm lại từ \d{2}\/\d{2}\/\d{4} \d{2}:\d{2}/);
    expect(result.text).toContain('Chưa chính xác');
    expect(result.text).toContain('Đáp án đúng sẽ hiện sau khi bạn đạt');
    expect(result.text).not.toContain('— <strong>đáp án đúng</strong>');
    const blocked = await postForm(agent, `${DL}/02-second/quiz/start`, {}, `${DL}/02-second/quiz`);
    expect(blocked.status).toBe(429);
    expect(blocked.text).toContain('Bạn có thể làm lại từ');
    await QuizResult.updateOne({ user: user._id }, { $set: { submittedAt: new Date(Date.now() - 6 * 60_000) } });
    const again = await postForm(agent, `${DL}/02-second/quiz/start`, {}, `${DL}/02-second/quiz`);
    expect(again.status).toBe(303);
  });

  it('when an attempt is left to run out of time, should record it as expired (no fail, no cooldown) and show it in the history', async () => {
    const { user, agent } = await learner();
    const { id } = await start(agent, DL, '02-second');
    await QuizAttempt.updateOne({ _id: id }, { $set: { deadline: new Date(Date.now() - 60_000) } });
    const page = await agent.get(`${DL}/02-second/quiz`).expect(200);
    expect(page.text).toContain('Hết giờ khi chưa nộp bài');
    expect(page.text).toContain('không tính là chưa đạt');
    expect(page.text).not.toContain('Bạn có thể làm lại từ');
    expect(await QuizResult.countDocuments({ user: user._id })).toBe(0);
    // a fresh attempt at once, with its own questions
    const again = await postForm(agent, `${DL}/02-second/quiz/start`, {}, `${DL}/02-second/quiz`);
    expect(again.status).toBe(303);
    expect(again.headers.location).not.toContain(id);
  });

  it('after a fail with no cooldown, the result should say a retry is allowed now', async () => {
    const { agent } = await learner();
    const { id, qids } = await start(agent, DL, '01-first');
    const res = await postForm(agent, `/quiz/attempts/${id}/submit`, answers(qids, 'b'), `/quiz/attempts/${id}`);
    const result = await agent.get(res.headers.location!).expect(200);
    expect(result.text).toContain('Bạn có thể làm lại ngay');
    expect(result.text).toContain(`href="${DL}/01-first/quiz"`);
  });

  it('when out of time with questions unanswered, should say the time is up rather than ask for the rest', async () => {
    const { agent } = await learner();
    const { id, qids } = await start(agent, DL, '02-second');
    await QuizAttempt.updateOne({ _id: id }, { $set: { deadline: new Date(Date.now() - 60_000) } });
    const res = await postForm(agent, `/quiz/attempts/${id}/submit`, answers(qids.slice(1), 'a'), '/courses');
    expect(res.status).toBe(409);
    expect(res.text).toContain('Đã hết thời gian làm bài');
  });

  it('starting twice without submitting should resume the same attempt', async () => {
    const { agent } = await learner();
    const a = await start(agent, DL, '01-first');
    const b = await start(agent, DL, '01-first');
    expect(b.id).toBe(a.id);
  });

  it('another person\'s attempt and result should answer 404, as if they did not exist', async () => {
    const owner = await learner();
    const other = await learner();
    const { id, qids } = await start(owner.agent, DL, '01-first');
    await other.agent.get(`/quiz/attempts/${id}`).expect(404);
    expect((await postForm(other.agent, `/quiz/attempts/${id}/submit`, answers(qids, 'a'), '/courses')).status).toBe(404);
    const res = await postForm(owner.agent, `/quiz/attempts/${id}/submit`, answers(qids, 'a'), '/courses');
    await other.agent.get(res.headers.location!).expect(404);
    await other.agent.get('/quiz/results/not-an-id').expect(404);
    await other.agent.get(`/quiz/results/${new mongoose.Types.ObjectId()}`).expect(404);
  });

  it('the quiz page should list the rules and my attempts', async () => {
    const { agent } = await learner();
    const { id, qids } = await start(agent, DL, '02-second');
    await postForm(agent, `/quiz/attempts/${id}/submit`, answers(qids, 'a'), '/courses');
    const page = await agent.get(`${DL}/02-second/quiz`).expect(200);
    expect(page.text).toContain('Thời gian làm bài: 10 phút.');
    expect(page.text).toContain('Điểm 100% (3/3 câu đúng)');
    expect(page.text).toContain('Bạn đã đạt bài kiểm tra của học phần này.');
  });
});

describe('a result on the real course content', () => {
  it('a multiple-answer question half answered should show which right options were missed, once the rules show answers', async () => {
    const catalog = loadCatalog();
    const real = testApp({ catalog });
    const course = catalog.courses.find((c) => c.modules.some((m) => m.bank.some((q) => q.type === 'multiple') && m.bank.filter((q) => q.type !== 'multiple').length >= 4))!;
    const module = course.modules.find((m) => m.bank.some((q) => q.type === 'multiple') && m.bank.filter((q) => q.type !== 'multiple').length >= 4)!;
    const multiple = module.bank.find((q) => q.type === 'multiple' && q.correct.length >= 2)!;
    const others = module.bank.filter((q) => q.type !== 'multiple').slice(0, 4);
    const { user } = await createUser('volunteer', 'T-HN');
    const agent = await signedInAgent(real, user.username);
    const base = `/courses/${course.slug}/${module.folder}`;
    const started = await postForm(agent, `${base}/quiz/start`, {}, `${base}/quiz`);
    const id = /\/quiz\/attempts\/([a-f0-9]{24})/.exec(started.headers.location!)![1]!;
    // this attempt's questions: four single answers and the multiple-answer one
    const drawn = [...others, multiple];
    await QuizAttempt.updateOne({ _id: id }, { $set: { questions: drawn.map((q) => ({ id: q.id, options: q.options.map((o) => o.id) })) } });
    const form: Record<string, string> = Object.fromEntries(others.map((q) => [`q_${q.id}`, q.correct[0]!]));
    form[`q_${multiple.id}`] = multiple.correct[0]!; // one box ticked of the several right ones
    const res = await postForm(agent, `/quiz/attempts/${id}/submit`, form, `/quiz/attempts/${id}`);
    expect(res.status).toBe(303);
    const result = await agent.get(res.headers.location!).expect(200);
    expect(result.text).toContain('Chúc mừng, bạn đã đạt!'); // 4 of 5
    const item = result.text.split('<li class="wrong">')[1]!.split('</ul>')[0]!;
    expect(item).toContain('Chưa chính xác');
    for (const missed of multiple.correct.slice(1)) {
      const label = multiple.options.find((o) => o.id === missed)!.vi;
      const line = item.split('<li>').find((l) => l.includes(escapeHtml(label)))!;
      expect(line).toContain('bạn bỏ sót');
    }
    // a true/false option keeps its words "Đúng"/"Sai"; the badge says "Chính xác"
    expect(result.text).not.toMatch(/<p class="tag tag-ok">[^<]*<span aria-hidden="true">✓<\/span> Đúng/);
  });
});

function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&#34;').replace(/'/g, '&#39;');
}
