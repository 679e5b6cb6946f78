import type { Feature } from '../feature';
import { checkinRoutes } from './checkin.routes';
import { retrainingRoutes } from './retraining.routes';

export const retrainingFeature: Feature = {
  name: 'retraining',
  // the check-in routes first: `/retraining/checkin` is not a session's id
  routes: (ctx) => [checkinRoutes(ctx), retrainingRoutes(ctx.config, ctx.catalog)],
  // trainers and staff: their sessions; volunteers (and trainers, from their list): My sessions
  nav: [{ href: '/retraining', key: 'nav.retraining', abilities: ['manageRetraining', 'attendRetraining'], order: 45, more: ['trainer', 'staff', 'admin'] }],
};
