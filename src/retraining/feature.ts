import type { Feature } from '../feature';

export const retrainingFeature: Feature = {
  name: 'retraining',
  routes: () => [],
};
