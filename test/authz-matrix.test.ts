/**
 * Every route that exists, for every role, in its own scope and in another unit's,
 * and signed out: the expected status. A new route belongs in this table.
 * Who is refused is read from the permission table (src/shared/permissions.ts): a row names
 * the ability that guards its route, and `__` marks a cell the table decides — 403 for a
 * person without the ability. A number where the table refuses, or `__` where it allows,
 * fails: each row and the table must agree.
 * (POST /logout and POST /login are exercised in test/accounts/auth.test.ts.)
 */
import request from 'supertest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runBriefings } from '../src/briefings';
import { currentWeek, parseWeek } from '../src/fieldreports';
import { rebuildRollups } from '../src/reports';
import mongoose from 'mongoose';
import { toActor } from '../src/accounts';
import { generateSerial } from '../src/certificates';
import { createCohort } from '../src/cohorts';
import { findUnitByCode } from '../src/org';
import { createSession } from '../src/retraining';
import type { Role } from '../src/shared/actor';
import { can, type Ability } from '../src/shared/permissions';
import { testApp } from './helpers/app';
import { packIdOf } from './helpers/briefing-records';
import { useTestDatabase } from './helpers/db';
import { createTree, createUser, csrfToken, signedInAgent } from './helpers/factories';

useTestDatabase(__filename);

type Who = 'anon' | Role | 'staffOther';
const WHO: Who[] = ['anon', 'volunteer', 'trainer', 'staff', 'admin', 'staffOther'];
let app: ReturnType<typeof testApp>;
const agents = new Map<Who, request.Agent>();
const people = new Map<Exclude<Who, 'anon'>, Express.User>();
let hnPerson = '';
let cbPerson = '';
let toDisable = '';
let hnCohort = '';
/** The id of province 01's commune C-HN (retraining figures are addressed by unit id). */
let hnCommune = '';
let hnSession = '';
/** The weekly briefing pack of Hà Nội (prepared for Monday 07/12/2026 07:00). */
let hnPack = '';
/** Ids and a serial that exist nowhere: the guards must answer before the lookup does. */
const nobody = String(new mongoose.Types.ObjectId());
const unknownSerial = generateSerial();
const thisWeek = currentWeek(new Date()).label;
const briefingsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'authz-briefings-'));

beforeAll(async () => {
  await createTree();
  app = testApp({ env: { DATA_DIR: briefingsDir } });
  const homes: Record<Exclude<Who, 'anon'>, string> = { volunteer: 'T-HN', trainer: 'T-HN', staff: '01', admin: 'TW', staffOther: '04' };
  for (const [who, unit] of Object.entries(homes) as [Exclude<Who, 'anon'>, string][]) {
    const { user } = await createUser(who === 'staffOther' ? 'staff' : who, unit);
    people.set(who, user as unknown as Express.User);
    agents.set(who, await signedInAgent(app, user.username));
  }
  agents.set('anon', request.agent(app));
  hnPerson = String((await createUser('volunteer', 'T-HN')).user._id);
  toDisable = String((await createUser('volunteer', 'T-HN')).user._id);
  const owner = (await createUser('trainer', 'T-HN')).user;
  hnCohort = String((await createCohort(toActor(owner), { name: 'Lớp ma trận', unitCode: 'T-HN', courses: ['digital-literacy'], dueDate: null }))._id);
  cbPerson = String((await createUser('volunteer', 'T-CB')).user._id);
  hnCommune = String((await findUnitByCode('C-HN'))!._id);
  const day = new Date(Date.now() + 3 * 86400_000 + 7 * 3600_000).toISOString().slice(0, 10);
  const session = { title: 'Buổi ma trận', date: day, startTime: '08:00', endTime: '10:00', placeKind: 'hall', place: 'Nhà văn hóa', unitCode: 'T-HN', topics: ['topic:ai'], cohorts: [], inviteUnit: true };
  hnSession = String((await createSession(toActor(people.get('trainer')! as never), session, ['topic:ai']))._id);
  await rebuildRollups();
  await runBriefings({ now: new Date(parseWeek('2026-W50')!.start.getTime() + 7 * 3600_000), dataDir: briefingsDir });
  hnPack = (await packIdOf('01', '2026-W50'))!;
});

const OK = 200;
const SEE_OTHER = 303;
const FORBIDDEN = 403;
const NOT_FOUND = 404;

/** A cell the permission table decides: 403 for whoever lacks the row's ability. */
const __ = 'table';
type Cell = number | typeof __;

// [method, path, ability guarding the route (null: none), expected status for anon, volunteer, trainer, staff (01), admin (TW), staff of another province (04)]
type Row = [string, () => string, Ability | null, Cell, Cell, Cell, Cell, Cell, Cell];
const rows: Row[] = [
  ['GET', () => '/', null, OK, OK, OK, OK, OK, OK],
  ['GET', () => '/healthz', null, OK, OK, OK, OK, OK, OK],
  ['GET', () => '/readyz', null, OK, OK, OK, OK, OK, OK],
  ['GET', () => '/login', null, OK, SEE_OTHER, SEE_OTHER, SEE_OTHER, SEE_OTHER, SEE_OTHER],
  ['GET', () => '/account', null, SEE_OTHER, OK, OK, OK, OK, OK],
  ['GET', () => '/account/password', null, SEE_OTHER, OK, OK, OK, OK, OK],
  ['POST', () => '/account/locale', null, SEE_OTHER, SEE_OTHER, SEE_OTHER, SEE_OTHER, SEE_OTHER, SEE_OTHER],
  ['GET', () => '/people', 'readPeopleInSubtree', SEE_OTHER, __, __, OK, OK, OK],
  ['GET', () => '/people/new', 'readPeopleInSubtree', SEE_OTHER, __, __, OK, OK, OK],
  ['GET', () => `/people/${hnPerson}`, 'readPeopleInSubtree', SEE_OTHER, __, __, OK, OK, NOT_FOUND],
  ['GET', () => `/people/${cbPerson}`, 'readPeopleInSubtree', SEE_OTHER, __, __, NOT_FOUND, OK, OK],
  ['POST', () => `/people/${hnPerson}/reset-password`, 'managePeople', SEE_OTHER, __, __, OK, OK, NOT_FOUND],
  ['POST', () => `/people/${cbPerson}/move`, 'managePeople', SEE_OTHER, __, __, NOT_FOUND, SEE_OTHER, SEE_OTHER],
  ['GET', () => '/org', 'manageOrg', SEE_OTHER, __, __, SEE_OTHER, SEE_OTHER, SEE_OTHER],
  ['GET', () => '/org/01', 'manageOrg', SEE_OTHER, __, __, OK, OK, NOT_FOUND],
  ['GET', () => '/org/C-CB', 'manageOrg', SEE_OTHER, __, __, NOT_FOUND, OK, OK],
  ['GET', () => '/org/TW', 'manageOrg', SEE_OTHER, __, __, NOT_FOUND, OK, NOT_FOUND],
  ['POST', () => '/people', 'createAccounts', SEE_OTHER, __, __, 400, 400, 400],
  ['POST', () => `/people/${cbPerson}/enable`, 'managePeople', SEE_OTHER, __, __, NOT_FOUND, SEE_OTHER, SEE_OTHER],
  ['POST', () => '/lang', null, SEE_OTHER, SEE_OTHER, SEE_OTHER, SEE_OTHER, SEE_OTHER, SEE_OTHER],
  ['GET', () => '/courses', null, SEE_OTHER, OK, OK, OK, OK, OK],
  ['GET', () => '/courses/digital-literacy', null, SEE_OTHER, OK, OK, OK, OK, OK],
  ['GET', () => '/courses/digital-literacy/01-first/one', null, SEE_OTHER, OK, OK, OK, OK, OK],
  ['POST', () => '/courses/digital-literacy/01-first/one/read', null, SEE_OTHER, SEE_OTHER, SEE_OTHER, SEE_OTHER, SEE_OTHER, SEE_OTHER],
  ['GET', () => '/content/digital-literacy/01-first/images/pic.svg', null, OK, OK, OK, OK, OK, OK],
  ['GET', () => '/courses/digital-literacy/offline.json', 'readCourses', SEE_OTHER, OK, OK, OK, OK, OK],
  ['GET', () => '/sw.js', null, OK, OK, OK, OK, OK, OK],
  ['GET', () => '/courses/digital-literacy/01-first/quiz', null, SEE_OTHER, OK, OK, OK, OK, OK],
  ['GET', () => '/verify', null, OK, OK, OK, OK, OK, OK],
  ['GET', () => '/certificates', null, SEE_OTHER, OK, OK, OK, OK, OK],
  ['GET', () => '/certificates/people', 'readPeopleCertificates', SEE_OTHER, __, OK, OK, OK, OK],
  ['GET', () => '/certificates/zip?unit=T-HN', 'readPeopleCertificates', SEE_OTHER, __, OK, OK, OK, NOT_FOUND],
  ['GET', () => '/cohorts', 'manageCohorts', SEE_OTHER, __, OK, OK, OK, OK],
  ['GET', () => '/cohorts/new', 'manageCohorts', SEE_OTHER, __, OK, OK, OK, OK],
  ['POST', () => '/cohorts', 'manageCohorts', SEE_OTHER, __, 400, 400, 400, 400],
  ['GET', () => '/cascade', 'readCascade', SEE_OTHER, __, OK, OK, OK, OK],
  ['GET', () => `/cascade/${hnPerson}`, 'readCascade', SEE_OTHER, __, NOT_FOUND, OK, OK, NOT_FOUND],
  ['GET', () => '/reports', 'readReports', SEE_OTHER, __, __, OK, OK, OK],
  ['GET', () => '/reports?unit=T-HN', 'readReports', SEE_OTHER, __, __, OK, OK, NOT_FOUND],
  ['GET', () => '/reports/rollup.csv?unit=01', 'exportReports', SEE_OTHER, __, __, OK, OK, NOT_FOUND],
  // Retraining figures of a unit (staff in scope) and its files.
  ['GET', () => `/retraining/units/${hnCommune}`, 'readRetrainingFigures', SEE_OTHER, __, __, OK, OK, NOT_FOUND],
  ['GET', () => `/retraining/units/${nobody}`, 'readRetrainingFigures', SEE_OTHER, __, __, NOT_FOUND, NOT_FOUND, NOT_FOUND],
  ['GET', () => `/retraining/units/${hnCommune}/sessions.csv`, 'readRetrainingFigures', SEE_OTHER, __, __, OK, OK, NOT_FOUND],
  ['GET', () => `/retraining/units/${hnCommune}/sessions.xlsx`, 'readRetrainingFigures', SEE_OTHER, __, __, OK, OK, NOT_FOUND],
  ['GET', () => `/retraining/units/${hnCommune}/attendance.csv`, 'readRetrainingFigures', SEE_OTHER, __, __, OK, OK, NOT_FOUND],
  ['GET', () => `/retraining/units/${hnCommune}/attendance.xlsx`, 'readRetrainingFigures', SEE_OTHER, __, __, OK, OK, NOT_FOUND],
  ['GET', () => '/briefings', 'readBriefings', SEE_OTHER, __, __, OK, OK, OK],
  ['GET', () => '/briefings?week=2026-W50', 'readBriefings', SEE_OTHER, __, __, OK, OK, OK],
  ['GET', () => `/briefings/${hnPack}/pack.pdf`, 'readBriefings', SEE_OTHER, __, __, OK, OK, NOT_FOUND],
  ['GET', () => `/briefings/${hnPack}/pack.xlsx?lang=en`, 'readBriefings', SEE_OTHER, __, __, OK, OK, NOT_FOUND],
  ['GET', () => `/briefings/${nobody}/pack.pdf`, 'readBriefings', SEE_OTHER, __, __, NOT_FOUND, NOT_FOUND, NOT_FOUND],
  ['GET', () => '/admin/audit', 'readAudit', SEE_OTHER, __, __, __, OK, __],
  ['GET', () => '/reminders/settings', 'manageReminders', SEE_OTHER, __, __, __, OK, __],
  ['POST', () => '/reminders/settings', 'manageReminders', SEE_OTHER, __, __, __, SEE_OTHER, __],
  // Weekly field reports: the trainer here leads team T-HN.
  ['GET', () => '/field-reports', null, SEE_OTHER, FORBIDDEN, OK, SEE_OTHER, SEE_OTHER, SEE_OTHER],
  ['GET', () => `/field-reports/week/${thisWeek}`, 'fileFieldReport', SEE_OTHER, __, OK, __, __, __],
  ['POST', () => `/field-reports/week/${thisWeek}`, 'fileFieldReport', SEE_OTHER, __, SEE_OTHER, __, __, __],
  ['GET', () => '/field-reports/summary', 'readFieldSummaries', SEE_OTHER, __, __, OK, OK, OK],
  ['GET', () => '/field-reports/summary?unit=T-HN', 'readFieldSummaries', SEE_OTHER, __, __, OK, OK, NOT_FOUND],
  ['GET', () => '/field-reports/summary.csv?unit=01', 'readFieldSummaries', SEE_OTHER, __, __, OK, OK, NOT_FOUND],
  ['GET', () => '/field-reports/summary.xlsx?unit=C-HN', 'readFieldSummaries', SEE_OTHER, __, __, OK, OK, NOT_FOUND],
  ['GET', () => '/field-reports/summary.pdf?unit=01', 'readFieldSummaries', SEE_OTHER, __, __, OK, OK, NOT_FOUND],
  ['GET', () => '/field-reports/difficulties.csv?unit=01', 'readFieldSummaries', SEE_OTHER, __, __, OK, OK, NOT_FOUND],
  ['POST', () => `/field-reports/difficulties/${hnPerson}/${hnPerson}`, 'takeUpDifficulty', SEE_OTHER, __, __, 400, 400, 400],
  ['POST', () => '/account/password', null, SEE_OTHER, 400, 400, 400, 400, 400],
  ['POST', () => `/people/${toDisable}/disable`, 'managePeople', SEE_OTHER, __, __, SEE_OTHER, SEE_OTHER, NOT_FOUND],
  ['POST', () => '/courses/digital-literacy/01-first/quiz/start', null, SEE_OTHER, SEE_OTHER, SEE_OTHER, SEE_OTHER, SEE_OTHER, SEE_OTHER],
  ['GET', () => `/quiz/attempts/${nobody}`, null, SEE_OTHER, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND],
  ['POST', () => `/quiz/attempts/${nobody}/submit`, null, SEE_OTHER, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND],
  ['POST', () => `/quiz/attempts/${nobody}/answers`, null, SEE_OTHER, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND],
  ['GET', () => `/quiz/results/${nobody}`, null, SEE_OTHER, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND],
  ['GET', () => `/verify/${unknownSerial}`, null, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND],
  ['GET', () => `/certificates/${unknownSerial}/pdf`, null, SEE_OTHER, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND],
  ['GET', () => `/certificates/${unknownSerial}/revoke`, 'revokeCertificate', SEE_OTHER, __, __, NOT_FOUND, NOT_FOUND, NOT_FOUND],
  ['POST', () => `/certificates/${unknownSerial}/revoke`, 'revokeCertificate', SEE_OTHER, __, __, NOT_FOUND, NOT_FOUND, NOT_FOUND],
  ['GET', () => `/cohorts/${hnCohort}`, 'manageCohorts', SEE_OTHER, __, OK, OK, OK, NOT_FOUND],
  ['GET', () => `/cohorts/${hnCohort}/imports/${nobody}`, 'importRoster', SEE_OTHER, __, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND],
  ['GET', () => `/cohorts/${hnCohort}/imports/${nobody}/passwords`, 'importRoster', SEE_OTHER, __, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND],
  ['GET', () => '/cohorts/template.xlsx', 'manageCohorts', SEE_OTHER, __, OK, OK, OK, OK],
  ['GET', () => `/cohorts?q=ba`, 'manageCohorts', SEE_OTHER, __, OK, OK, OK, OK],
  // Retraining sessions: the session is the trainer's own, for team T-HN, whose volunteer is invited.
  ['GET', () => '/retraining', null, SEE_OTHER, SEE_OTHER, OK, OK, OK, OK],
  ['GET', () => '/retraining/new', 'manageRetraining', SEE_OTHER, __, OK, OK, OK, OK],
  ['POST', () => '/retraining', 'manageRetraining', SEE_OTHER, __, 400, 400, 400, 400],
  ['GET', () => '/retraining/mine', 'attendRetraining', SEE_OTHER, OK, OK, __, __, __],
  ['GET', () => `/retraining/mine/${hnSession}.ics`, 'attendRetraining', SEE_OTHER, OK, NOT_FOUND, __, __, __],
  ['GET', () => `/retraining/${hnSession}`, 'manageRetraining', SEE_OTHER, __, OK, OK, OK, NOT_FOUND],
  ['GET', () => `/retraining/${hnSession}/edit`, 'manageRetraining', SEE_OTHER, __, OK, OK, OK, NOT_FOUND],
  ['POST', () => `/retraining/${nobody}/close`, 'manageRetraining', SEE_OTHER, __, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND],
  ['POST', () => `/retraining/${hnSession}/ticks`, 'manageRetraining', SEE_OTHER, __, 400, 400, 400, 400],
  ['POST', () => `/retraining/${hnSession}/correct`, 'correctRetraining', SEE_OTHER, __, __, 400, 400, 400],
  ['GET', () => `/cohorts/${hnCohort}/members/${hnPerson}/password`, 'manageCohorts', SEE_OTHER, __, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND],
  ['POST', () => `/cohorts/${hnCohort}/members/${hnPerson}/password`, 'manageCohorts', SEE_OTHER, __, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND],
  // Notifications: everyone's inbox and preferences; the unsubscribe link (signed out too; a bad token is 400); the staff's sent log.
  ['GET', () => '/inbox', 'readInbox', SEE_OTHER, OK, OK, OK, OK, OK],
  ['POST', () => '/inbox/read-all', 'readInbox', SEE_OTHER, SEE_OTHER, SEE_OTHER, SEE_OTHER, SEE_OTHER, SEE_OTHER],
  ['POST', () => `/inbox/${nobody}/open`, 'readInbox', SEE_OTHER, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND],
  ['GET', () => '/account/notifications', null, SEE_OTHER, OK, OK, OK, OK, OK],
  ['POST', () => '/account/notifications', null, SEE_OTHER, SEE_OTHER, SEE_OTHER, SEE_OTHER, SEE_OTHER, SEE_OTHER],
  ['GET', () => '/unsubscribe?t=not-a-token', null, 400, 400, 400, 400, 400, 400],
  ['POST', () => '/unsubscribe', null, 400, 400, 400, 400, 400, 400],
  ['GET', () => '/notifications/sent', 'readSentNotifications', SEE_OTHER, __, __, OK, OK, OK],
  ['GET', () => '/notifications/sent.csv', 'readSentNotifications', SEE_OTHER, __, __, OK, OK, OK],
  ['GET', () => '/retraining/checkin?t=not-a-code', 'attendRetraining', SEE_OTHER, 400, 400, __, __, __],
  ['POST', () => '/retraining/checkin', 'attendRetraining', SEE_OTHER, 400, 400, __, __, __],
  ['GET', () => `/retraining/${nobody}/checked-in`, 'attendRetraining', SEE_OTHER, NOT_FOUND, NOT_FOUND, __, __, __],
  ['GET', () => `/retraining/${nobody}/checkin-code`, 'manageRetraining', SEE_OTHER, __, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND],
  ['GET', () => `/retraining/${nobody}/sheet.pdf`, 'manageRetraining', SEE_OTHER, __, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND],
];

const bodies: Record<string, Record<string, string>> = {
  move: { unitCode: 'T-CB' },
  locale: { locale: 'vi' },
  lang: { lang: 'vi' },
  settings: { firstReminderDays: '7', lastReminderDays: '1', escalationDays: '14', sendHour: '8' },
};

/** The status a row expects of this person: its number where the table allows, 403 where it refuses. */
function expectedStatus(ability: Ability | null, who: Who, cell: Cell): number {
  if (who === 'anon' || ability === null) {
    if (cell === __) throw new Error(`a cell for ${who} without an ability to decide it`);
    return cell;
  }
  const allowed = can(people.get(who)!, ability);
  if (allowed && cell === __) throw new Error(`the table lets ${who} ${ability}: the row must say what they get`);
  if (!allowed && cell !== __) throw new Error(`the table refuses ${who} ${ability}, but the row expects ${cell}`);
  return allowed ? (cell as number) : FORBIDDEN;
}

describe.each(rows)('%s %s (%s)', (method, path, ability, ...cells) => {
  it.each(WHO.map((who, i) => [who, cells[i]!] as const))('as %s, should answer as the row and the table say (%s)', async (who, cell) => {
    const status = expectedStatus(ability, who, cell);
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
