import mongoose, { Schema, type InferSchemaType, type Types } from 'mongoose';
import { VN_OFFSET_MS } from '../shared/vn-time';

export const AUDIT_ACTIONS = [
  'login',
  'login.failed',
  'login.limited',
  'logout',
  'password.changed',
  'password.reset',
  'user.created',
  'user.disabled',
  'user.enabled',
  'user.moved',
  'user.promoted',
  'certificate.revoked',
  'report.exported',
  'fieldreport.filed',
  'fieldreport.difficulty.taken_up',
  'retraining.corrected',
  'retraining.exported',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

/** The slot fields, coarse to fine, and the length of each label (a prefix of the minute's). */
export const SLOT_FIELDS = ['year', 'month', 'day', 'hour', 'tenMinutes', 'minute'] as const;
export type SlotField = (typeof SLOT_FIELDS)[number];
export const SLOT_LENGTH: Record<SlotField, number> = { year: 4, month: 7, day: 10, hour: 13, tenMinutes: 15, minute: 16 };

/** The slots of a moment, in Vietnam's time (UTC+7). */
export function slotsOf(at: Date): Record<SlotField, string> {
  const minute = new Date(at.getTime() + VN_OFFSET_MS).toISOString().slice(0, 16);
  return Object.fromEntries(SLOT_FIELDS.map((f) => [f, minute.slice(0, SLOT_LENGTH[f])])) as Record<SlotField, string>;
}

/** The locale key naming an action (dots become underscores: `audit.actions.login_failed`). */
export function actionLabelKey(action: string): string {
  // a feature's own actions are named in its locale section (`retraining.corrected` → `retraining.auditActions.corrected`)
  if (action.startsWith('retraining.')) return `retraining.auditActions.${action.slice('retraining.'.length).replace(/\./g, '_')}`;
  return `audit.actions.${action.replace(/\./g, '_')}`;
}

const auditSchema = new Schema(
  {
    at: { type: Date, required: true },
    action: { type: String, enum: AUDIT_ACTIONS, required: true },
    actor: { type: Schema.Types.ObjectId, ref: 'User', default: null },
    actorUsername: { type: String, default: null },
    targetUser: { type: Schema.Types.ObjectId, ref: 'User', default: null },
    targetUsername: { type: String, default: null },
    /** Lineage of the unit concerned, so staff and admins read only their subtree's log. */
    lineage: { type: [Schema.Types.ObjectId], default: [] },
    ip: { type: String, default: null },
    userAgent: { type: String, default: null },
    details: { type: String, default: null },
    /** The minute of `at` in Vietnam (YYYY-MM-DDTHH:MM): the log is read a marked minute at a time (audit.service.ts, listAudit). */
    minute: { type: String },
    /** Its slots are marked (AuditSlotMark, MARKS_VERSION): set on every entry written since the markers exist. */
    marks: { type: Number },
  },
  { strict: true },
);
auditSchema.index({ at: -1 });
auditSchema.index({ lineage: 1, at: -1 });
auditSchema.index({ minute: 1 });
auditSchema.index({ lineage: 1, minute: 1 });
auditSchema.index({ action: 1, minute: 1 });

export type AuditDoc = InferSchemaType<typeof auditSchema> & { _id: Types.ObjectId };
export const AuditEntry = mongoose.model('AuditEntry', auditSchema);

/**
 * "The log of this scope has entries in this slot": one marker per scope (`all`, or a unit of
 * the entries' lineage) and slot (a year down to a minute), written before the entry, keyed
 * `scope|label` and pointing at the marker of the slot around it (`parent`). The slots of a
 * scope that have entries inside one slot are then one equality query that returns only them
 * (at most 31), where asking the log itself about a busy month would make the store gather
 * every entry of it.
 */
const slotMarkSchema = new Schema({ key: { type: String, required: true }, parent: { type: String, required: true } }, { strict: true });
slotMarkSchema.index({ key: 1 }, { unique: true });
slotMarkSchema.index({ parent: 1 });
export const AuditSlotMark = mongoose.model('AuditSlotMark', slotMarkSchema);

/** Set on entries whose slots are marked; entries without it are marked once at start. */
export const MARKS_VERSION = 2;

export function slotMarkKey(scope: string, label: string): string {
  return `${scope}|${label}`;
}

/** The label of the slot around `label` ('' around a year). */
export function parentLabel(label: string): string {
  const i = SLOT_FIELDS.findIndex((f) => SLOT_LENGTH[f] === label.length);
  return i <= 0 ? '' : label.slice(0, SLOT_LENGTH[SLOT_FIELDS[i - 1]!]);
}
