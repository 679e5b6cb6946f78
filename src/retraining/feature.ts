import type { Feature } from '../feature';
import { checkinRoutes } from './checkin.routes';

export const retrainingFeature: Feature = {
  name: 'retraining',
  // the check-in routes first: `/retraining/checkin` is not a session's id
  routes: (ctx) => [checkinRoutes(ctx)],
};
