export { Rollup, percent, type Figures } from './rollup.model';
export { figuresFor, figuresUnder, markCompletionsBucketed, rebuildRollups, reconcile, refreshRollupsIfChanged, rollupCache, startRollupJob, type Difference } from './rollup.service';
export { PEOPLE_COLUMNS, ROLLUP_COLUMNS, writeXlsxSheets } from './exports';
export { openPdf } from './pdf';
export { fileDate, fileFormQuery, fileWord, fileYesNo, formOf, headerOf, sheetName, type FileRow, type FileStyle } from './file-style';
export { reportsRoutes } from './reports.routes';
export { Snapshot, startSnapshotJob, takeWeeklySnapshot, trendOf, weekOf } from './snapshot';
export { barChartSvg, trendSvg } from './trend-chart';
export { startExportWorker, workOnExports, exportLimits } from './export-jobs';
