/**
 * `GET /metrics`: Prometheus's text for this host (a direct loopback connection, no proxy
 * header) or a bearer token; a 404 page for anyone else, whatever header they forge.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import request from 'supertest';
import { metricsAllowed } from '../../src/ops';
import { runJob } from '../../src/shared/metrics';
import { testApp } from '../helpers/app';
import { useTestDatabase } from '../helpers/db';

useTestDatabase(__filename);
const TOKEN = 'm'.repeat(20) + 'etrics-token-for-tests';
let app: ReturnType<typeof testApp>;

beforeAll(() => {
  app = testApp({ env: { METRICS_TOKEN: TOKEN, TRUST_PROXY: 'loopback' } });
});

/** The value of one sample line (`name{labels} value`), or undefined. */
function sample(text: string, line: RegExp): number | undefined {
  const found = text.split('\n').find((l) => line.test(l));
  return found === undefined ? undefined : Number(found.split(' ').pop());
}

describe('who may read /metrics', () => {
  it('when asked from loopback without a proxy header, should answer 200 with the request, database, job, queue, store and process metrics', async () => {
    await request(app).get('/readyz').expect(200); // a query on the store
    await runJob('ops.test-ok', async () => undefined);
    await runJob('ops.test-failing', async () => {
      throw new Error('boom');
    }).catch(() => undefined);
    const res = await request(app).get('/metrics').expect(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    for (const name of [
      'tss_http_request_duration_seconds_bucket',
      'tss_db_command_duration_seconds_bucket',
      'tss_job_runs_total',
      'tss_job_duration_seconds_bucket',
      'tss_queue_length',
      'tss_store_up',
      'tss_store_ping_seconds',
      'process_cpu_seconds_total',
      'nodejs_eventloop_lag_seconds',
    ]) {
      expect(res.text).toContain(name);
    }
    expect(sample(res.text, /^tss_store_up /)).toBe(1);
    expect(sample(res.text, /^tss_store_ping_seconds /)).toBeGreaterThan(0);
    expect(sample(res.text, /^tss_job_runs_total\{job="ops\.test-ok",outcome="ok"\}/)).toBe(1);
    expect(sample(res.text, /^tss_job_runs_total\{job="ops\.test-failing",outcome="failed"\}/)).toBe(1);
    // the database latency of the queries the app made (the store's ping among them)
    expect(sample(res.text, /^tss_db_command_duration_seconds_count\{command="find",outcome="ok"\}/)).toBeGreaterThan(0);
    // reports' background exports (src/reports feature.queues)
    expect(sample(res.text, /^tss_queue_length\{queue="exports_waiting"\}/)).toBe(0);
    // the outbox's emails (src/notifications feature.queues)
    expect(sample(res.text, /^tss_queue_length\{queue="outbox_waiting"\}/)).toBeGreaterThanOrEqual(0);
    expect(sample(res.text, /^tss_queue_length\{queue="outbox_sending"\}/)).toBeGreaterThanOrEqual(0);
  });

  it('when a loopback request carries X-Forwarded-For (relayed by the local proxy, or forged), should answer 404', async () => {
    for (const [header, value] of [['X-Forwarded-For', '127.0.0.1'], ['Forwarded', 'for=127.0.0.1'], ['X-Real-IP', '127.0.0.1']]) {
      const res = await request(app).get('/metrics').set(header!, value!).expect(404);
      expect(res.text).not.toContain('tss_');
    }
  });

  it('when the bearer token is right, should answer 200 even through a proxy; when wrong or absent, 404', async () => {
    await request(app).get('/metrics').set('X-Forwarded-For', '203.0.113.9').set('Authorization', `Bearer ${TOKEN}`).expect(200);
    await request(app).get('/metrics').set('X-Forwarded-For', '203.0.113.9').set('Authorization', `Bearer ${TOKEN}x`).expect(404);
    await request(app).get('/metrics').set('X-Forwarded-For', '203.0.113.9').set('Authorization', `Bearer ${TOKEN.slice(1)}`).expect(404);
    await request(app).get('/metrics').set('X-Forwarded-For', '203.0.113.9').set('Authorization', TOKEN).expect(404);
    // a wrong token is refused even from loopback, where no token is needed
    await request(app).get('/metrics').set('Authorization', 'Bearer wrong').expect(404);
  });

  it('should decide by the socket\'s address and headers only, never by a forwarded address', () => {
    const h = (headers: Record<string, string> = {}) => headers;
    expect(metricsAllowed({ remoteAddress: '127.0.0.1', headers: h() }, undefined)).toBe(true);
    expect(metricsAllowed({ remoteAddress: '::1', headers: h() }, undefined)).toBe(true);
    expect(metricsAllowed({ remoteAddress: '::ffff:127.0.0.1', headers: h() }, undefined)).toBe(true);
    // a remote address claiming to be loopback in a header
    expect(metricsAllowed({ remoteAddress: '203.0.113.5', headers: h({ 'x-forwarded-for': '127.0.0.1' }) }, undefined)).toBe(false);
    expect(metricsAllowed({ remoteAddress: '203.0.113.5', headers: h() }, undefined)).toBe(false);
    expect(metricsAllowed({ remoteAddress: '10.0.0.7', headers: h() }, TOKEN)).toBe(false);
    expect(metricsAllowed({ remoteAddress: '::ffff:128.0.0.1', headers: h() }, undefined)).toBe(false);
    expect(metricsAllowed({ remoteAddress: undefined, headers: h() }, undefined)).toBe(false);
    expect(metricsAllowed({ remoteAddress: '10.0.0.7', headers: h({ authorization: `Bearer ${TOKEN}` }) }, TOKEN)).toBe(true);
    // no token configured: a bearer header opens nothing
    expect(metricsAllowed({ remoteAddress: '10.0.0.7', headers: h({ authorization: 'Bearer ' }) }, undefined)).toBe(false);
  });

  const outside = Object.values(os.networkInterfaces()).flat().find((i) => i && i.family === 'IPv4' && !i.internal);
  (outside ? it : it.skip)(`when asked over a real socket on a non-loopback interface (${outside?.address ?? 'none here'}), should answer 404 even with X-Forwarded-For: 127.0.0.1, and 200 with the token`, async () => {
    const server = http.createServer(app);
    await new Promise<void>((resolve) => server.listen(0, outside!.address, resolve));
    const base = `http://${outside!.address}:${(server.address() as AddressInfo).port}`;
    try {
      await request(base).get('/metrics').expect(404);
      await request(base).get('/metrics').set('X-Forwarded-For', '127.0.0.1').expect(404);
      await request(base).get('/metrics').set('Authorization', `Bearer ${TOKEN}`).expect(200);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

describe('what /metrics counts', () => {
  it('when pages with ids in their address are asked for, should label them by the route\'s pattern, and unknown addresses as unmatched', async () => {
    for (const serial of ['TSS-AAAA-1111', 'TSS-BBBB-2222', 'TSS-CCCC-3333']) await request(app).get(`/verify/${serial}`);
    await request(app).get('/no-such-page-8f3a').expect(404);
    const text = (await request(app).get('/metrics').expect(200)).text;
    expect(text).toMatch(/tss_http_request_duration_seconds_count\{method="GET",route="\/verify\/:serial",status="[2-5]xx"\} 3/);
    expect(text).toMatch(/tss_http_request_duration_seconds_count\{method="GET",route="unmatched",status="4xx"\} [1-9]/);
    expect(text).not.toContain('TSS-AAAA-1111');
    expect(text).not.toContain('no-such-page-8f3a');
  });
});
