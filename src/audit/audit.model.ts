import mongoose, { Schema, type InferSchemaType, type Types } from 'mongoose';

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
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

/** The locale key naming an action (dots become underscores: `audit.actions.login_failed`). */
export function actionLabelKey(action: string): string {
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
  },
  { strict: true },
);
auditSchema.index({ at: -1 });
auditSchema.index({ lineage: 1, at: -1 });

export type AuditDoc = InferSchemaType<typeof auditSchema> & { _id: Types.ObjectId };
export const AuditEntry = mongoose.model('AuditEntry', auditSchema);
