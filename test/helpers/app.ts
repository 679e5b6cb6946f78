import type { Express } from 'express';
import pino from 'pino';
import { createApp, type AppDeps } from '../../src/app';
import { loadConfig, type Config } from '../../src/config';
import { fixtureCatalog } from './content';

export function testConfig(env: Record<string, string> = {}): Config {
  return loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', PATH: process.env.PATH, ...env });
}

export const silentLogger = pino({ level: 'silent' });

/** A ready app on the test database mongoose is connected to. */
/** A ready app on the test database mongoose is connected to (courses: the small fixture content). */
export function testApp(opts: { env?: Record<string, string> } & Pick<AppDeps, 'extraRoutes' | 'loginLimits' | 'catalog' | 'verifyLimitPerMinute'> = {}): Express {
  return createApp({
    config: testConfig(opts.env),
    logger: silentLogger,
    extraRoutes: opts.extraRoutes,
    loginLimits: opts.loginLimits,
    catalog: opts.catalog ?? fixtureCatalog(),
    verifyLimitPerMinute: opts.verifyLimitPerMinute ?? 10_000,
  });
}
