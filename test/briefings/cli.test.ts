/** `briefings:run` as an operator runs it: the built CLI against the test store, at a given moment. */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import mongoose from 'mongoose';
import { projectRoot } from '../../src/shared/paths';
import { BriefingPack } from '../../src/briefings/briefing-pack.model';
import { rebuildRollups } from '../../src/reports';
import { useTestDatabase } from '../helpers/db';
import { createTree, createUser } from '../helpers/factories';

const db = useTestDatabase(__filename);
const run = promisify(execFile);
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'briefings-cli-'));

async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [path.join(projectRoot, 'dist', 'cli', 'index.js'), ...args], {
      env: { PATH: process.env.PATH ?? '', MONGODB_URI: `${process.env.TEST_MONGODB_URI}${db.name}`, LOG_LEVEL: 'warn', DATA_DIR: dataDir },
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

beforeAll(async () => {
  await createTree();
  await createUser('volunteer', 'T-CB');
  await rebuildRollups();
});

describe('briefings:run', () => {
  it('when run before Monday 07:00, should say nothing is due; at 07:00, should prepare the packs, and a second time nothing', async () => {
    expect((await cli('briefings:run', '--now', '2026-12-07T06:59:00+07:00')).stdout).toContain('nothing is due before Monday 07:00');
    const first = await cli('briefings:run', '--now', '2026-12-07T07:00:00+07:00');
    expect(first).toMatchObject({ code: 0 });
    expect(first.stdout).toContain('briefings 2026-W50: 2 pack(s) prepared (TW, 04)');
    expect(fs.readdirSync(path.join(dataDir, 'briefings', '2026-W50')).sort()).toEqual(['04-2026-W50-en.pdf', '04-2026-W50-en.xlsx', '04-2026-W50-vi.pdf', '04-2026-W50-vi.xlsx', 'TW-2026-W50-en.pdf', 'TW-2026-W50-en.xlsx', 'TW-2026-W50-vi.pdf', 'TW-2026-W50-vi.xlsx']);
    expect((await cli('briefings:run', '--now', '2026-12-07T09:00:00+07:00')).stdout).toContain('briefings 2026-W50: 0 pack(s) prepared');
    expect(await BriefingPack.countDocuments({ week: '2026-W50', status: 'ready' })).toBe(2);
    expect(mongoose.connection.name).toBe(db.name);
  });

  it('when --now is not a time, should refuse it with a clear message', async () => {
    const bad = await cli('briefings:run', '--now', 'monday');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('--now must be a date and time in ISO 8601');
  });
});
