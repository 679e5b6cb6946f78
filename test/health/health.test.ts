/**
 * Liveness, readiness, and what pages do while the store is down: this file runs its
 * own embedded store so that it can stop, kill and restart it.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import mongoose, { Schema } from 'mongoose';
import pino from 'pino';
import request from 'supertest';
import { connectMongoose, EmbeddedStore } from '../../src/db';
import { testApp } from '../helpers/app';

const Probe = mongoose.model('HealthProbe', new Schema({ n: Number }));

const logLines: string[] = [];
const logger = pino({ level: 'info' }, { write: (line: string) => logLines.push(line) });
let store: EmbeddedStore;
let dataDir: string;

let app: ReturnType<typeof testApp>;

async function until(check: () => Promise<boolean>, timeoutMs: number): Promise<number> {
  const start = Date.now();
  while (Date.now() - start < timeoutMs) {
    if (await check()) return Date.now() - start;
    await sleep(100);
  }
  throw new Error(`condition not met within ${timeoutMs} ms`);
}

beforeAll(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tss-health-'));
  store = new EmbeddedStore({ binary: process.env.TEST_STORE_BINARY!, dataDir, logger, restart: true });
  await connectMongoose(await store.start(), 'health');
  await Probe.create({ n: 1 });
  app = testApp({
    extraRoutes: (a) => {
      // a page that needs the database, as every feature page will
      a.get('/probe', async (_req, res) => {
        res.send(`count ${await Probe.countDocuments()}`);
      });
    },
  });
});

afterAll(async () => {
  await mongoose.disconnect();
  await store.stop();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

describe('GET /healthz', () => {
  it('when the process runs, should answer 200 {"status":"ok"}', async () => {
    const res = await request(app).get('/healthz').expect(200);
    expect(res.body).toEqual({ status: 'ok' });
  });
});

describe('GET /readyz and pages with the store down and back', () => {
  it('when the store answers, should answer 200', async () => {
    await request(app).get('/readyz').expect(200, { status: 'ready' });
    await request(app).get('/probe').expect(200, 'count 1');
  });

  it('when the store is stopped, a visitor with a session should get a friendly 503 fast, not a hang', async () => {
    const agent = request.agent(app);
    await agent.get('/login').expect(200); // the session (with its CSRF token) is now in the store
    await store.stop();
    await until(async () => (await request(app).get('/readyz')).status === 503, 5000);
    const started = Date.now();
    const res = await agent.get('/login').set('Accept-Language', 'en');
    expect(res.status).toBe(503);
    expect(res.text).toContain('Temporarily unavailable');
    expect(Date.now() - started).toBeLessThan(5000);
    await store.start();
    await until(async () => (await request(app).get('/readyz')).status === 200, 10000);
  });

  it('when the store is stopped, should answer 503 within 5 s, pages a friendly 503 fast, and 200 again once it is back', async () => {
    await store.stop();
    await until(async () => (await request(app).get('/readyz')).status === 503, 5000);
    const ready = await request(app).get('/readyz').expect(503);
    expect(ready.body.status).toBe('unavailable');
    expect(typeof ready.body.reason).toBe('string');

    const started = Date.now();
    const page = await request(app).get('/probe').set('Accept-Language', 'en').expect(503);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(page.text).toContain('Temporarily unavailable');
    expect(page.text).not.toMatch(/at \S+ \(/); // no stack trace
    expect(page.headers['retry-after']).toBe('5');

    await store.start();
    const took = await until(async () => (await request(app).get('/readyz')).status === 200, 10000);
    expect(took).toBeLessThan(10000);
    await request(app).get('/probe').expect(200, 'count 1');
  });

  it('when the store process is killed, should restart it, log that, and serve again', async () => {
    const pid = store.pid!;
    process.kill(pid, 'SIGKILL');
    await until(async () => store.pid !== pid && (await request(app).get('/readyz')).status === 200, 15000);
    await request(app).get('/probe').expect(200, 'count 1');
    const logged = logLines.join('\n');
    expect(logged).toContain('embedded store exited unexpectedly; restarting it');
    expect(logged).toContain('embedded store restarted');
  });
});
