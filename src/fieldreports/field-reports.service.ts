/**
 * Filing a team's weekly report, and staff taking its difficulties up. One report per
 * team per week is held by the unique key (team, week). Take-ups are records of their
 * own (DifficultyTakeUp), so an edit of the report never undoes one.
 */
import mongoose, { type Types } from 'mongoose';
import { namesOf } from '../accounts';
import { recordAudit } from '../audit';
import { findUnitById, type UnitDoc } from '../org';
import { isObjectId, type Actor, type Role } from '../shared/actor';
import { can } from '../shared/permissions';
import { Conflict, NotFound, Refused } from '../shared/errors';
import { DifficultyTakeUp, FieldReport, FieldReportEdit, withTakeUps, type Counts, type DifficultyCategory, type DifficultyDoc, type FieldReportDoc } from './field-report.model';
import { forgetSummaries } from './summary';
import { currentWeek, isOpen, shiftWeek, type ReportWeek } from './weeks';
import { weekNumber, weekRangeText } from '../shared/dates';
import { isDuplicateKey } from '../db/insert-once';

/** A week as a message names it ("Tuần 49 (30/11–06/12/2026)"): the same in both languages but for the word. */
const weekWords = (week: ReportWeek) => ({ n: weekNumber(week.label) ?? week.label, range: weekRangeText(week.start) });

export interface DifficultyInput {
  /** The difficulty being edited, when it was filed before. */
  id?: string;
  category: DifficultyCategory;
  description: string;
  helpNeeded: boolean;
}

export interface ReportInput {
  counts: Counts;
  difficulties: DifficultyInput[];
  notes: string;
}

/** A team's reports (and their take-ups) follow it when the tree is re-organised (listens to org's lineage changes; src/wiring.ts). */
export async function reportsFollowTheirTeam(unitId: Types.ObjectId, lineage: Types.ObjectId[]): Promise<void> {
  const reports = await FieldReport.find({ team: unitId }).select('_id').lean();
  if (reports.length === 0) return;
  await FieldReport.updateMany({ team: unitId }, { $set: { lineage } });
  await DifficultyTakeUp.updateMany({ report: mongoose.trusted({ $in: reports.map((r) => r._id) }) }, { $set: { lineage } });
}

/** The team a person files for: a trainer (team leader) whose own unit is a team. */
export async function teamOf(user: { role: Role; unit: Types.ObjectId; lineage: Types.ObjectId[] }): Promise<UnitDoc | null> {
  if (!can(user, 'fileFieldReport')) return null;
  const unit = await findUnitById(user.unit);
  return unit?.level === 'team' ? unit : null;
}

export async function findReport(teamId: Types.ObjectId, week: string): Promise<FieldReportDoc | null> {
  const report = await FieldReport.findOne({ team: teamId, week }).lean<FieldReportDoc>();
  return report ? (await withTakeUps([report]))[0]! : null;
}

/** The team's reports, newest week first. */
export async function teamReports(teamId: Types.ObjectId, limit = 12): Promise<FieldReportDoc[]> {
  return withTakeUps(await FieldReport.find({ team: teamId }).sort({ week: -1 }).limit(limit).lean<FieldReportDoc[]>(), teamId);
}

/**
 * The weeks a team can file for now, newest first (this week, and last week until it closes on
 * Monday), with their reports: read now (one equality per week), or taken from `known`, the
 * team's newest reports as `teamReports` gives them (which hold every open week's).
 */
export async function openWeeks(team: UnitDoc, now = new Date(), known?: FieldReportDoc[]): Promise<{ week: ReportWeek; report: FieldReportDoc | null }[]> {
  const thisWeek = currentWeek(now);
  const weeks = [thisWeek, shiftWeek(thisWeek, -1)].filter((w) => isOpen(w, now));
  let reports = known;
  if (!reports) {
    const found = await Promise.all(weeks.map((w) => FieldReport.findOne({ team: team._id, week: w.label }).lean<FieldReportDoc>()));
    reports = await withTakeUps(found.filter((r): r is FieldReportDoc => r !== null), team._id);
  }
  return weeks.map((week) => ({ week, report: reports.find((r) => r.week === week.label) ?? null }));
}

/** What a team leader's home page says about the weekly report; null for everyone else. */
export async function weeklyReminder(user: { role: Role; unit: Types.ObjectId; lineage: Types.ObjectId[] } | undefined, now = new Date()) {
  if (!user || !can(user, 'fileFieldReport')) return null;
  const team = await teamOf(user);
  return team ? { team, weeks: await openWeeks(team, now) } : null;
}

function refuseUnlessOpen(week: ReportWeek, now: Date): void {
  if (now < week.start) throw new Refused('fieldReports.refused.notYet', weekWords(week), 409);
  if (!isOpen(week, now)) throw new Refused('fieldReports.refused.closed', weekWords(week), 409);
}

/** Difficulties as the leader sent them; the ones kept keep their id (and so their take-up). */
function mergeDifficulties(input: DifficultyInput[], before: DifficultyDoc[]) {
  const previous = new Set(before.map((d) => String(d._id)));
  return input.map((d) => ({
    ...(d.id && previous.has(d.id) ? { _id: d.id } : {}),
    category: d.category,
    description: d.description,
    helpNeeded: d.helpNeeded,
  }));
}

function audit(actor: Actor, team: UnitDoc, week: ReportWeek, how: 'created' | 'edited') {
  return recordAudit({ action: 'fieldreport.filed', actor, lineage: team.lineage, ip: actor.ip, details: `${how} week=${week.label} team=${team.code}` });
}

/**
 * Files (or edits) the team's report for `week`; `created` is false when it edited one.
 * Of two filings at once, the unique key lets one create; the other edits it (the last
 * edit wins, as when one person saves a form twice).
 */
export async function fileReport(actor: Actor, team: UnitDoc, week: ReportWeek, input: ReportInput, now = new Date()): Promise<{ report: FieldReportDoc; created: boolean }> {
  refuseUnlessOpen(week, now);
  let existing = await FieldReport.findOne({ team: team._id, week: week.label }).lean<FieldReportDoc>();
  if (!existing) {
    try {
      const doc = await FieldReport.create({
        team: team._id,
        week: week.label,
        lineage: team.lineage,
        counts: input.counts,
        difficulties: mergeDifficulties(input.difficulties, []),
        notes: input.notes,
        filedBy: actor.id,
        filedByUsername: actor.username,
        updatedBy: actor.id,
        updatedByUsername: actor.username,
      });
      await audit(actor, team, week, 'created');
      return { report: doc.toObject() as unknown as FieldReportDoc, created: true };
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
      existing = await FieldReport.findOne({ team: team._id, week: week.label }).lean<FieldReportDoc>(); // filed a moment ago: edit that one
      if (!existing) throw new Conflict();
    }
  }
  await FieldReportEdit.create({ report: existing._id, at: now, by: actor.id });
  let revision = await FieldReportEdit.countDocuments({ report: existing._id });
  await FieldReport.updateOne(
    { _id: existing._id },
    {
      $set: {
        counts: input.counts,
        difficulties: mergeDifficulties(input.difficulties, existing.difficulties),
        notes: input.notes,
        updatedBy: actor.id,
        updatedByUsername: actor.username,
        revision,
      },
    },
    { runValidators: true },
  );
  // Edits at the same moment may write their counts out of order: whoever sees a higher count
  // afterwards writes it, so the revision ends at the number of edits.
  for (let i = 0; i < 10; i++) {
    const seen = await FieldReportEdit.countDocuments({ report: existing._id });
    if (seen === revision) break;
    revision = seen;
    await FieldReport.updateOne({ _id: existing._id }, { $set: { revision } });
  }
  await audit(actor, team, week, 'edited');
  return { report: (await findReport(team._id, week.label))!, created: false };
}

/** Staff mark a difficulty as taken up, with a note (a later call replaces the note, keeping the first date). */
export async function takeUpDifficulty(actor: Actor, reportId: string, difficultyId: string, note: string, now = new Date()): Promise<void> {
  if (!isObjectId(reportId) || !isObjectId(difficultyId)) throw new NotFound();
  const report = await FieldReport.findOne({ _id: reportId, lineage: actor.unitId }).lean<FieldReportDoc>();
  if (!report?.difficulties.some((d) => String(d._id) === difficultyId)) throw new NotFound(`difficulty ${difficultyId} of report ${reportId} not in scope of ${actor.username}`);
  // the taker's name and post as the team leader will read them
  const [taker, unit] = await Promise.all([namesOf(actor.id), findUnitById(actor.unitId)]);
  const set = {
    report: report._id,
    lineage: report.lineage,
    by: actor.id,
    byUsername: actor.username,
    byFullName: taker?.fullName ?? null,
    byRole: actor.role,
    byUnitNameVi: unit?.nameVi ?? null,
    byUnitNameEn: unit?.nameEn ?? null,
    note,
  };
  try {
    await DifficultyTakeUp.updateOne({ difficulty: difficultyId }, { $set: set, $setOnInsert: { at: now } }, { upsert: true });
  } catch (err) {
    if (!isDuplicateKey(err)) throw err;
    await DifficultyTakeUp.updateOne({ difficulty: difficultyId }, { $set: set }); // taken up at the same moment by someone else: keep this note
  }
  forgetSummaries();
  await recordAudit({ action: 'fieldreport.difficulty.taken_up', actor, lineage: report.lineage, ip: actor.ip, details: `week=${report.week} difficulty=${difficultyId}` });
}
