/** Weekly field reports and their take-ups as tests outside test/fieldreports/ read and age them. */
import type { Types } from 'mongoose';
import { DifficultyTakeUp, FieldReport, FieldReportEdit, type FieldReportDoc } from '../../src/fieldreports/field-report.model';

type Id = Types.ObjectId;

/** The team's report of the week (of any week when not given), or null. */
export async function teamReportOf(team: Id, week?: string): Promise<FieldReportDoc | null> {
  return FieldReport.findOne(week ? { team, week } : { team }).lean<FieldReportDoc>();
}

/** The report as stored now, or null. */
export async function reportById(id: Id): Promise<FieldReportDoc | null> {
  return FieldReport.findById(id).lean<FieldReportDoc>();
}

/** How many edits of the report were recorded. */
export async function countReportEdits(report: Id): Promise<number> {
  return FieldReportEdit.countDocuments({ report });
}

/** The take-up of a difficulty as stored (who took it up, when, their note), or null. */
export async function takeUpOf(difficulty: Id) {
  return DifficultyTakeUp.findOne({ difficulty }).lean();
}

/** The report's take-ups made as before names and posts were kept: only the username is left. */
export async function takeUpsWithoutNames(report: Id): Promise<void> {
  await DifficultyTakeUp.updateOne({ report }, { $set: { byFullName: null, byRole: null, byUnitNameVi: null, byUnitNameEn: null } });
}
