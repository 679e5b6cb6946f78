export { offlineManifest, type OfflineManifest } from './offline.service';
export { offlineFeature } from './feature';
