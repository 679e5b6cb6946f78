import request from 'supertest';
import { testApp } from '../helpers/app';
import { useTestDatabase } from '../helpers/db';
import { csrfToken } from '../helpers/factories';

useTestDatabase(__filename);

let app: ReturnType<typeof testApp>;
beforeAll(() => {
  app = testApp({
  extraRoutes: (a) => {
    a.get('/boom', () => {
      throw new Error('secret internal detail');
    });
  },
  });
});

/** POST /lang as a browser does: with the session's CSRF token. */
async function postLang(body: Record<string, unknown>, headers: Record<string, string> = {}) {
  const agent = request.agent(app);
  const _csrf = await csrfToken(agent, '/');
  return agent.post('/lang').set(headers).type('form').send({ _csrf, ...body });
}

describe('GET / — language negotiation', () => {
  it('when no language is asked for, should render in Vietnamese with <html lang="vi">', async () => {
    const res = await request(app).get('/').expect(200);
    expect(res.text).toContain('<html lang="vi">');
    expect(res.text).toContain('Học để hỗ trợ người dân tốt hơn');
    expect(res.text).toContain('href="/login"');
  });

  it('when Accept-Language prefers English, should render in English', async () => {
    const res = await request(app).get('/').set('Accept-Language', 'en-US,en;q=0.9').expect(200);
    expect(res.text).toContain('<html lang="en">');
    expect(res.text).toContain('Learn to help people better');
    expect(res.text).toContain('240,000+');
  });

  it('when Accept-Language names only unsupported languages, should use the default (Vietnamese)', async () => {
    const res = await request(app).get('/').set('Accept-Language', 'fr-FR,de;q=0.5').expect(200);
    expect(res.text).toContain('<html lang="vi">');
    expect(res.text).toContain('240.000+');
  });

  it('when DEFAULT_LOCALE is en and nothing is asked, should render in English', async () => {
    const res = await request(testApp({ env: { DEFAULT_LOCALE: 'en' } })).get('/').expect(200);
    expect(res.text).toContain('<html lang="en">');
  });

  it('when the user chose a language, the cookie should win over Accept-Language', async () => {
    const res = await request(app).get('/').set('Accept-Language', 'vi').set('Cookie', 'lang=en').expect(200);
    expect(res.text).toContain('<html lang="en">');
  });

  it('when the cookie holds an unknown language, should ignore it', async () => {
    const res = await request(app).get('/').set('Cookie', 'lang=xx').set('Accept-Language', 'en').expect(200);
    expect(res.text).toContain('<html lang="en">');
  });
});

describe('POST /lang — the language switch', () => {
  it('when English is chosen, should set the cookie and go back to the page', async () => {
    const res = await postLang({ lang: 'en', next: '/some/page?x=1' });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/some/page?x=1');
    expect(res.headers['set-cookie']).toContainEqual(expect.stringMatching(/^lang=en;.*HttpOnly; SameSite=Lax/));
  });

  it.each(['//evil.example/x', 'https://evil.example/', '/\\evil.example', 'javascript:alert(1)'])(
    'when next is %s, should redirect home instead',
    async (next) => {
      const res = await postLang({ lang: 'vi', next });
      expect(res.status).toBe(303);
      expect(res.headers.location).toBe('/');
    },
  );

  it('when the language is not supported, should answer 400 with a message in the current language', async () => {
    const res = await postLang({ lang: 'fr' }, { 'Accept-Language': 'en' });
    expect(res.status).toBe(400);
    expect(res.text).toContain('Invalid input');
    expect(res.headers['set-cookie'] ?? []).not.toContainEqual(expect.stringMatching(/^lang=/));
  });

  it('when the body is an operator object, should answer 400', async () => {
    const agent = request.agent(app);
    const _csrf = await csrfToken(agent, '/');
    await agent.post('/lang').send({ _csrf, lang: { $ne: null } }).expect(400);
  });

  it('when the CSRF token is missing, should answer 403 and change nothing', async () => {
    const res = await request(app).post('/lang').type('form').send({ lang: 'en' }).expect(403);
    expect(res.headers['set-cookie'] ?? []).not.toContainEqual(expect.stringMatching(/^lang=/));
    // The page in the user's language, with the site's layout (not a bare line of text).
    expect(res.headers['content-type']).toMatch(/text\/html/);
    expect(res.text).toContain('<title>Không được phép · Tiếp sức số</title>');
  });

  it('when a language that does not exist is chosen, should say so', async () => {
    const agent = request.agent(app);
    const _csrf = await csrfToken(agent, '/');
    const res = await agent.post('/lang').type('form').send({ _csrf, lang: 'fr' }).expect(400);
    expect(res.text).toContain('Ngôn ngữ không được hỗ trợ');
  });

  it('when the JSON body is malformed, should answer 400, not 500', async () => {
    await request(app).post('/lang').set('Content-Type', 'application/json').send('{"lang":').expect(400);
  });

  it('when the body is too large, should answer 413', async () => {
    const res = await postLang({ lang: 'vi', next: 'x'.repeat(200_000) });
    expect(res.status).toBe(413);
    expect(res.text).toContain('Dữ liệu quá lớn');
  });
});

describe('error pages', () => {
  it('when a page does not exist, should answer a 404 page in Vietnamese', async () => {
    const res = await request(app).get('/khong-co').expect(404);
    expect(res.text).toContain('Không tìm thấy trang');
    expect(res.text).toContain('<html lang="vi">');
  });

  it('when a page does not exist and English is asked, should answer a 404 page in English', async () => {
    const res = await request(app).get('/nope').set('Accept-Language', 'en').expect(404);
    expect(res.text).toContain('Page not found');
  });

  it('when an API client asks for JSON, should answer the error as JSON', async () => {
    const res = await request(app).get('/nope').set('Accept', 'application/json').expect(404);
    expect(res.body).toEqual({ error: 'notFound', message: expect.any(String) });
  });

  it('when a handler throws, should answer a 500 page with a reference and no stack or detail', async () => {
    const res = await request(app).get('/boom').set('Accept-Language', 'en').expect(500);
    expect(res.text).toContain('Something went wrong');
    expect(res.text).not.toContain('secret internal detail');
    expect(res.text).not.toMatch(/at \S+ \(.*:\d+:\d+\)/);
    expect(res.text).toContain(res.headers['x-request-id']);
  });

  it('when a handler throws and Vietnamese is used, should answer the 500 page in Vietnamese', async () => {
    const res = await request(app).get('/boom').expect(500);
    expect(res.text).toContain('Đã có lỗi xảy ra');
  });
});

describe('every response', () => {
  it('should carry a request id, a strict CSP and no X-Powered-By', async () => {
    const res = await request(app).get('/').expect(200);
    expect(res.headers['x-request-id']).toMatch(/^[\w-]{8,}$/);
    expect(res.headers['content-security-policy']).toContain("default-src 'self'");
    expect(res.headers['x-powered-by']).toBeUndefined();
  });

  it('when a client sends its own request id, should keep a safe one and replace an unsafe one', async () => {
    const kept = await request(app).get('/').set('X-Request-Id', 'abc-123').expect(200);
    expect(kept.headers['x-request-id']).toBe('abc-123');
    const replaced = await request(app).get('/').set('X-Request-Id', '<script>').expect(200);
    expect(replaced.headers['x-request-id']).not.toBe('<script>');
  });

  it('should serve the stylesheet from this host', async () => {
    const res = await request(app).get('/static/app.css').expect(200);
    expect(res.headers['content-type']).toMatch(/text\/css/);
  });
});
