/**
 * Only the operator CLI runs (no app, no server): what the features do for one another on
 * an event still happens, because the CLI wires them (src/wiring.ts) as the server does.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { issueForCompletion } from '../../src/certificates';
import { lessonKeys, loadCatalog } from '../../src/courses';
import { findUnitByCode, forgetTree } from '../../src/org';
import { projectRoot } from '../../src/shared/paths';
import { testStoreUri, useTestDatabase } from '../helpers/db';
import { createTree, createUser } from '../helpers/factories';
import { userById } from '../helpers/people';
import { certificateOf, completionOf, hasModulePass, passedResultNotSettled, passModules, readLessons, writeCompletionRecord } from '../helpers/progress';

const db = useTestDatabase(__filename);
const run = promisify(execFile);
const COURSE = 'digital-literacy'; // its rule: every lesson read and every quiz passed

async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [path.join(projectRoot, 'dist', 'cli', 'index.js'), ...args], {
      env: { PATH: process.env.PATH ?? '', MONGODB_URI: `${testStoreUri()}${db.name}`, LOG_LEVEL: 'warn' },
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

beforeAll(async () => {
  await createTree();
});

describe('the CLI on its own', () => {
  it('when it settles the passed last quiz of a quiz-gated course, should complete the course and issue its certificate', async () => {
    const course = loadCatalog().courses.find((c) => c.slug === COURSE)!;
    expect(course.completion).toMatchObject({ allLessonsRead: true, allQuizzesPassed: true });
    const { user } = await createUser('volunteer', 'T-HN');
    await readLessons(user._id, COURSE, lessonKeys(course));
    const [last, ...others] = [...course.modules].reverse();
    await passModules(user._id, COURSE, others.map((m) => m.folder));
    // the last result was stored and the server stopped before what follows it
    await passedResultNotSettled(user._id, COURSE, last!.folder, course.version);

    const res = await cli('repair:settle');
    expect(res).toMatchObject({ code: 0 });
    expect(res.stdout).toContain('settled: 1 passed quiz result(s), 0 course completion(s)');
    expect(await hasModulePass(user._id, COURSE, last!.folder)).toBe(true);
    expect((await completionOf(user._id, COURSE))?.settled).toBe(true);
    expect((await userById(user._id))!.completed).toContain(COURSE);
    expect(await certificateOf(user._id, COURSE)).not.toBeNull();
  });

  it('when its org:import moves a commune to another province, should move the commune\'s people and their certificates with it', async () => {
    const header = 'code,name_vi,name_en,level,parent_code,remote';
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'tss-cli-')), 'tree.csv');
    fs.writeFileSync(file, [header, 'CLI-MV,Xã Di Chuyển,Moving Commune,commune,01,false', 'CLI-MV-T,Đội Di Chuyển,Moving Team,team,CLI-MV,false', ''].join('\n'));
    expect(await cli('org:import', file)).toMatchObject({ code: 0 });
    // this test's process is another process: it sees an import within the tree's check interval, at once here
    forgetTree();
    const { user } = await createUser('volunteer', 'CLI-MV-T');
    await issueForCompletion(await writeCompletionRecord(user._id, COURSE));

    fs.writeFileSync(file, [header, 'CLI-MV,Xã Di Chuyển,Moving Commune,commune,04,false', ''].join('\n'));
    const moved = await cli('org:import', file);
    expect(moved).toMatchObject({ code: 0 });
    expect(moved.stdout).toContain('units: 0 created, 1 updated, 0 unchanged');
    const caoBang = String((await findUnitByCode('04'))!._id);
    expect((await userById(user._id))!.lineage.map(String)).toContain(caoBang);
    expect((await certificateOf(user._id))!.lineage.map(String)).toContain(caoBang);
  });
});
