/**
 * The feature boundary in eslint.config.mjs (issue 17): a feature is imported through its
 * index.ts; only its own white-box tests (test/<feature>/) and the fixture layer (test/helpers/)
 * reach its internals. Each case lints a few lines as if they were a file at that path, with the
 * project's own configuration, so removing or loosening the rule fails here.
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';

const RULE = 'no-restricted-imports';
const root = path.resolve(__dirname, '..');

/**
 * The ESLint Node API (`new ESLint({ cwd })`, `lintText(code, { filePath })`) with the project's
 * configuration, run in a child process: ESLint loads eslint.config.mjs with a dynamic import,
 * which Jest's module sandbox does not allow.
 */
const LINT_IN_CHILD = `
const { ESLint } = require('eslint');
const eslint = new ESLint({ cwd: process.cwd() });
const probes = JSON.parse(require('node:fs').readFileSync(0, 'utf8'));
Promise.all(probes.map(({ file, code }) => eslint.lintText(code, { filePath: require('node:path').resolve(file) })))
  .then((results) => process.stdout.write(JSON.stringify(results.map(([r]) => r.messages))));
`;

interface LintMessage {
  ruleId: string | null;
  severity: number;
  message: string;
}

interface Probe {
  file: string;
  code: string;
}

/** The errors of the boundary rule for each probe's code linted as the file `file` (relative to the repository). */
function boundaryErrors(probes: Probe[]): string[][] {
  const out = execFileSync(process.execPath, ['-e', LINT_IN_CHILD], { cwd: root, input: JSON.stringify(probes), encoding: 'utf8' });
  return (JSON.parse(out) as LintMessage[][]).map((messages, i) => {
    const broken = messages.find((m) => m.ruleId === null && m.severity === 2);
    if (broken) throw new Error(`${probes[i]!.file} did not lint: ${broken.message}`);
    return messages.filter((m) => m.ruleId === RULE && m.severity === 2).map((m) => m.message);
  });
}

const userModel = (from: string) => `import { User } from '${from}accounts/user.model';\nexport const people = User;\n`;

/** Each probe: a file that is not there, at the path whose rule it shows, and what it imports. */
const PROBES = {
  featureToModel: { file: 'src/cohorts/boundary-probe.ts', code: userModel('../') },
  featureToInternals: { file: 'src/reports/boundary-probe.ts', code: "export { checkRoster } from '../cohorts/roster-check';\n" },
  featureToIndexes: {
    file: 'src/cohorts/boundary-probe.ts',
    code: [
      "import { createAccount } from '../accounts';",
      "import { cohortsRoutes } from './cohorts.routes';",
      "import { Invalid } from '../shared/errors';",
      "import { updateSurely } from '../db/sure-update';",
      "import { loadConfig } from '../config';",
      'export const used = [createAccount, cohortsRoutes, Invalid, updateSurely, loadConfig];',
      '',
    ].join('\n'),
  },
  rootToInternals: { file: 'src/boundary-probe.ts', code: "export { homeRoutes } from './home/home.routes';\n" },
  rootToIndexes: { file: 'src/boundary-probe.ts', code: "export { homeRoutes } from './home';\nexport { wire } from './wiring';\n" },
  journeyToModel: { file: 'test/e2e/boundary-probe.test.ts', code: userModel('../../src/') },
  otherFeatureTestToModel: { file: 'test/reports/boundary-probe.test.ts', code: userModel('../../src/') },
  topTestToModel: { file: 'test/boundary-probe.test.ts', code: userModel('../src/') },
  ownTestToModel: { file: 'test/accounts/boundary-probe.test.ts', code: userModel('../../src/') },
  helperToModels: {
    file: 'test/helpers/boundary-probe.ts',
    code: "import { User } from '../../src/accounts/user.model';\nimport { CohortMember } from '../../src/cohorts/cohort.model';\nexport const models = [User, CohortMember];\n",
  },
  journeyToIndexes: {
    file: 'test/e2e/boundary-probe.test.ts',
    code: [
      "import { createAccount } from '../../src/accounts';",
      "import { Invalid } from '../../src/shared/errors';",
      "import { createApp } from '../../src/app';",
      "import { createUser } from '../helpers/factories';",
      'export const used = [createAccount, Invalid, createApp, createUser];',
      '',
    ].join('\n'),
  },
} satisfies Record<string, Probe>;

let errors: Record<keyof typeof PROBES, string[]>;
beforeAll(() => {
  const names = Object.keys(PROBES) as (keyof typeof PROBES)[];
  const found = boundaryErrors(names.map((n) => PROBES[n]));
  errors = Object.fromEntries(names.map((n, i) => [n, found[i]!])) as typeof errors;
});

describe('the feature boundary in the lint configuration', () => {
  it('when a feature imports another feature\'s model, should be an error that says to go through its index', () => {
    expect(errors.featureToModel).toHaveLength(1);
    expect(errors.featureToModel[0]).toContain('index.ts');
    expect(errors.featureToModel[0]).toContain('docs/ARCHITECTURE.md');
  });

  it('when a feature imports another feature\'s internals that are not a model, should be an error too', () => {
    expect(errors.featureToInternals).toHaveLength(1);
  });

  it('when a feature imports another feature through its index, its own files or the infrastructure, should be no error', () => {
    expect(errors.featureToIndexes).toEqual([]);
  });

  it('when the composition root imports a feature\'s internals, should be an error; through its index, none', () => {
    expect(errors.rootToInternals).toHaveLength(1);
    expect(errors.rootToIndexes).toEqual([]);
  });

  it('when a browser journey imports a feature\'s model, should be an error', () => {
    expect(errors.journeyToModel).toHaveLength(1);
  });

  it('when a test of another feature or a test at the top of test/ imports a feature\'s model, should be an error', () => {
    expect(errors.otherFeatureTestToModel).toHaveLength(1);
    expect(errors.topTestToModel).toHaveLength(1);
  });

  it('when a feature\'s own test imports its model, should be no error', () => {
    expect(errors.ownTestToModel).toEqual([]);
  });

  it('when a test helper imports any feature\'s model, should be no error (the fixture layer)', () => {
    expect(errors.helperToModels).toEqual([]);
  });

  it('when a test outside a feature\'s folder imports the feature\'s index and the infrastructure, should be no error', () => {
    expect(errors.journeyToIndexes).toEqual([]);
  });
});
