/** A signed-in person as the benchmarks drive one: cookies kept, forms posted with their CSRF token. */
export class Client {
  cookie = '';
  constructor(private readonly base: string) {}
  async request(method: string, url: string, form?: Record<string, string>): Promise<{ status: number; location: string | null; text: string }> {
    const res = await fetch(this.base + url, {
      method,
      redirect: 'manual',
      headers: { cookie: this.cookie, ...(form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}) },
      body: form ? new URLSearchParams(form).toString() : undefined,
    });
    const set = res.headers.getSetCookie().find((c) => c.startsWith('tss.sid='));
    if (set) this.cookie = set.split(';')[0]!;
    return { status: res.status, location: res.headers.get('location'), text: await res.text() };
  }
  async csrf(url: string): Promise<string> {
    const m = /name="_csrf" value="([^"]+)"/.exec((await this.request('GET', url)).text);
    if (!m) throw new Error(`no form on ${url}`);
    return m[1]!;
  }
  async signIn(username: string, password: string): Promise<number> {
    const _csrf = await this.csrf('/login');
    const t = performance.now();
    const res = await this.request('POST', '/login', { _csrf, username, password });
    if (res.status !== 303) throw new Error(`sign-in of ${username} answered ${res.status}`);
    return performance.now() - t;
  }
}
