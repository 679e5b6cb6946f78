import type { Feature } from '../feature';
import { briefingsRoutes } from './briefings.routes';
import { startBriefingsJob } from './job';

export const briefingsFeature: Feature = {
  name: 'briefings',
  routes: ({ config }) => [briefingsRoutes(config.dataDir)],
  nav: [{ href: '/briefings', key: 'nav.briefings', abilities: ['readBriefings'], order: 65, more: ['staff', 'admin'] }],
  jobs: ({ config, logger }) => startBriefingsJob({ dataDir: config.dataDir, defaultLocale: config.defaultLocale }, logger),
};
