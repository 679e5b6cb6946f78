/**
 * A real crash during quiz submissions (issue 15): the server (dist/server.js, as `npm start`
 * runs it) is killed with SIGKILL while learners submit the last quiz of a course, at the moment
 * the first results are stored; after a restart, every learner whose result passed has the module
 * pass, the completion and the certificate, and each attempt has exactly one result.
 */
import mongoose from 'mongoose';
import request from 'supertest';
import { lessonKeys, loadCatalog, type Catalog } from '../../src/courses';
import { ModulePass, QuizAttempt, QuizResult } from '../../src/quizzes/quiz.model';
import { useTestDatabase } from '../helpers/db';
import { createTree, createUser, TEST_PASSWORD } from '../helpers/factories';
import { userById } from '../helpers/people';
import { countCertificates, countCompletions, readLessons } from '../helpers/progress';
import { startServer, type ServerProcess } from '../helpers/server-process';

const db = useTestDatabase(__filename);
const LEARNERS = 40;
let catalog: Catalog;

beforeAll(async () => {
  await createTree();
  catalog = loadCatalog();
});

function serve(): ServerProcess {
  return startServer({ PORT: '0', MONGODB_URI: `${process.env.TEST_MONGODB_URI!}${db.name}`, LOG_LEVEL: 'info' });
}

async function baseOf(server: ServerProcess): Promise<string> {
  const line = await server.waitFor(/is serving on/);
  return `http://127.0.0.1:${(JSON.parse(line) as { port: number }).port}`;
}

/** Signs a learner in on a new agent; returns it with the CSRF token of its session. */
async function signIn(base: string, username: string): Promise<{ agent: request.Agent; csrf: string }> {
  const agent = request.agent(base);
  const token = async (path: string) => /name="_csrf" value="([^"]+)"/.exec((await agent.get(path)).text)![1]!;
  const _csrf = await token('/login'); // before the POST is made: an agent's request takes its cookies when made
  const res = await agent.post('/login').type('form').send({ _csrf, username, password: TEST_PASSWORD });
  if (res.status !== 303) throw new Error(`sign-in of ${username}: ${res.status} ${res.text.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').slice(0, 600)}`);
  return { agent, csrf: await token('/courses') };
}

async function until(check: () => Promise<boolean>, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, 200));
  }
  return false;
}

type Moment = (users: mongoose.Types.ObjectId[], course: string, module: string) => Promise<number>;
// when the server is killed: once the run has stored its first few results, last-module passes or completions
const moments: [string, Moment][] = [
  ['results', (users) => QuizResult.countDocuments({ user: mongoose.trusted({ $in: users }) })],
  ['module passes', (users, course, module) => ModulePass.countDocuments({ user: mongoose.trusted({ $in: users }), course, module })],
  ['completions', (users, course) => countCompletions({ user: mongoose.trusted({ $in: users }), course })],
];

it.each(moments)('killing the server once the first %s of submissions are stored should leave, after a restart, every passed learner with the module pass, completion and certificate', async (_moment, storedSoFar) => {
  const course = catalog.courses[0]!;
  const last = course.modules[course.modules.length - 1]!;
  const learners = [];
  for (let i = 0; i < LEARNERS; i++) {
    const { user } = await createUser('volunteer', 'T-HN');
    await readLessons(user._id, course.slug, lessonKeys(course));
    for (const m of course.modules.slice(0, -1)) await ModulePass.create({ user: user._id, course: course.slug, module: m.folder, result: new mongoose.Types.ObjectId(), passedAt: new Date() });
    learners.push(user);
  }
  const ids = learners.map((u) => u._id);

  let server = serve();
  try {
    let base = await baseOf(server);
    // each learner signs in, opens the last quiz and fills in the right answers
    const forms: { agent: request.Agent; url: string; form: Record<string, string | string[]> }[] = [];
    for (const user of learners) {
      const { agent, csrf: _csrf } = await signIn(base, user.username);
      const started = await agent.post(`/courses/${course.slug}/${last.folder}/quiz/start`).type('form').send({ _csrf }).expect(303);
      const attemptId = /\/quiz\/attempts\/(\w+)/.exec(started.headers.location as string)![1]!;
      const attempt = (await QuizAttempt.findById(attemptId).lean())!;
      const form: Record<string, string | string[]> = { _csrf };
      for (const q of attempt.questions) form[`q_${q.id}`] = last.bank.find((b) => b.id === q.id)!.correct;
      forms.push({ agent, url: `/quiz/attempts/${attemptId}/submit`, form });
    }

    // all submit at once; the server is killed as soon as the first results are stored
    const answered: number[] = [];
    const sent = forms.map((f) => f.agent.post(f.url).type('form').send(f.form).then((r) => answered.push(r.status), () => undefined));
    const started = Date.now();
    while ((await storedSoFar(ids, course.slug, last.folder)) < 3 && Date.now() - started < 60_000) await new Promise((r) => setImmediate(r));
    server.child.kill('SIGKILL');
    await server.exited;
    await Promise.all(sent);
    const mine = { user: mongoose.trusted({ $in: ids }) };
    console.log(`killed after ${_moment}: ${await QuizResult.countDocuments(mine)} results (${await QuizResult.countDocuments({ ...mine, settled: false })} unsettled), ${await ModulePass.countDocuments({ ...mine, module: last.folder })} passes, ${await countCompletions(mine)} completions (${await countCompletions({ ...mine, settled: false })} unsettled), ${await countCertificates(mine)} certificates`);
    expect(await QuizResult.countDocuments(mine)).toBeGreaterThan(0);
    expect(answered.length).toBeLessThan(LEARNERS); // the kill cut submissions short

    // after the restart, the repair job finishes what the crash cut short; half of the learners submit again
    server = serve();
    base = await baseOf(server);
    for (const [i, f] of forms.entries()) {
      if (i % 2 === 0) continue; // these leave it to the repair job
      const { agent, csrf } = await signIn(base, learners[i]!.username);
      await agent.post(f.url).type('form').send({ ...f.form, _csrf: csrf }).expect(303);
    }
    // what each learner with a stored result lacks (their copy on the person is checked again a
    // moment after it is written: a sign-in at the same instant can overwrite it)
    const lacking = async () => {
      const out: string[] = [];
      if (await QuizResult.exists({ ...mine, settled: false })) out.push('unsettled results');
      if ((await countCompletions({ ...mine, settled: false })) > 0) out.push('unsettled completions');
      for (const r of await QuizResult.find(mine).lean()) {
        const who = String(r.user);
        if (!r.passed) out.push(`${who}: not passed`);
        if (!(await ModulePass.exists({ user: r.user, course: course.slug, module: last.folder }))) out.push(`${who}: no module pass`);
        if ((await countCompletions({ user: r.user, course: course.slug })) === 0) out.push(`${who}: no completion`);
        if (!((await userById(r.user))!.completed ?? []).includes(course.slug)) out.push(`${who}: not on the person`);
        const certificates = await countCertificates({ user: r.user, course: course.slug });
        if (certificates !== 1) out.push(`${who}: ${certificates} certificates`);
      }
      return out;
    };
    await until(async () => (await lacking()).length === 0, 120_000);
    expect(await lacking()).toEqual([]);
    const results = await QuizResult.find(mine).lean();
    expect(new Set(results.map((r) => String(r.attempt))).size).toBe(results.length); // one result per attempt
    expect(results.length).toBeGreaterThanOrEqual(LEARNERS / 2);
  } finally {
    server.child.kill('SIGKILL');
    await server.exited;
  }
}, 420_000); // a limit for a hang: two starts of the server and the wait for the repair on a loaded machine
