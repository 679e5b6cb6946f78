import type { Feature } from '../feature';
import { onLineageChanged } from '../org';
import { LoginThrottle } from '../shared/rate-limit';
import { accountRoutes } from './account.routes';
import { peopleFollowTheirUnit } from './accounts.service';
import { authRoutes } from './auth.routes';
import { peopleRoutes } from './people.routes';

export const accountsFeature: Feature = {
  name: 'accounts',
  routes: ({ config, loginLimits }) => [authRoutes(new LoginThrottle(loginLimits)), accountRoutes(config), peopleRoutes()],
  nav: [{ href: '/people', key: 'nav.people', abilities: ['readPeopleInSubtree'], order: 90, more: ['staff', 'admin'] }],
  // A unit moved in the tree: its people follow it.
  wire: () => onLineageChanged(peopleFollowTheirUnit),
};
