import type { Feature } from '../feature';
import { startDeliveryJob } from './delivery';

export const notificationsFeature: Feature = {
  name: 'notifications',
  // sends the pending emails of the outbox (claims with a lease: several processes may run it)
  jobs: ({ config, logger }) => startDeliveryJob(config, logger),
};
