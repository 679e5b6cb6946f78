export { AUDIT_ACTIONS, type AuditAction, type AuditDoc } from './audit.model';
export { giveAuditEntriesTheirSlots, listAudit, recordAudit, AUDIT_PAGE_SIZE, type AuditQuery } from './audit.service';
export { auditRoutes } from './audit.routes';
export { auditFeature } from './feature';
