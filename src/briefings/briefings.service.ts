/**
 * Reading the kept packs. Staff see the packs of their unit and of the units under it: the
 * centre's staff the centre's and every province's, a province's staff their province's.
 * (A commune's staff have none: a province's pack names every commune of the province, and
 * a commune's staff see only their own commune's figures; their dashboard is the reports page.)
 */
import path from 'node:path';
import type { Types } from 'mongoose';
import type { Locale } from '../config';
import { recordAudit } from '../audit';
import { unitsByIds, type UnitDoc } from '../org';
import type { Actor } from '../shared/actor';
import { NotFound } from '../shared/errors';
import { BriefingPack, type BriefingPackDoc, type PackFigures, type PackFormat } from './briefing-pack.model';

export interface PackShown {
  id: string;
  week: string;
  unit: UnitDoc;
  preparedAt: Date;
  figures: PackFigures;
}

export interface PacksPage {
  /** Every week with a pack in scope, newest first. */
  weeks: string[];
  /** The week shown (the newest by default). */
  week: string | null;
  /** Its packs: the actor's own unit first, then the others by code. */
  packs: PackShown[];
}

/** The packs the actor may read, ready ones only (one equality on an indexed key). */
async function readyInScope(actor: Actor): Promise<BriefingPackDoc[]> {
  const docs = await BriefingPack.find({ lineage: actor.unitId }).select('unit unitCode week status preparedAt figures').lean<BriefingPackDoc[]>();
  return docs.filter((d) => d.status === 'ready');
}

/** The weeks with packs, and the packs of `week` (newest week when not given; an unknown week shows none). */
export async function packsPage(actor: Actor, week?: string): Promise<PacksPage> {
  const docs = await readyInScope(actor);
  const weeks = [...new Set(docs.map((d) => d.week))].sort().reverse();
  const shown = week ?? weeks[0] ?? null;
  const ofWeek = docs.filter((d) => d.week === shown);
  const units = await unitsByIds(ofWeek.map((d) => d.unit));
  const own = String(actor.unitId);
  const packs = ofWeek
    .filter((d) => units.has(String(d.unit)))
    .map((d) => ({ id: String(d._id), week: d.week, unit: units.get(String(d.unit))!, preparedAt: d.preparedAt!, figures: d.figures! }))
    .sort((a, b) => Number(String(b.unit._id) === own) - Number(String(a.unit._id) === own) || a.unit.code.localeCompare(b.unit.code));
  return { weeks, week: shown, packs };
}

export interface PackFile {
  file: string;
  /** The name the file is downloaded as: what it is, the week, the unit. */
  downloadName: string;
  contentType: string;
}

const CONTENT_TYPES: Record<PackFormat, string> = {
  pdf: 'application/pdf',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
};

/** The name a pack's file is downloaded (or attached) as, e.g. goi-giao-ban-2026-W49-HN.pdf. */
export function downloadNameOf(pack: { unitCode: string; week: string }, locale: Locale, format: PackFormat): string {
  return `${locale === 'vi' ? 'goi-giao-ban' : 'briefing-pack'}-${pack.week}-${pack.unitCode.replace(/[^\w-]/g, '')}.${format}`;
}

/** Where a ready pack's file is kept, in `locale`. */
export function packFilePath(dataDir: string, pack: Pick<BriefingPackDoc, 'week' | 'files'>, locale: Locale, format: PackFormat): string {
  return path.join(dataDir, 'briefings', pack.week, pack.files![locale][format]);
}

/** A ready pack's file for the actor (another unit's pack: 404); the download is audited. */
export async function packFile(actor: Actor, input: { id: Types.ObjectId | string; format: PackFormat; locale: Locale; dataDir: string }): Promise<PackFile> {
  const pack = await BriefingPack.findById(input.id).lean<BriefingPackDoc>();
  if (!pack || pack.status !== 'ready' || !pack.lineage.some((u) => String(u) === String(actor.unitId))) throw new NotFound();
  await recordAudit({ action: 'report.exported', actor, lineage: pack.lineage, ip: actor.ip, details: `briefing-pack.${input.format} ${input.locale} unit=${pack.unitCode} week=${pack.week}` });
  return { file: packFilePath(input.dataDir, pack, input.locale, input.format), downloadName: downloadNameOf(pack, input.locale, input.format), contentType: CONTENT_TYPES[input.format] };
}
