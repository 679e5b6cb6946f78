import type { Feature } from '../feature';
import { outboxQueues, startDeliveryJob } from './delivery';
import { notificationsRoutes } from './notifications.routes';

export const notificationsFeature: Feature = {
  name: 'notifications',
  // the inbox, preferences, unsubscribe, the sent log; and the header's unread count on every page
  routes: ({ config }) => [notificationsRoutes(config)],
  // Staff and admins: what was sent to whom. (The inbox is linked from the header, for everyone.)
  nav: [{ href: '/notifications/sent', key: 'notifications.sent.navLabel', abilities: ['readSentNotifications'], order: 95, more: ['staff', 'admin'] }],
  // sends the pending emails of the outbox (claims with a lease: several processes may run it)
  jobs: ({ config, logger }) => startDeliveryJob(config, logger),
  // the emails waiting in the outbox, for GET /metrics
  queues: outboxQueues,
};
