import type { Feature } from '../feature';
import { offlineRoutes } from './offline.routes';

export const offlineFeature: Feature = {
  name: 'offline',
  routes: ({ catalog }) => [offlineRoutes(catalog)],
};
