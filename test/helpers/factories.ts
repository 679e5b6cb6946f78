/**
 * Test data made through the services, as the app makes it.
 *
 * test/helpers/ is the fixture layer: unlike the tests (which reach a feature's internals only
 * from its own folder, test/<feature>/, and otherwise import `src/<feature>`, its index), these
 * helpers may import any feature's models and internals, for what the app cannot make quickly
 * (a completion imported from earlier records, a page of volunteers) and for the reads a test
 * checks. Name each for what it does (`recordCompletion`, `userById`), not for the collection.
 * The lint rule in eslint.config.mjs says the same; bench/ is treated like this folder.
 */
import { randomBytes } from 'node:crypto';
import type { Express } from 'express';
import request from 'supertest';
import { createAccount, type UserDoc } from '../../src/accounts';
import { searchTextOf, User } from '../../src/accounts/user.model';
import { CourseCompletion } from '../../src/courses/progress.model';
import { findUnitByCode, importOrgCsv, loadDefaultTreeIfEmpty } from '../../src/org';
import { rebuildRollups, takeWeeklySnapshot } from '../../src/reports';
import type { Role } from '../../src/shared/actor';

export const TEST_PASSWORD = 'Correct-Horse-Battery-42';

/** The default tree plus two communes with a team each, in Hà Nội (01) and Cao Bằng (04). */
export async function createTree(): Promise<void> {
  await loadDefaultTreeIfEmpty();
  const report = await importOrgCsv(
    [
      'code,name_vi,name_en,level,parent_code,remote',
      'C-HN,Phường Ba Đình,Ba Dinh Ward,commune,01,false',
      'T-HN,Đội Ba Đình,Ba Dinh Team,team,C-HN,false',
      'C-CB,Xã Trà Lĩnh,Tra Linh Commune,commune,04,true',
      'T-CB,Đội Trà Lĩnh,Tra Linh Team,team,C-CB,true',
    ].join('\n'),
  );
  if (report.problems.length) throw new Error(JSON.stringify(report.problems));
}

export function uniqueName(prefix: string): string {
  return `${prefix}.${randomBytes(3).toString('hex')}`;
}

export async function createUser(role: Role, unitCode: string, opts: { username?: string; fullName?: string; oneTime?: boolean } = {}): Promise<{ user: UserDoc; password: string }> {
  const username = opts.username ?? uniqueName(role);
  const { user, oneTimePassword } = await createAccount(null, {
    username,
    fullName: opts.fullName ?? `Người ${username}`,
    role,
    unitCode,
    password: opts.oneTime ? undefined : TEST_PASSWORD,
  });
  return { user, password: oneTimePassword ?? TEST_PASSWORD };
}

/** The CSRF token of the form on `path` for this agent's session. */
export async function csrfToken(agent: request.Agent, path = '/login'): Promise<string> {
  const res = await agent.get(path);
  const m = /name="_csrf" value="([^"]+)"/.exec(res.text);
  if (!m) throw new Error(`no CSRF field on ${path} (status ${res.status})`);
  return m[1]!;
}

/** An agent signed in as `username`. */
export async function signedInAgent(app: Express, username: string, password = TEST_PASSWORD): Promise<request.Agent> {
  const agent = request.agent(app);
  const _csrf = await csrfToken(agent);
  const res = await agent.post('/login').type('form').send({ _csrf, username, password });
  if (res.status !== 303) throw new Error(`sign-in of ${username} failed with ${res.status}`);
  return agent;
}

/** POST a form with a fresh CSRF token taken from `formPath`. */
export async function postForm(agent: request.Agent, path: string, body: Record<string, string>, formPath = '/'): Promise<request.Response> {
  const _csrf = await csrfToken(agent, formPath);
  return agent.post(path).type('form').send({ _csrf, ...body });
}

export async function reloadUser(username: string): Promise<UserDoc | null> {
  return User.findOne({ username }).lean<UserDoc>();
}

/** Collects a binary response body (supertest parses only text): `.buffer(true).parse(binaryBody)`. */
export function binaryBody(res: request.Response, cb: (err: Error | null, body: Buffer) => void): void {
  const stream = res as unknown as NodeJS.ReadableStream;
  const chunks: Buffer[] = [];
  stream.on('data', (c: Buffer) => chunks.push(c));
  stream.on('end', () => cb(null, Buffer.concat(chunks)));
}

/**
 * A course completed outside the course pages (as an import of earlier records would): the
 * record and the copy on the person that pages and roll-ups read, as the courses service writes them.
 */
export async function recordCompletion(userId: UserDoc['_id'], course: string, at = new Date()): Promise<void> {
  await CourseCompletion.create({ user: userId, course, completedAt: at, contentVersion: 'test' });
  await User.updateOne({ _id: userId }, { $addToSet: { completed: course, started: course }, $set: { [`completedAt.${course}`]: at } });
}

/**
 * Two volunteers of `unitCode`: one compliant when the weekly snapshot is taken, the other
 * compliant since, with the roll-ups rebuilt after each (a change since last week to show).
 */
export async function complianceRoseSinceSnapshot(unitCode: string): Promise<void> {
  const before = (await createUser('volunteer', unitCode)).user;
  const after = (await createUser('volunteer', unitCode)).user;
  for (const c of ['digital-literacy', 'two-level-government']) await recordCompletion(before._id, c);
  await rebuildRollups();
  await takeWeeklySnapshot();
  for (const c of ['digital-literacy', 'two-level-government']) await recordCompletion(after._id, c);
  await rebuildRollups();
}

/**
 * `n` volunteers of `unitCode` in one write (pager.000, pager.001, …), for lists long enough
 * to page or a collection large enough for the store to prefer an index; the hash is a
 * placeholder, so they cannot sign in.
 */
export async function manyVolunteers(unitCode: string, n: number): Promise<UserDoc[]> {
  const unit = (await findUnitByCode(unitCode))!;
  const docs = await User.insertMany(
    Array.from({ length: n }, (_, i) => ({
      username: `pager.${String(i).padStart(3, '0')}`,
      fullName: `Người Phân Trang ${i}`,
      searchText: searchTextOf(`Người Phân Trang ${i}`, `pager.${i}`),
      passwordHash: 'x',
      role: 'volunteer',
      unit: unit._id,
      lineage: unit.lineage,
    })),
  );
  return docs.map((d) => d.toObject() as UserDoc);
}
