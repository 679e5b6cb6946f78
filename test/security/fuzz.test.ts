/**
 * Property-based tests of the parsers people feed files and forms to (issue 15): random
 * bytes, random headers and random unicode never crash them, never let an invalid row
 * through, and always report a line for a row that is refused.
 */
import fc from 'fast-check';
import { validUsername } from '../../src/accounts';
import { DIFFICULTY_CATEGORIES } from '../../src/fieldreports';
import { toActor } from '../../src/accounts';
import { createCohort } from '../../src/cohorts';
import { testApp } from '../helpers/app';
import { useTestDatabase } from '../helpers/db';
import { createTree, createUser, csrfToken, postForm, signedInAgent } from '../helpers/factories';
import { checkRoster, MAX_COUNT, readReportForm, readRoster, RosterFileError, WORK_KINDS } from '../helpers/parsers';
import mongoose from 'mongoose';

useTestDatabase(__filename);

beforeAll(async () => {
  await createTree();
});

const HEADER_WORDS = ['username', 'full_name', 'unit_code', 'role', 'trainer_username', 'phone', 'Họ và tên', 'ten_dang_nhap', '__proto__', 'constructor', ''];
const cell = fc.oneof(fc.string(), fc.string({ unit: 'binary', maxLength: 12 }), fc.constantFrom('T-HN', 'C-HN', '01', 'tnv', 'trainer', 'constructor', '__proto__', '"', '""', '=1+1', '0912345678'));
// mostly a header with the columns a roster needs (in any order, with others), sometimes any header at all
const header = fc.oneof(
  { weight: 4, arbitrary: fc.subarray(['role', 'trainer_username', 'phone', 'Số điện thoại', '__proto__', '']).chain((extra) => fc.shuffledSubarray(['Tên đăng nhập', 'full_name', 'ma_don_vi', ...extra], { minLength: 3 + extra.length })) },
  { weight: 1, arbitrary: fc.array(fc.constantFrom(...HEADER_WORDS), { minLength: 1, maxLength: 7 }) },
);
const csvText = fc
  .tuple(header, fc.array(fc.array(cell, { maxLength: 8 }), { maxLength: 12 }), fc.constantFrom(',', ';', '\t'))
  .map(([header, rows, sep]) => [header.join(sep), ...rows.map((r) => r.join(sep))].join(fc.sample(fc.constantFrom('\n', '\r\n'), 1)[0]));

async function readOrRefuse(buffer: Buffer, name: string) {
  try {
    return await readRoster(buffer, name);
  } catch (err) {
    if (err instanceof RosterFileError) return null; // a file refused as a whole, with a message
    throw err;
  }
}

describe('roster parser', () => {
  it('when given random bytes, should read rows or refuse the file with a message, never fail otherwise', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 2000 }), fc.constantFrom('r.csv', 'r.xlsx', 'r.txt'), async (bytes, name) => {
        const rows = await readOrRefuse(Buffer.from(bytes), name);
        if (rows) for (const r of rows) expect(r.line).toBeGreaterThan(0);
      }),
      { numRuns: 200 },
    );
  });

  it('when given random CSV, should plan only valid rows and give every other row its line', async () => {
    const trainer = (await createUser('trainer', 'C-HN')).user;
    const actor = toActor(trainer);
    let read = 0;
    const cohort = await createCohort(actor, { name: 'Fuzz', unitCode: 'C-HN', courses: ['digital-literacy'], dueDate: null });
    await fc.assert(
      fc.asyncProperty(csvText, async (text) => {
        const rows = await readOrRefuse(Buffer.from(text), 'r.csv');
        if (!rows) return;
        read += 1;
        const { planned, invalid } = await checkRoster(actor, cohort._id as mongoose.Types.ObjectId, rows);
        expect(planned.length + invalid.length).toBe(rows.length);
        for (const p of planned) {
          expect(validUsername(p.username)).toBe(true);
          expect(['volunteer', 'trainer']).toContain(p.role);
          expect(p.fullName.length).toBeGreaterThan(0);
        }
        const lines = new Set(rows.map((r) => r.line));
        for (const i of invalid) expect(lines.has(i.line)).toBe(true);
      }),
      { numRuns: 60 },
    );
    expect(read).toBeGreaterThan(20); // most files were read, so the rows were really checked
  });

  it('when random files are uploaded, should never answer 500', async () => {
    const app = testApp();
    const name = (await createUser('trainer', 'C-HN')).user.username;
    const agent = await signedInAgent(app, name);
    const res = await postForm(agent, '/cohorts', { name: 'Lớp fuzz', unitCode: 'C-HN', courses: 'digital-literacy', dueDate: '2026-12-31' }, '/cohorts/new');
    const id = /\/cohorts\/([a-f0-9]{24})/.exec(res.headers.location!)![1]!;
    const _csrf = await csrfToken(agent, `/cohorts/${id}`);
    await fc.assert(
      fc.asyncProperty(fc.oneof(csvText.map((t) => Buffer.from(t)), fc.uint8Array({ maxLength: 600 }).map((b) => Buffer.from(b))), fc.constantFrom('a.csv', 'b.xlsx'), async (body, file) => {
        const up = await agent.post(`/cohorts/${id}/import`).field('_csrf', _csrf).attach('file', body, file);
        expect(up.status).toBeLessThan(500);
      }),
      { numRuns: 25 },
    );
  });
});

describe('weekly report form', () => {
  const value = fc.oneof(fc.string(), fc.string({ unit: 'binary', maxLength: 20 }), fc.nat().map(String), fc.constantFrom('-1', '1e3', '100001', ' 7 ', '0x10'), fc.array(fc.string(), { minLength: 2, maxLength: 3 }));
  const name = fc.oneof(fc.constantFrom(...WORK_KINDS, 'notes', 'd0_category', 'd0_description', 'd0_help', 'd0_id', 'd7_description', '__proto__', 'constructor'), fc.string({ maxLength: 12 }));

  it('when given any body, should either give valid input or name the fields that are wrong, never fail', () => {
    fc.assert(
      fc.property(fc.dictionary(name, value, { maxKeys: 14 }), (body) => {
        const { input, errors } = readReportForm(body as Record<string, unknown>);
        if (input) {
          expect(Object.keys(errors)).toEqual([]);
          for (const k of WORK_KINDS) {
            expect(Number.isInteger(input.counts[k])).toBe(true);
            expect(input.counts[k]).toBeGreaterThanOrEqual(0);
            expect(input.counts[k]).toBeLessThanOrEqual(MAX_COUNT);
          }
          for (const d of input.difficulties) {
            expect(DIFFICULTY_CATEGORIES as readonly string[]).toContain(d.category);
            expect(d.description.length).toBeGreaterThan(0);
          }
        } else {
          expect(Object.keys(errors).length).toBeGreaterThan(0);
        }
      }),
      { numRuns: 2000 },
    );
  });
});

