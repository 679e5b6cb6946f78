export { runBriefings, startBriefingsJob, type BriefingsRun } from './job';
export { dueWeek, packUnits, PACK_HOUR, LEASE_MS } from './prepare';
export { packsPage, packFile, downloadNameOf, type PacksPage, type PackShown, type PackFile } from './briefings.service';
export type { PackFigures, PackFormat } from './briefing-pack.model';
export { briefingsFeature } from './feature';
