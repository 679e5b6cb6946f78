/** The audit log as tests outside test/audit/ check it: whether an action was recorded, and how often. */
import type { QueryFilter } from 'mongoose';
import { AuditEntry, type AuditDoc } from '../../src/audit/audit.model';

/** How many audit entries match (an action, who did it, to whom, its details). */
export async function countAuditEntries(filter: QueryFilter<AuditDoc>): Promise<number> {
  return AuditEntry.countDocuments(filter);
}
