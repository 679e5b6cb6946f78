/**
 * Regression tests for holes found by abuse testing (issue 15): each fails on the code before its fix.
 */
import request from 'supertest';
import { testApp } from '../helpers/app';
import { useTestDatabase } from '../helpers/db';
import { createTree, createUser, csrfToken, signedInAgent, TEST_PASSWORD } from '../helpers/factories';
import { loadConfig, ConfigError } from '../../src/config';

useTestDatabase(__filename);

beforeAll(async () => {
  await createTree();
});

async function login(agent: request.Agent, username: string, password: string, forwardedFor?: string) {
  const _csrf = await csrfToken(agent);
  const req = agent.post('/login').type('form');
  if (forwardedFor) req.set('X-Forwarded-For', forwardedFor);
  return req.send({ _csrf, username, password });
}

describe('sign-in limits', () => {
  it('when 20 wrong passwords arrive at once, should check at most the limit of them', async () => {
    const app = testApp({ loginLimits: { perUserIp: { points: 5, durationSec: 600 }, perIp: { points: 1000, durationSec: 600 } } });
    const { user } = await createUser('volunteer', 'T-HN');
    const agents = await Promise.all(Array.from({ length: 20 }, async () => {
      const agent = request.agent(app);
      return { agent, _csrf: await csrfToken(agent) };
    }));
    const statuses = await Promise.all(agents.map(({ agent, _csrf }) => agent.post('/login').type('form').send({ _csrf, username: user.username, password: 'wrong-guess-123' }).then((r) => r.status)));
    expect(statuses.filter((s) => s === 401).length).toBeLessThanOrEqual(5);
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(15);
    expect(statuses.every((s) => s === 401 || s === 429)).toBe(true);
  });

  it('when no proxy is configured, should ignore X-Forwarded-For: a locked account stays locked', async () => {
    const app = testApp({ loginLimits: { perUserIp: { points: 2, durationSec: 600 }, perIp: { points: 1000, durationSec: 600 } } });
    const { user } = await createUser('volunteer', 'T-HN');
    for (let i = 0; i < 2; i++) expect((await login(request.agent(app), user.username, 'wrong-guess-123')).status).toBe(401);
    expect((await login(request.agent(app), user.username, TEST_PASSWORD)).status).toBe(429);
    expect((await login(request.agent(app), user.username, TEST_PASSWORD, '198.51.100.23')).status).toBe(429);
  });

  it('when TRUST_PROXY names the proxy, should count by the forwarded address; a bad value is refused at start', async () => {
    const app = testApp({ env: { TRUST_PROXY: 'loopback' }, loginLimits: { perUserIp: { points: 2, durationSec: 600 }, perIp: { points: 1000, durationSec: 600 } } });
    const { user } = await createUser('volunteer', 'T-HN');
    for (let i = 0; i < 2; i++) expect((await login(request.agent(app), user.username, 'wrong-guess-123', '198.51.100.7')).status).toBe(401);
    expect((await login(request.agent(app), user.username, TEST_PASSWORD, '198.51.100.7')).status).toBe(429);
    expect((await login(request.agent(app), user.username, TEST_PASSWORD, '198.51.100.8')).status).toBe(303);
    expect(() => loadConfig({ NODE_ENV: 'test', TRUST_PROXY: 'everyone' })).toThrow(ConfigError);
    expect(loadConfig({ NODE_ENV: 'test', TRUST_PROXY: '10.0.0.0/8, 127.0.0.1' }).trustProxy).toBe('10.0.0.0/8,127.0.0.1');
    expect(loadConfig({ NODE_ENV: 'test' }).trustProxy).toBe(false);
  });
});

describe('sessions and caching', () => {
  it('when a person changes their password, should end their other sessions and keep this one', async () => {
    const app = testApp();
    const { user } = await createUser('volunteer', 'T-HN');
    const phone = await signedInAgent(app, user.username);
    const laptop = await signedInAgent(app, user.username);
    await phone.get('/account').expect(200);
    const _csrf = await csrfToken(laptop, '/account/password');
    const changed = await laptop.post('/account/password').type('form').send({ _csrf, currentPassword: TEST_PASSWORD, newPassword: 'Another-Good-Pass-77', confirmPassword: 'Another-Good-Pass-77' });
    expect(changed.status).toBe(303);
    expect((await laptop.get('/account')).status).toBe(200);
    const after = await phone.get('/account');
    expect(after.status).toBe(303);
    expect(after.headers.location).toMatch(/^\/login/);
  });

  it('should mark signed-in pages no-store and send the security headers on health routes', async () => {
    const app = testApp();
    const { user } = await createUser('volunteer', 'T-HN');
    const agent = await signedInAgent(app, user.username);
    const page = await agent.get('/courses').expect(200);
    expect(page.headers['cache-control']).toBe('no-store');
    for (const path of ['/healthz', '/readyz']) {
      const res = await request(app).get(path).expect(200);
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['content-security-policy']).toContain("default-src 'self'");
      expect(res.headers['cache-control']).toBe('no-store');
    }
  });
});
