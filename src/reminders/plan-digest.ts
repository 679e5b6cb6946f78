/**
 * The Monday digests of one ISO week (Vietnam time): every open cohort with a due date is read
 * once (background work, once a week); each member behind or overdue is a line in the digest of
 * the cohort's trainer, and a member overdue by `escalationDays` or more is also a line in the
 * digest of that trainer's own trainer and of the staff of the person's commune.
 */
import type { Types } from 'mongoose';
import { activePeopleOfUnit, personById, type Person } from '../accounts';
import { eachOpenCohortWithDueDate, membersProgressOf, type DueCohort, type MemberProgress } from '../cohorts';
import type { Catalog } from '../courses';
import { findUnitById } from '../org';
import { dayText, daysUntil } from '../shared/dates';
import { localeOf, type Line, type Notice } from './notice';
import { DIGEST_MAX_LINES, type ReminderRules } from './rules';

/** A person behind or overdue in one cohort. */
interface Late {
  person: Person;
  cohort: DueCohort;
  overdue: boolean;
  daysLate: number;
  done: number;
  missing: string[];
  trainer: string;
}

interface Digest {
  to: Types.ObjectId;
  own: Late[];
  escalated: Late[];
  cohorts: Set<string>;
  /** The commune of the escalated people (staff digests' link). */
  commune?: Types.ObjectId;
}

/** Per-run memo of the people and communes' staff asked for, each once. */
class People {
  private persons = new Map<string, Promise<Person | null>>();
  private staff = new Map<string, Promise<Person[]>>();
  person(id: Types.ObjectId): Promise<Person | null> {
    const k = String(id);
    if (!this.persons.has(k)) this.persons.set(k, personById(id));
    return this.persons.get(k)!;
  }
  staffOf(unit: Types.ObjectId): Promise<Person[]> {
    const k = String(unit);
    if (!this.staff.has(k)) this.staff.set(k, activePeopleOfUnit(unit).then((all) => all.filter((p) => p.role === 'staff')));
    return this.staff.get(k)!;
  }
}

function digestOf(map: Map<string, Digest>, id: Types.ObjectId): Digest {
  const k = String(id);
  if (!map.has(k)) map.set(k, { to: id, own: [], escalated: [], cohorts: new Set() });
  return map.get(k)!;
}

/** Adds one cohort's late people to the digests. */
async function collect(cohort: DueCohort, members: MemberProgress[], rules: ReminderRules, now: Date, people: People, trainers: Map<string, Digest>, staff: Map<string, Digest>): Promise<void> {
  const owner = await people.person(cohort.owner);
  for (const m of members) {
    if (!m.behind || m.user.disabled) continue;
    const overdue = m.pace === 'overdue';
    const daysLate = overdue ? -daysUntil(cohort.dueDate, now) : 0;
    const late: Late = { person: m.user, cohort, overdue, daysLate, done: m.done, missing: m.courses.filter((c) => !c.completed).map((c) => c.slug), trainer: owner?.fullName ?? '' };
    const own = digestOf(trainers, cohort.owner);
    own.own.push(late);
    own.cohorts.add(String(cohort._id));
    if (!overdue || daysLate < rules.escalationDays) continue;
    if (owner?.retrainedBy) digestOf(trainers, owner.retrainedBy).escalated.push(late);
    const commune = m.user.lineage[2];
    if (!commune) continue;
    for (const s of await people.staffOf(commune)) {
      const d = digestOf(staff, s._id);
      d.escalated.push(late);
      d.commune = commune;
    }
  }
}

function lineOf(late: Late, escalated: boolean, catalog: Catalog, locale: 'vi' | 'en'): Line {
  const missing = late.missing.map((slug) => catalog.courses.find((c) => c.slug === slug)?.title[locale] ?? slug).join(', ');
  const params = { name: late.person.fullName, username: late.person.username, cohort: late.cohort.name, due: dayText(late.cohort.dueDate), n: late.daysLate, percent: Math.round(late.done * 100), missing, trainer: late.trainer };
  if (escalated) return { key: 'reminders.digest.lineEscalated', params };
  return { key: late.overdue ? 'reminders.digest.lineOverdue' : 'reminders.digest.lineBehind', params };
}

/** The lines of a digest: the most overdue first, at most DIGEST_MAX_LINES and a count of the rest. */
function linesOf(d: Digest, catalog: Catalog, locale: 'vi' | 'en'): Line[] {
  const byLateness = (a: Late, b: Late) => b.daysLate - a.daysLate || a.done - b.done || a.person.fullName.localeCompare(b.person.fullName, 'vi');
  const all = [...d.escalated.sort(byLateness).map((l) => lineOf(l, true, catalog, locale)), ...d.own.sort(byLateness).map((l) => lineOf(l, false, catalog, locale))];
  if (all.length <= DIGEST_MAX_LINES) return all;
  return [...all.slice(0, DIGEST_MAX_LINES - 1), { key: 'reminders.digest.more', params: { n: all.length - DIGEST_MAX_LINES + 1 } }];
}

function trainerLink(d: Digest): string {
  if (d.own.length === 0) return '/cascade';
  return d.cohorts.size === 1 ? `/cohorts/${[...d.cohorts][0]}` : '/cohorts';
}

async function noticesOf(week: string, catalog: Catalog, people: People, trainers: Map<string, Digest>, staff: Map<string, Digest>): Promise<Notice[]> {
  const notices: Notice[] = [];
  for (const [id, d] of trainers) {
    const to = await people.person(d.to);
    if (!to || to.disabled) continue;
    const params = { week, behind: d.own.filter((l) => !l.overdue).length, overdue: d.own.filter((l) => l.overdue).length, escalated: d.escalated.length };
    notices.push({ key: `digest:${id}:${week}`, userId: to._id, kind: 'trainerDigest', titleKey: 'reminders.digest.title', bodyKey: 'reminders.digest.body', params, lines: linesOf(d, catalog, localeOf(to)), link: trainerLink(d) });
  }
  for (const [id, d] of staff) {
    const to = await people.person(d.to);
    if (!to || to.disabled) continue;
    const commune = d.commune ? await findUnitById(d.commune) : null;
    const params = { week, escalated: d.escalated.length };
    notices.push({ key: `escalation:${id}:${week}`, userId: to._id, kind: 'escalation', titleKey: 'reminders.escalation.title', bodyKey: 'reminders.escalation.body', params, lines: linesOf(d, catalog, localeOf(to)), link: commune ? `/reports?unit=${encodeURIComponent(commune.code)}` : '/reports' });
  }
  return notices;
}

/** Every digest of the week of `now` (label `week`), handed to `send` at the end (each digest is one notice). */
export async function planDigests(now: Date, week: string, rules: ReminderRules, catalog: Catalog, send: (notices: Notice[]) => Promise<void>): Promise<void> {
  const people = new People();
  const trainers = new Map<string, Digest>();
  const staff = new Map<string, Digest>();
  await eachOpenCohortWithDueDate(async (cohort) => collect(cohort, await membersProgressOf(catalog, cohort._id, now), rules, now, people, trainers, staff));
  await send(await noticesOf(week, catalog, people, trainers, staff));
}
