/**
 * What a feature tells the app about itself, in one object (its `feature.ts`, exported by its
 * `index.ts`): its routers, its menu links, the events of other features it listens to, and
 * its background jobs. `src/wiring.ts` lists the features; the app, the server and the CLI
 * take everything from that list.
 */
import type { Router } from 'express';
import type { Logger } from 'pino';
import type { Config } from './config';
import type { Catalog } from './courses';
import type { NavItem } from './shared/navigation';
import type { LoginLimits } from './shared/rate-limit';

/** What the routers are built from (src/app.ts). */
export interface AppContext {
  config: Config;
  catalog: Catalog;
  /** Sign-in throttling (tests lower it). */
  loginLimits: LoginLimits;
  /** Public certificate lookups per IP and minute (tests lower it). */
  verifyLimitPerMinute: number;
}

/** What the background jobs are started with (src/server.ts). */
export interface JobContext {
  config: Config;
  catalog: Catalog;
  logger: Logger;
}

export interface Feature {
  name: string;
  /** Its routers, mounted in the order of the feature list, then in this order. */
  routes?: (ctx: AppContext) => Router[];
  /** Its menu links (shown by ability; `order` places them in the menu). */
  nav?: NavItem[];
  /** Connects its listeners to other features' events (once per process: nothing registers on import). */
  wire?: () => void;
  /** Starts its background jobs in a server process; returns what stops them. */
  jobs?: (ctx: JobContext) => () => void;
  /**
   * The lengths of its work queues (name → items waiting), read at each scrape of `GET /metrics`
   * (src/ops). Names are short and fixed (`exports_waiting`), never per record.
   */
  queues?: () => Promise<Record<string, number>>;
}
