/** The background exports' queue as /metrics shows it (reports' `queues` in its feature descriptor). */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import request from 'supertest';
import { exportLimits, reportsFeature, workOnExports } from '../../src/reports';
import { testApp } from '../helpers/app';
import { useTestDatabase } from '../helpers/db';
import { createTree, createUser, csrfToken, signedInAgent } from '../helpers/factories';

useTestDatabase(__filename);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tss-export-queues-'));
const saved = exportLimits.inlineMaxPeople;

afterAll(() => {
  exportLimits.inlineMaxPeople = saved;
  fs.rmSync(dir, { recursive: true, force: true });
});

it('when an export is asked for and then prepared, should count it as waiting, then no longer', async () => {
  await createTree();
  const app = testApp();
  for (let i = 0; i < 3; i++) await createUser('volunteer', 'T-HN');
  const admin = await signedInAgent(app, (await createUser('admin', 'TW')).user.username);
  exportLimits.inlineMaxPeople = 1;
  expect(await reportsFeature.queues!()).toEqual({ exports_waiting: 0, exports_running: 0 });

  const _csrf = await csrfToken(admin, '/reports/exports');
  await admin.post('/reports/exports').type('form').send({ _csrf, unit: 'TW', format: 'csv' }).expect(303);
  expect(await reportsFeature.queues!()).toEqual({ exports_waiting: 1, exports_running: 0 });
  expect((await request(app).get('/metrics').expect(200)).text).toMatch(/^tss_queue_length\{queue="exports_waiting"\} 1$/m);

  expect(await workOnExports(dir, pino({ level: 'silent' }))).toBe(true);
  expect(await reportsFeature.queues!()).toEqual({ exports_waiting: 0, exports_running: 0 });
});
