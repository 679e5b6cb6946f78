/**
 * `GET /metrics`: Prometheus's text format for whoever watches the servers. Open to a direct
 * connection from this host (the socket's own address is loopback and no proxy header came
 * with it: a request relayed by the local nginx carries X-Forwarded-For, and a forged header can
 * only close the door), or to a bearer token equal to METRICS_TOKEN; anyone else gets a 404, as
 * if there were no such page.
 */
import { timingSafeEqual, createHash } from 'node:crypto';
import { Router, type Request } from 'express';
import { Gauge } from 'prom-client';
import type { Config } from '../config';
import { pingDatabase } from '../db/connection';
import type { Feature } from '../feature';
import { metricsRegistry } from '../shared/metrics';

const LOOPBACK = /^(127\.\d{1,3}\.\d{1,3}\.\d{1,3}|::1|::ffff:127\.\d{1,3}\.\d{1,3}\.\d{1,3})$/;
const PROXY_HEADERS = ['x-forwarded-for', 'forwarded', 'x-real-ip'];

/** Who may read the metrics: the socket's peer and headers, never `req.ip` (which trusts a proxy's header). */
export function metricsAllowed(
  request: { remoteAddress: string | undefined; headers: Record<string, string | string[] | undefined> },
  token: string | undefined,
): boolean {
  const auth = request.headers.authorization;
  if (token && typeof auth === 'string' && auth.startsWith('Bearer ')) return sameSecret(auth.slice('Bearer '.length), token);
  const direct = PROXY_HEADERS.every((h) => request.headers[h] === undefined);
  return direct && LOOPBACK.test(request.remoteAddress ?? '');
}

/** Constant-time comparison of two secrets of any length (their digests have the same length). */
function sameSecret(given: string, expected: string): boolean {
  const digest = (s: string) => createHash('sha256').update(s).digest();
  return timingSafeEqual(digest(given), digest(expected));
}

interface Probe {
  up: boolean;
  seconds: number;
  queues: Record<string, number>;
}

/**
 * One look at the store and the queues per scrape: prom-client collects every metric at once,
 * so the gauges share the probe of the scrape under way.
 */
function probeOnce(features: () => readonly Feature[]): () => Promise<Probe> {
  let current: Promise<Probe> | undefined;
  const probe = async (): Promise<Probe> => {
    const started = process.hrtime.bigint();
    const up = (await pingDatabase()).ok;
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const queues: Record<string, number> = {};
    if (up) for (const f of features()) Object.assign(queues, await f.queues?.().catch(() => undefined));
    return { up, seconds, queues };
  };
  return () => {
    current ??= probe().finally(() => setImmediate(() => (current = undefined)));
    return current;
  };
}

/** The gauges read at each scrape: the store's health and every feature's queues. */
function scrapeGauges(features: () => readonly Feature[]): void {
  const probe = probeOnce(features);
  new Gauge({
    name: 'tss_store_up',
    help: '1 when the database answered a query within 1.5 s at this scrape, else 0',
    registers: [metricsRegistry],
    async collect() {
      this.set((await probe()).up ? 1 : 0);
    },
  });
  new Gauge({
    name: 'tss_store_ping_seconds',
    help: 'Time the database took to answer the scrape\'s query',
    registers: [metricsRegistry],
    async collect() {
      this.set((await probe()).seconds);
    },
  });
  new Gauge({
    name: 'tss_queue_length',
    help: 'Items waiting in a work queue (exports, outbox…), by queue; absent while the store is down',
    labelNames: ['queue'] as const,
    registers: [metricsRegistry],
    async collect() {
      const { queues } = await probe();
      this.reset();
      for (const [queue, n] of Object.entries(queues)) this.set({ queue }, n);
    },
  });
}

let gaugesMade = false;

export function metricsRoutes(config: Pick<Config, 'metricsToken'>, features: () => readonly Feature[]): Router {
  if (!gaugesMade) {
    scrapeGauges(features);
    gaugesMade = true;
  }
  const router = Router();
  // GET /metrics — Prometheus text format (loopback without a proxy, or METRICS_TOKEN); anyone else: 404
  router.get('/metrics', async (req: Request, res, next) => {
    if (!metricsAllowed({ remoteAddress: req.socket.remoteAddress, headers: req.headers }, config.metricsToken)) {
      next(); // on to the 404 page, as for any unknown address
      return;
    }
    res.set('Cache-Control', 'no-store').type(metricsRegistry.contentType).send(await metricsRegistry.metrics());
  });
  return router;
}
