/**
 * A weekly briefing pack: one per unit (the centre, each province) and week, its files kept
 * under DATA_DIR/briefings/<week>/. The unique key (unit, week) is the claim: a process
 * inserts the pack as `building` before it makes the files, so no two processes build one
 * pack; a claim whose lease is old (the process stopped half-way) is taken over.
 */
import mongoose, { Schema, type Types } from 'mongoose';
import type { Locale } from '../config';

export const PACK_STATUSES = ['building', 'ready'] as const;
export type PackStatus = (typeof PACK_STATUSES)[number];
export const PACK_FORMATS = ['pdf', 'xlsx'] as const;
export type PackFormat = (typeof PACK_FORMATS)[number];

/** The figures the pack printed, as the dashboard showed them at that moment. */
export interface PackFigures {
  people: number;
  digitalLiteracy: number;
  twoLevelGovernment: number;
  compliant: number;
  /** compliant / people in %, one decimal (the dashboard's rounding). */
  pct: number;
  /** The field-report week summarised (the week just ended). */
  fieldWeek: string;
  teams: number;
  reported: number;
  helped: number;
  helpNeeded: number;
}

export interface BriefingPackDoc {
  _id: Types.ObjectId;
  unit: Types.ObjectId;
  unitCode: string;
  /** The unit and those above it (scope: a pack is seen by staff whose unit is in it). */
  lineage: Types.ObjectId[];
  /** The ISO week the pack was prepared for (its Monday). */
  week: string;
  status: PackStatus;
  /** When the current builder claimed it (a claim older than the lease is taken over). */
  leaseAt: Date;
  preparedAt?: Date;
  /** File names under DATA_DIR/briefings/<week>/, per language and format. */
  files?: Record<Locale, Record<PackFormat, string>>;
  figures?: PackFigures;
  /** Set once the subscribers have been notified (their notifications are keyed, so a repeat sends nothing). */
  deliveredAt?: Date;
}

const schema = new Schema(
  {
    unit: { type: Schema.Types.ObjectId, required: true },
    unitCode: { type: String, required: true },
    lineage: { type: [Schema.Types.ObjectId], required: true },
    week: { type: String, required: true },
    status: { type: String, enum: PACK_STATUSES, required: true },
    leaseAt: { type: Date, required: true },
    preparedAt: Date,
    files: Schema.Types.Mixed,
    figures: Schema.Types.Mixed,
    deliveredAt: Date,
  },
  { strict: true },
);
schema.index({ unit: 1, week: 1 }, { unique: true });
schema.index({ lineage: 1 });
schema.index({ week: 1 });

export const BriefingPack = mongoose.model('BriefingPack', schema);
