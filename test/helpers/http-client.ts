/**
 * A tiny browser for tests that talk to real processes (several app processes, nginx): one
 * session cookie carried from one address to another, forms posted with the page's CSRF
 * token, and a chosen source address on loopback (127.0.0.2…) to be a different client.
 */
import http from 'node:http';
import { TEST_PASSWORD } from './factories';

export interface Answer {
  status: number;
  text: string;
  location: string | undefined;
  headers: http.IncomingHttpHeaders;
}

export interface RequestOptions {
  form?: Record<string, string | string[]>;
  /** The client's own address (any of 127.0.0.0/8). */
  from?: string;
  headers?: Record<string, string>;
}

export class Client {
  cookie = '';
  csrf = '';

  constructor(readonly from?: string) {}

  /** One request to `base` (http://127.0.0.1:port) with this client's cookie; keeps a cookie it is given. */
  request(base: string, method: 'GET' | 'POST', path: string, opts: RequestOptions = {}): Promise<Answer> {
    const url = new URL(path, base);
    const body = opts.form ? formBody(opts.form) : undefined;
    const headers: Record<string, string> = { Accept: 'text/html', ...opts.headers };
    if (this.cookie) headers.Cookie = this.cookie;
    if (body !== undefined) {
      headers['Content-Type'] = 'application/x-www-form-urlencoded';
      headers['Content-Length'] = String(Buffer.byteLength(body));
    }
    return new Promise((resolve, reject) => {
      const req = http.request(
        { host: url.hostname, port: url.port, path: url.pathname + url.search, method, headers, localAddress: opts.from ?? this.from, agent: false },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const set = res.headers['set-cookie']?.find((c) => c.startsWith('tss.sid='));
            if (set) this.cookie = set.split(';')[0]!;
            resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8'), location: res.headers.location, headers: res.headers });
          });
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  }

  get(base: string, path: string, opts: RequestOptions = {}): Promise<Answer> {
    return this.request(base, 'GET', path, opts);
  }

  /** POSTs a form with this session's CSRF token (read from the last form page). */
  post(base: string, path: string, form: Record<string, string | string[]> = {}, opts: RequestOptions = {}): Promise<Answer> {
    return this.request(base, 'POST', path, { ...opts, form: { _csrf: this.csrf, ...form } });
  }

  /** Reads the CSRF token of the form on `path`. */
  async readToken(base: string, path: string): Promise<void> {
    const page = await this.get(base, path);
    const m = /name="_csrf" value="([^"]+)"/.exec(page.text);
    if (!m) throw new Error(`no CSRF field on ${path} (status ${page.status})`);
    this.csrf = m[1]!;
  }

  /** A sign-in attempt: the login form's token, then the form; the answer of the POST. */
  async tryPassword(base: string, username: string, password: string, opts: RequestOptions = {}): Promise<Answer> {
    await this.readToken(base, '/login');
    return this.post(base, '/login', { username, password }, opts);
  }

  /** Signs in (303 expected) and reads the new session's CSRF token. */
  async signIn(base: string, username: string, password = TEST_PASSWORD): Promise<this> {
    const res = await this.tryPassword(base, username, password);
    if (res.status !== 303) throw new Error(`sign-in of ${username}: ${res.status}`);
    await this.readToken(base, '/courses');
    return this;
  }
}

function formBody(form: Record<string, string | string[]>): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(form)) for (const one of Array.isArray(v) ? v : [v]) params.append(k, one);
  return params.toString();
}

/** The page shows a signed-in person (the header's sign-out form). */
export function signedIn(page: Answer): boolean {
  return page.status === 200 && page.text.includes('action="/logout"');
}

/** One answer per question of an attempt page (`q_<id>` → the first option offered). */
export function firstAnswers(attemptPage: string): Record<string, string> {
  const answers: Record<string, string> = {};
  for (const m of attemptPage.matchAll(/name="(q_[^"]+)"[^>]*value="([^"]+)"/g)) answers[m[1]!] ??= m[2]!;
  return answers;
}
