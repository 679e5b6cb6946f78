import type { Feature } from '../feature';
import { orgRoutes } from './org.routes';

export const orgFeature: Feature = {
  name: 'org',
  routes: () => [orgRoutes()],
  nav: [{ href: '/org', key: 'nav.org', abilities: ['manageOrg'], order: 80, more: ['staff', 'admin'] }],
};
