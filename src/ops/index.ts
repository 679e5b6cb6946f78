export { metricsAllowed, metricsRoutes } from './metrics.routes';
export { backup, BackupError, MONGODB_BACKUP_MESSAGE, namesOnlyLoopback, restore, verifyBackup, type FreshStore, type Manifest } from './backup';
