import type { Feature } from '../feature';
import { onPeopleMoved } from '../accounts';
import { onCourseCompleted } from '../courses';
import { LookupLimiter } from '../shared/rate-limit';
import { certificatesFollowHolders, certifyCompletion } from './certificates.service';
import { certificatesRoutes } from './certificates.routes';

export const certificatesFeature: Feature = {
  name: 'certificates',
  routes: ({ config, catalog, verifyLimitPerMinute }) => [certificatesRoutes(config, catalog, new LookupLimiter(verifyLimitPerMinute, 60))],
  nav: [{ href: '/certificates', key: 'nav.certificates', abilities: ['readOwnCertificates'], order: 30, more: ['trainer', 'staff', 'admin'] }],
  wire: () => {
    // A completion earns its certificate.
    onCourseCompleted(certifyCompletion);
    // People moved (by staff, a roster, or their unit): their certificates' copy of the lineage follows.
    onPeopleMoved(certificatesFollowHolders);
  },
};
