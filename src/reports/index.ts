export { Rollup, percent, type Figures } from './rollup.model';
export { figuresFor, figuresUnder, markCompletionsBucketed, rebuildRollups, reconcile, refreshRollupsIfChanged, rollupCache, startRollupJob, type Difference } from './rollup.service';
export { openPdf, PEOPLE_COLUMNS, ROLLUP_COLUMNS, writeXlsx, writeXlsxSheets } from './exports';
export { reportsRoutes } from './reports.routes';
export { Snapshot, startSnapshotJob, takeWeeklySnapshot, trendOf, weekOf } from './snapshot';
export { barChartSvg, trendSvg } from './trend-chart';
export { startExportWorker, workOnExports, exportLimits } from './export-jobs';
export { FURTHEST_BEHIND, homeFigures, type HomeFigures } from './home-figures';
