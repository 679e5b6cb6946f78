/**
 * Small units (issue 17.5): the lint config refuses a function over 60 lines in src/
 * (blank lines and comments not counted). Fails if someone removes the rule.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';

const ROOT = path.join(__dirname, '..');

/** A function of `lines` lines of code (its first and last included), with a blank line and a comment after each statement. */
function functionOf(lines: number): string {
  const body = Array.from({ length: lines - 4 }, (_, i) => `  total += ${i};\n\n  // step ${i}`).join('\n');
  return `export function long(): number {\n  let total = 0;\n${body}\n  return total;\n}\n`;
}

/** The rule's messages for `code` as if it were `file`, from the project's own config (ESLint in its own process: it loads the config as an ES module). */
async function lengthErrors(code: string, file: string): Promise<string[]> {
  const run = spawnSync(process.execPath, [path.join(ROOT, 'node_modules', 'eslint', 'bin', 'eslint.js'), '--stdin', '--stdin-filename', file, '--format', 'json'], { cwd: ROOT, input: code, encoding: 'utf8' });
  const [result] = JSON.parse(run.stdout) as { messages: { ruleId: string | null; message: string }[] }[];
  return result!.messages.filter((m) => m.ruleId === 'max-lines-per-function').map((m) => m.message);
}

describe('the function length rule', () => {
  it('when a function in src/ is 61 lines, should be an error', async () => {
    const errors = await lengthErrors(functionOf(61), 'src/cohorts/long.ts');
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain('Maximum allowed is 60');
  });

  it('when a function in src/ is 60 lines with blank lines and comments between them, should pass', async () => {
    expect(await lengthErrors(functionOf(60), 'src/cohorts/long.ts')).toEqual([]);
  });

  it('when a long function is in a test, should not apply', async () => {
    expect(await lengthErrors(functionOf(80), 'test/cohorts/long.test.ts')).toEqual([]);
  });
});
