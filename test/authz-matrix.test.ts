/**
 * Every route that exists, for every role, in its own scope and in another unit's,
 * and signed out: the expected status. A new route belongs in this table.
 * (POST /logout and POST /login are exercised in test/accounts/auth.test.ts.)
 */
import request from 'supertest';
import { currentWeek } from '../src/fieldreports';
import mongoose from 'mongoose';
import { toActor } from '../src/accounts';
import { generateSerial } from '../src/certificates';
import { createCohort } from '../src/cohorts';
import type { Role } from '../src/shared/actor';
import { testApp } from './helpers/app';
import { useTestDatabase } from './helpers/db';
import { createTree, createUser, csrfToken, signedInAgent } from './helpers/factories';

useTestDatabase(__filename);

type Who = 'anon' | Role | 'staffOther';
const WHO: Who[] = ['anon', 'volunteer', 'trainer', 'staff', 'admin', 'staffOther'];
let app: ReturnType<typeof testApp>;
const agents = new Map<Who, request.Agent>();
let hnPerson = '';
let cbPerson = '';
let toDisable = '';
let hnCohort = '';
/** Ids and a serial that exist nowhere: the guards must answer before the lookup does. */
const nobody = String(new mongoose.Types.ObjectId());
const unknownSerial = generateSerial();
const thisWeek = currentWeek(new Date()).label;

beforeAll(async () => {
  await createTree();
  app = testApp();
  const homes: Record<Exclude<Who, 'anon'>, string> = { volunteer: 'T-HN', trainer: 'T-HN', staff: '01', admin: 'TW', staffOther: '04' };
  for (const [who, unit] of Object.entries(homes) as [Exclude<Who, 'anon'>, string][]) {
    const { user } = await createUser(who === 'staffOther' ? 'staff' : who, unit);
    agents.set(who, await signedInAgent(app, user.username));
  }
  agents.set('anon', request.agent(app));
  hnPerson = String((await createUser('volunteer', 'T-HN')).user._id);
  toDisable = String((await createUser('volunteer', 'T-HN')).user._id);
  const owner = (await createUser('trainer', 'T-HN')).user;
  hnCohort = String((await createCohort(toActor(owner), { name: 'Lớp ma trận', unitCode: 'T-HN', courses: ['digital-literacy'], dueDate: null }))._id);
  cbPerson = String((await createUser('volunteer', 'T-CB')).user._id);
});

const OK = 200;
const SEE_OTHER = 303;
const FORBIDDEN = 403;
const NOT_FOUND = 404;

// [method, path, expected status for anon, volunteer, trainer, staff (01), admin (TW), staff of another province (04)]
type Row = [string, () => string, number, number, number, number, number, number];
const rows: Row[] = [
  ['GET', () => '/', OK, OK, OK, OK, OK, OK],
  ['GET', () => '/healthz', OK, OK, OK, OK, OK, OK],
  ['GET', () => '/readyz', OK, OK, OK, OK, OK, OK],
  ['GET', () => '/login', OK, SEE_OTHER, SEE_OTHER, SEE_OTHER, SEE_OTHER, SEE_OTHER],
  ['GET', () => '/account', SEE_OTHER, OK, OK, OK, OK, OK],
  ['GET', () => '/account/password', SEE_OTHER, OK, OK, OK, OK, OK],
  ['POST', () => '/account/locale', SEE_OTHER, SEE_OTHER, SEE_OTHER, SEE_OTHER, SEE_OTHER, SEE_OTHER],
  ['GET', () => '/people', SEE_OTHER, FORBIDDEN, FORBIDDEN, OK, OK, OK],
  ['GET', () => '/people/new', SEE_OTHER, FORBIDDEN, FORBIDDEN, OK, OK, OK],
  ['GET', () => `/people/${hnPerson}`, SEE_OTHER, FORBIDDEN, FORBIDDEN, OK, OK, NOT_FOUND],
  ['GET', () => `/people/${cbPerson}`, SEE_OTHER, FORBIDDEN, FORBIDDEN, NOT_FOUND, OK, OK],
  ['POST', () => `/people/${hnPerson}/reset-password`, SEE_OTHER, FORBIDDEN, FORBIDDEN, OK, OK, NOT_FOUND],
  ['POST', () => `/people/${cbPerson}/move`, SEE_OTHER, FORBIDDEN, FORBIDDEN, NOT_FOUND, SEE_OTHER, SEE_OTHER],
  ['GET', () => '/org', SEE_OTHER, FORBIDDEN, FORBIDDEN, SEE_OTHER, SEE_OTHER, SEE_OTHER],
  ['GET', () => '/org/01', SEE_OTHER, FORBIDDEN, FORBIDDEN, OK, OK, NOT_FOUND],
  ['GET', () => '/org/C-CB', SEE_OTHER, FORBIDDEN, FORBIDDEN, NOT_FOUND, OK, OK],
  ['GET', () => '/org/TW', SEE_OTHER, FORBIDDEN, FORBIDDEN, NOT_FOUND, OK, NOT_FOUND],
  ['POST', () => '/people', SEE_OTHER, FORBIDDEN, FORBIDDEN, 400, 400, 400],
  ['POST', () => `/people/${cbPerson}/enable`, SEE_OTHER, FORBIDDEN, FORBIDDEN, NOT_FOUND, SEE_OTHER, SEE_OTHER],
  ['POST', () => '/lang', SEE_OTHER, SEE_OTHER, SEE_OTHER, SEE_OTHER, SEE_OTHER, SEE_OTHER],
  ['GET', () => '/courses', SEE_OTHER, OK, OK, OK, OK, OK],
  ['GET', () => '/courses/digital-literacy', SEE_OTHER, OK, OK, OK, OK, OK],
  ['GET', () => '/courses/digital-literacy/01-first/one', SEE_OTHER, OK, OK, OK, OK, OK],
  ['POST', () => '/courses/digital-literacy/01-first/one/read', SEE_OTHER, SEE_OTHER, SEE_OTHER, SEE_OTHER, SEE_OTHER, SEE_OTHER],
  ['GET', () => '/content/digital-literacy/01-first/images/pic.svg', OK, OK, OK, OK, OK, OK],
  ['GET', () => '/courses/digital-literacy/01-first/quiz', SEE_OTHER, OK, OK, OK, OK, OK],
  ['GET', () => '/verify', OK, OK, OK, OK, OK, OK],
  ['GET', () => '/certificates', SEE_OTHER, OK, OK, OK, OK, OK],
  ['GET', () => '/certificates/people', SEE_OTHER, FORBIDDEN, OK, OK, OK, OK],
  ['GET', () => '/certificates/zip?unit=T-HN', SEE_OTHER, FORBIDDEN, OK, OK, OK, NOT_FOUND],
  ['GET', () => '/cohorts', SEE_OTHER, FORBIDDEN, OK, OK, OK, OK],
  ['GET', () => '/cohorts/new', SEE_OTHER, FORBIDDEN, OK, OK, OK, OK],
  ['POST', () => '/cohorts', SEE_OTHER, FORBIDDEN, 400, 400, 400, 400],
  ['GET', () => '/cascade', SEE_OTHER, FORBIDDEN, OK, OK, OK, OK],
  ['GET', () => `/cascade/${hnPerson}`, SEE_OTHER, FORBIDDEN, NOT_FOUND, OK, OK, NOT_FOUND],
  ['GET', () => '/reports', SEE_OTHER, FORBIDDEN, FORBIDDEN, OK, OK, OK],
  ['GET', () => '/reports?unit=T-HN', SEE_OTHER, FORBIDDEN, FORBIDDEN, OK, OK, NOT_FOUND],
  ['GET', () => '/reports/rollup.csv?unit=01', SEE_OTHER, FORBIDDEN, FORBIDDEN, OK, OK, NOT_FOUND],
  ['GET', () => '/admin/audit', SEE_OTHER, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK, FORBIDDEN],
  // Weekly field reports: the trainer here leads team T-HN.
  ['GET', () => '/field-reports', SEE_OTHER, FORBIDDEN, OK, SEE_OTHER, SEE_OTHER, SEE_OTHER],
  ['GET', () => `/field-reports/week/${thisWeek}`, SEE_OTHER, FORBIDDEN, OK, FORBIDDEN, FORBIDDEN, FORBIDDEN],
  ['POST', () => `/field-reports/week/${thisWeek}`, SEE_OTHER, FORBIDDEN, SEE_OTHER, FORBIDDEN, FORBIDDEN, FORBIDDEN],
  ['GET', () => '/field-reports/summary', SEE_OTHER, FORBIDDEN, FORBIDDEN, OK, OK, OK],
  ['GET', () => '/field-reports/summary?unit=T-HN', SEE_OTHER, FORBIDDEN, FORBIDDEN, OK, OK, NOT_FOUND],
  ['GET', () => '/field-reports/summary.csv?unit=01', SEE_OTHER, FORBIDDEN, FORBIDDEN, OK, OK, NOT_FOUND],
  ['GET', () => '/field-reports/summary.xlsx?unit=C-HN', SEE_OTHER, FORBIDDEN, FORBIDDEN, OK, OK, NOT_FOUND],
  ['GET', () => '/field-reports/summary.pdf?unit=01', SEE_OTHER, FORBIDDEN, FORBIDDEN, OK, OK, NOT_FOUND],
  ['GET', () => '/field-reports/difficulties.csv?unit=01', SEE_OTHER, FORBIDDEN, FORBIDDEN, OK, OK, NOT_FOUND],
  ['POST', () => `/field-reports/difficulties/${hnPerson}/${hnPerson}`, SEE_OTHER, FORBIDDEN, FORBIDDEN, 400, 400, 400],
  ['POST', () => '/account/password', SEE_OTHER, 400, 400, 400, 400, 400],
  ['POST', () => `/people/${toDisable}/disable`, SEE_OTHER, FORBIDDEN, FORBIDDEN, SEE_OTHER, SEE_OTHER, NOT_FOUND],
  ['POST', () => '/courses/digital-literacy/01-first/quiz/start', SEE_OTHER, SEE_OTHER, SEE_OTHER, SEE_OTHER, SEE_OTHER, SEE_OTHER],
  ['GET', () => `/quiz/attempts/${nobody}`, SEE_OTHER, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND],
  ['POST', () => `/quiz/attempts/${nobody}/submit`, SEE_OTHER, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND],
  ['GET', () => `/quiz/results/${nobody}`, SEE_OTHER, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND],
  ['GET', () => `/verify/${unknownSerial}`, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND],
  ['GET', () => `/certificates/${unknownSerial}/pdf`, SEE_OTHER, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND],
  ['GET', () => `/certificates/${unknownSerial}/revoke`, SEE_OTHER, FORBIDDEN, FORBIDDEN, NOT_FOUND, NOT_FOUND, NOT_FOUND],
  ['POST', () => `/certificates/${unknownSerial}/revoke`, SEE_OTHER, FORBIDDEN, FORBIDDEN, NOT_FOUND, NOT_FOUND, NOT_FOUND],
  ['GET', () => `/cohorts/${hnCohort}`, SEE_OTHER, FORBIDDEN, OK, OK, OK, NOT_FOUND],
  ['GET', () => `/cohorts/${hnCohort}/imports/${nobody}`, SEE_OTHER, FORBIDDEN, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND],
  ['GET', () => `/cohorts/${hnCohort}/imports/${nobody}/passwords`, SEE_OTHER, FORBIDDEN, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND],
  ['GET', () => '/cohorts/template.xlsx', SEE_OTHER, FORBIDDEN, OK, OK, OK, OK],
  ['GET', () => `/cohorts?q=ba`, SEE_OTHER, FORBIDDEN, OK, OK, OK, OK],
  ['GET', () => `/cohorts/${hnCohort}/members/${hnPerson}/password`, SEE_OTHER, FORBIDDEN, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND],
  ['POST', () => `/cohorts/${hnCohort}/members/${hnPerson}/password`, SEE_OTHER, FORBIDDEN, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND],
];

const bodies: Record<string, Record<string, string>> = { move: { unitCode: 'T-CB' }, locale: { locale: 'vi' }, lang: { lang: 'vi' } };

describe.each(rows)('%s %s', (method, path, ...expected) => {
  it.each(WHO.map((who, i) => [who, expected[i]!] as const))('as %s, should answer %i', async (who, status) => {
    const agent = agents.get(who)!;
    let res: request.Response;
    if (method === 'GET') {
      res = await agent.get(path());
    } else {
      const _csrf = await csrfToken(agent, '/');
      const extra = Object.entries(bodies).find(([k]) => path().endsWith(k))?.[1] ?? {};
      res = await agent.post(path()).type('form').send({ _csrf, ...extra });
    }
    expect(res.status).toBe(status);
    if (status === SEE_OTHER && who === 'anon' && method === 'GET') expect(res.headers.location).toMatch(/^\/login/);
  });
});
