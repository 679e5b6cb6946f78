export { metricsAllowed, metricsRoutes } from './metrics.routes';
