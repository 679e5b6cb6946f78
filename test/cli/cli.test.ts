/** Operator commands as an operator runs them: the built CLI, against the test store. */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { projectRoot } from '../../src/shared/paths';
import { testStoreUri, uniqueDbName } from '../helpers/db';

const run = promisify(execFile);
const dbName = uniqueDbName(__filename);

async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [path.join(projectRoot, 'dist', 'cli', 'index.js'), ...args], {
      env: { PATH: process.env.PATH ?? '', MONGODB_URI: `${testStoreUri()}${dbName}`, LOG_LEVEL: 'warn' },
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('npm run cli', () => {
  it('--help should list the commands of the contract', async () => {
    const { stdout } = await cli('--help');
    for (const c of ['user:create', 'org:import', 'seed:demo', 'seed:scale', 'content:check', 'reports:reconcile']) expect(stdout).toContain(c);
  });

  it('user:create should make an admin in the central unit who can then be refused a duplicate', async () => {
    const ok = await cli('user:create', '--username', 'root.admin', '--password', 'Quản trị viên 2025!', '--role', 'admin', '--unit', 'TW', '--name', 'Quản Trị');
    expect(ok).toMatchObject({ code: 0 });
    expect(ok.stdout).toContain('created admin "root.admin" in unit TW');
    const again = await cli('user:create', '--username', 'root.admin', '--password', 'Quản trị viên 2025!', '--role', 'admin', '--unit', 'TW');
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('--username: This username is already taken.');
  });

  it('user:create should refuse a weak password, an unknown unit and an unknown role, each with a clear message', async () => {
    const weak = await cli('user:create', '--username', 'weak.one', '--password', 'password1', '--role', 'staff', '--unit', '01');
    expect(weak.code).toBe(1);
    expect(weak.stderr).toContain('--password: This password is too common');
    const unit = await cli('user:create', '--username', 'lost.one', '--password', 'Một mật khẩu tốt', '--role', 'staff', '--unit', 'NOWHERE');
    expect(unit.code).toBe(1);
    expect(unit.stderr).toContain('--unit: There is no unit with this code');
    const role = await cli('user:create', '--username', 'odd.one', '--password', 'Một mật khẩu tốt', '--role', 'king', '--unit', '01');
    expect(role.code).toBe(1);
    expect(role.stderr).toContain('--role must be one of volunteer, trainer, staff, admin');
  });

  it('org:import should load a file, report bad lines with file:line, and change nothing the second time', async () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'tss-cli-')), 'tree.csv');
    fs.writeFileSync(file, 'code,name_vi,name_en,level,parent_code,remote\nCLI-C,Xã Thử,Test Commune,commune,01,false\nCLI-BAD,Xã Hỏng,Broken,commune,NOPE,false\n');
    const first = await cli('org:import', file);
    expect(first.code).toBe(1);
    expect(first.stderr).toContain(`${file}:3: parent_code NOPE is not a known unit`);
    expect(first.stdout).toContain('units: 1 created, 0 updated, 0 unchanged, 1 line(s) refused');
    fs.writeFileSync(file, 'code,name_vi,name_en,level,parent_code,remote\nCLI-C,Xã Thử,Test Commune,commune,01,false\n');
    const second = await cli('org:import', file);
    expect(second).toMatchObject({ code: 0 });
    expect(second.stdout).toContain('units: 0 created, 0 updated, 1 unchanged, 0 line(s) refused');
  });

  it('org:import of a missing file should say so', async () => {
    const res = await cli('org:import', '/no/such/file.csv');
    expect(res.code).toBe(1);
    expect(res.stderr).toContain('cannot read /no/such/file.csv');
  });

  it('seed:scale should make the units, people and progress asked for, once; reports:reconcile then finds nothing', async () => {
    const res = await cli('seed:scale', '--volunteers', '60', '--communes', '5', '--remote', '1', '--teams', '6');
    expect(res.code).toBe(0);
    // 34 provincial trainers, 5 commune trainers, 6 team leaders and the 60 volunteers
    expect(res.stdout).toMatch(/scale data: 11 units, 105 people, \d+ completions/);
    expect(res.stderr).toContain('100% people');
    const again = await cli('seed:scale', '--volunteers', '60');
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('scale data is already present');
    const rec = await cli('reports:reconcile');
    expect(rec.stdout).toMatch(/reconcile: 0 roll-up difference\(s\), 0 person record\(s\) repaired/);
    const bad = await cli('seed:scale', '--volunteers', 'lots');
    expect(bad.stderr).toContain('--volunteers must be a whole number');
  });

  it('seed:demo should be idempotent', async () => {
    const first = await cli('seed:demo');
    expect(first.stdout).toMatch(/demo: 13 account\(s\) created/);
    const second = await cli('seed:demo');
    expect(second.stdout).toContain('demo: 0 account(s) created');
  });
});
