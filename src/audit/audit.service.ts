/**
 * The audit log: who did what, when, from where. Written by services; read by admins
 * (their subtree only), filtered by action, person and dates.
 */
import mongoose, { type Types } from 'mongoose';
import type { Actor } from '../shared/actor';
import { escapeRegex } from '../shared/text';
import { AuditEntry, type AuditAction, type AuditDoc } from './audit.model';

export interface AuditInput {
  action: AuditAction;
  actor?: Pick<Actor, 'id' | 'username'> | null;
  target?: { id: Types.ObjectId; username: string } | null;
  lineage?: Types.ObjectId[];
  ip?: string | null;
  userAgent?: string | null;
  details?: string | null;
}

export async function recordAudit(input: AuditInput): Promise<void> {
  await AuditEntry.create({
    at: new Date(),
    action: input.action,
    actor: input.actor?.id ?? null,
    actorUsername: input.actor?.username ?? null,
    targetUser: input.target?.id ?? null,
    targetUsername: input.target?.username ?? null,
    lineage: input.lineage ?? [],
    ip: input.ip ?? null,
    userAgent: input.userAgent?.slice(0, 200) ?? null,
    details: input.details?.slice(0, 500) ?? null,
  });
}

export interface AuditQuery {
  action?: AuditAction;
  username?: string;
  from?: Date;
  to?: Date;
  page: number;
}

export const AUDIT_PAGE_SIZE = 50;

/**
 * Entries inside the admin's subtree (events carry the person's unit), newest first. An
 * admin of the central unit also sees events tied to no unit (sign-ins of unknown usernames).
 */
export async function listAudit(actor: Actor, q: AuditQuery, centralAdmin = false): Promise<{ entries: AuditDoc[]; hasMore: boolean }> {
  const filter: Record<string, unknown> = centralAdmin ? {} : { lineage: actor.unitId };
  if (q.action) filter.action = q.action;
  if (q.username) {
    const re = mongoose.trusted({ $regex: `^${escapeRegex(q.username.toLowerCase())}` });
    filter.$or = [{ actorUsername: re }, { targetUsername: re }];
  }
  if (q.from || q.to) {
    filter.at = mongoose.trusted({ ...(q.from ? { $gte: q.from } : {}), ...(q.to ? { $lte: q.to } : {}) });
  }
  const entries = await AuditEntry.find(filter)
    .sort({ at: -1 })
    .skip((q.page - 1) * AUDIT_PAGE_SIZE)
    .limit(AUDIT_PAGE_SIZE + 1)
    .lean<AuditDoc[]>();
  return { entries: entries.slice(0, AUDIT_PAGE_SIZE), hasMore: entries.length > AUDIT_PAGE_SIZE };
}
