import path from 'node:path';
import type { Feature } from '../feature';
import { exportQueues, startExportWorker } from './export-jobs';
import { reportsRoutes } from './reports.routes';
import { startRollupJob } from './rollup.service';
import { startSnapshotJob } from './snapshot';

export const reportsFeature: Feature = {
  name: 'reports',
  routes: () => [reportsRoutes()],
  nav: [{ href: '/reports', key: 'nav.reports', abilities: ['readReports'], order: 60 }],
  jobs: ({ config, logger }) => {
    const stops = [startRollupJob(logger), startSnapshotJob(logger), startExportWorker(path.join(config.dataDir, 'exports'), logger)];
    return () => stops.forEach((stop) => stop());
  },
  // background exports waiting and being written (GET /metrics)
  queues: exportQueues,
};
