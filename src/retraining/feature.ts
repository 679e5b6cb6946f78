import type { Feature } from '../feature';
import { retrainingRoutes } from './retraining.routes';

export const retrainingFeature: Feature = {
  name: 'retraining',
  routes: ({ config, catalog }) => [retrainingRoutes(config, catalog)],
  // trainers and staff: their sessions; volunteers (and trainers, from their list): My sessions
  nav: [{ href: '/retraining', key: 'nav.retraining', abilities: ['manageRetraining', 'attendRetraining'], order: 45, more: ['trainer', 'staff', 'admin'] }],
};
