import type { Feature } from '../feature';
import { auditRoutes } from './audit.routes';
import { giveAuditEntriesTheirSlots } from './audit.service';
import { runJob } from '../shared/metrics';

export const auditFeature: Feature = {
  name: 'audit',
  routes: () => [auditRoutes()],
  nav: [{ href: '/admin/audit', key: 'nav.audit', abilities: ['readAudit'], order: 100, more: ['admin'] }],
  jobs: ({ logger }) => {
    // once: older entries get their time slots
    runJob('audit.slots', () => giveAuditEntriesTheirSlots())
      .then((n) => n && logger.info({ entries: n }, 'audit log: older entries given their time slots'))
      .catch((err: unknown) => logger.warn({ err }, 'audit log: giving older entries their time slots failed; the next start tries again'));
    return () => undefined;
  },
};
