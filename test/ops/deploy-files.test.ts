/**
 * The files of deploy/ as operators install them: the environment file names and sets every
 * variable the app reads, validly; the nginx site passes `nginx -t` as installed (TLS included,
 * with a throw-away certificate); the units name what the app needs.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../src/config';
import { nginxBinary, SITE_FILE } from '../helpers/nginx';

const root = path.resolve(__dirname, '..', '..');
const read = (file: string) => fs.readFileSync(path.join(root, file), 'utf8');

/** KEY=value lines of an environment file (systemd's EnvironmentFile syntax, no quotes). */
function envFile(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const m = /^([A-Z_][A-Z0-9_]*)=(.*)$/.exec(line);
    if (m) out[m[1]!] = m[2]!;
  }
  return out;
}

describe('deploy files', () => {
  it('when the environment file is read, should mention every variable of src/config.ts and be valid for production', () => {
    const text = read('deploy/env.example');
    const variables = [...read('src/config.ts').matchAll(/^ {2}([A-Z_]+): z\./gm)].map((m) => m[1]!);
    expect(variables).toEqual(expect.arrayContaining(['NODE_ENV', 'MONGODB_URI', 'TRUST_PROXY', 'SESSION_SECRET']));
    for (const v of variables) expect(text).toMatch(new RegExp(`^#?${v}=|\\b${v} is NOT set|^# ${v}\\b`, 'm'));
    const config = loadConfig({ ...envFile(text), PORT: '3001' });
    expect(config.env).toBe('production');
    expect(config.trustProxy).toBe('loopback');
    expect(config.mongodbUri).toBe('mongodb://127.0.0.1:27017/tiepsucso');
    // the store unit serves that port; the app unit takes PORT from its instance name
    expect(read('deploy/tiep-suc-so-store.service')).toMatch(/store:serve --port 27017/);
    expect(read('deploy/tiep-suc-so@.service')).toMatch(/^ExecStart=\/usr\/bin\/env PORT=%i \/usr\/bin\/node --max-old-space-size=\d+ dist\/server\.js$/m);
  });

  it('when the nginx site is installed with a certificate, should pass nginx -t', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tss-nginx-t-'));
    try {
      const cert = path.join(dir, 'cert.pem');
      const key = path.join(dir, 'key.pem');
      const made = spawnSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=tiepsucso.example.vn']);
      expect(made.error ?? made.status).toBe(0); // openssl comes with nginx on Debian (ssl-cert)
      const site = fs.readFileSync(SITE_FILE, 'utf8')
        .replace('/etc/letsencrypt/live/tiepsucso.example.vn/fullchain.pem', cert)
        .replace('/etc/letsencrypt/live/tiepsucso.example.vn/privkey.pem', key)
        .replace('/var/cache/nginx/tiep-suc-so', path.join(dir, 'cache'));
      fs.writeFileSync(path.join(dir, 'site.conf'), site);
      fs.writeFileSync(path.join(dir, 'nginx.conf'), `error_log ${dir}/error.log;\nevents {}\nhttp { include ${dir}/site.conf; }\n`);
      const checked = spawnSync(nginxBinary(), ['-t', '-p', dir, '-c', path.join(dir, 'nginx.conf'), '-g', `pid ${dir}/nginx.pid;`], { encoding: 'utf8' });
      expect(checked.stderr).toMatch(/test is successful/);
      expect(checked.status).toBe(0);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
