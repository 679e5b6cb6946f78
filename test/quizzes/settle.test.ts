/**
 * A crash between the steps of a submission (issue 15): after the result is stored, the
 * module pass, the course completion and the certificate follow on every path that sees
 * it. Each test leaves the store as a crash at one step would, then takes one path.
 */
import mongoose from 'mongoose';
import { lessonKeys, type Catalog } from '../../src/courses';
import { settleUnsettledResults } from '../../src/quizzes';
import { ModulePass, QuizAttempt, QuizResult } from '../../src/quizzes/quiz.model';
import { settleUnsettledCompletions } from '../../src/courses';
import { testApp } from '../helpers/app';
import { fixtureCatalog } from '../helpers/content';
import { useTestDatabase } from '../helpers/db';
import { createTree, createUser, signedInAgent } from '../helpers/factories';
import { userById } from '../helpers/people';
import { certificateOf, completionOf, readLessons, writeCompletionRecord } from '../helpers/progress';

useTestDatabase(__filename);
let catalog: Catalog;
let app: ReturnType<typeof testApp>;
const COURSE = 'two-level-government'; // lessons read and quizzes passed

beforeAll(async () => {
  await createTree();
  catalog = fixtureCatalog();
  app = testApp({ catalog });
});

/** A learner who read every lesson and passed every module but the last, and whose last passed result was stored just before a crash. */
async function crashedAfterResult() {
  const { user } = await createUser('volunteer', 'T-HN');
  const course = catalog.courses.find((c) => c.slug === COURSE)!;
  await readLessons(user._id, COURSE, lessonKeys(course));
  const [last, ...others] = [...course.modules].reverse();
  for (const m of others) await ModulePass.create({ user: user._id, course: COURSE, module: m.folder, result: new mongoose.Types.ObjectId(), passedAt: new Date() });
  const attempt = await QuizAttempt.create({ user: user._id, course: COURSE, module: last!.folder, questions: [], startedAt: new Date(), deadline: null, contentVersion: 'v' });
  const result = await QuizResult.create({ attempt: attempt._id, user: user._id, course: COURSE, module: last!.folder, answers: [], correctCount: 1, total: 1, score: 100, passed: true, submittedAt: new Date(), settled: false });
  return { user, last: last!, attempt, result };
}

async function expectConverged(userId: mongoose.Types.ObjectId, module: string) {
  expect(await ModulePass.exists({ user: userId, course: COURSE, module })).not.toBeNull();
  const completion = await completionOf(userId, COURSE);
  expect(completion?.settled).toBe(true);
  expect((await userById(userId))!.completed).toContain(COURSE);
  expect(await certificateOf(userId, COURSE)).not.toBeNull();
}

describe('after a crash between the steps of a passed submission', () => {
  it('the repair job should finish the module pass, the completion and the certificate', async () => {
    const { user, last } = await crashedAfterResult();
    expect(await settleUnsettledResults(catalog)).toBeGreaterThanOrEqual(1);
    await expectConverged(user._id, last.folder);
    expect((await QuizResult.findOne({ user: user._id }).lean())!.settled).toBe(true);
  });

  it('a resubmission of the same attempt should finish them and show the stored result', async () => {
    const { user, last, attempt } = await crashedAfterResult();
    const agent = await signedInAgent(app, user.username);
    const token = /name="_csrf" value="([^"]+)"/.exec((await agent.get('/courses')).text)![1]!;
    const res = await agent.post(`/quiz/attempts/${attempt._id}/submit`).type('form').send({ _csrf: token });
    expect(res.status).toBe(303);
    await expectConverged(user._id, last.folder);
  });

  it('opening the quiz page should finish them and show the module as passed', async () => {
    const { user, last } = await crashedAfterResult();
    const agent = await signedInAgent(app, user.username);
    await agent.get(`/courses/${COURSE}/${last.folder}/quiz`).expect(200);
    await expectConverged(user._id, last.folder);
  });

  it('a completion written without what follows should be finished by the repair job and by the course page', async () => {
    for (const path of ['job', 'page'] as const) {
      const { user } = await createUser('volunteer', 'T-HN');
      await writeCompletionRecord(user._id, 'digital-literacy', { contentVersion: 'v', settled: false });
      if (path === 'job') await settleUnsettledCompletions();
      else await (await signedInAgent(app, user.username)).get('/courses').expect(200);
      expect((await userById(user._id))!.completed).toContain('digital-literacy');
      expect(await certificateOf(user._id, 'digital-literacy')).not.toBeNull();
      expect((await completionOf(user._id, 'digital-literacy'))!.settled).toBe(true);
    }
  });
});
