/**
 * What the process counts for Prometheus (prom-client), read at `GET /metrics` (src/ops):
 * request latency by route pattern, database command latency, background job runs, and the
 * process's own figures. Labels are bounded: a route's pattern (`/courses/:slug`), never a raw
 * URL; a command's name; a job's name.
 */
import type { NextFunction, Request, Response } from 'express';
import type mongoose from 'mongoose';
import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';

export const metricsRegistry = new Registry();
collectDefaultMetrics({ register: metricsRegistry });

const httpDuration = new Histogram({
  name: 'tss_http_request_duration_seconds',
  help: 'HTTP requests by Express route pattern, method and status class',
  labelNames: ['method', 'route', 'status'] as const,
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  registers: [metricsRegistry],
});

const dbDuration = new Histogram({
  name: 'tss_db_command_duration_seconds',
  help: 'Database commands by name and outcome (driver command monitoring)',
  labelNames: ['command', 'outcome'] as const,
  buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10],
  registers: [metricsRegistry],
});

const jobRuns = new Counter({
  name: 'tss_job_runs_total',
  help: 'Background job runs by job and outcome (ok, failed)',
  labelNames: ['job', 'outcome'] as const,
  registers: [metricsRegistry],
});

const jobDuration = new Histogram({
  name: 'tss_job_duration_seconds',
  help: 'Background job run time by job',
  labelNames: ['job'] as const,
  buckets: [0.01, 0.05, 0.1, 0.5, 1, 5, 15, 60, 300],
  registers: [metricsRegistry],
});

/** The route label: the matched pattern, `/static/*` for files, `unmatched` for anything no route took (404s). */
export function routeLabel(req: Request): string {
  const route = (req as Request & { route?: { path?: unknown } }).route;
  if (route && route.path !== undefined) return `${req.baseUrl}${String(route.path)}` || '/';
  if (req.originalUrl.startsWith('/static/')) return '/static/*';
  return 'unmatched';
}

/** Times every request until its response is finished (or the client went away). */
export function requestMetrics() {
  return (req: Request, res: Response, next: NextFunction) => {
    const end = httpDuration.startTimer();
    let done = false;
    const observe = () => {
      if (done) return;
      done = true;
      end({ method: req.method, route: routeLabel(req), status: `${Math.floor(res.statusCode / 100)}xx` });
    };
    res.once('finish', observe);
    res.once('close', observe);
    next();
  };
}

const watched = new WeakSet<object>();

/** Listens to the driver's command events (the client must be made with `monitorCommands: true`). */
export function watchDatabaseCommands(client: mongoose.mongo.MongoClient): void {
  if (watched.has(client)) return;
  watched.add(client);
  client.on('commandSucceeded', (e) => dbDuration.observe({ command: e.commandName, outcome: 'ok' }, e.duration / 1000));
  client.on('commandFailed', (e) => dbDuration.observe({ command: e.commandName, outcome: 'failed' }, e.duration / 1000));
}

/**
 * Runs one pass of a background job, counting it as run or failed and timing it; the error is
 * thrown on to the job's own handling (its log line, its retry).
 */
export async function runJob<T>(job: string, work: () => Promise<T>): Promise<T> {
  const end = jobDuration.startTimer({ job });
  try {
    const result = await work();
    jobRuns.inc({ job, outcome: 'ok' });
    return result;
  } catch (err) {
    jobRuns.inc({ job, outcome: 'failed' });
    throw err;
  } finally {
    end();
  }
}
