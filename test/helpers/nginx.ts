/**
 * nginx in front of app processes, on loopback, with the site file of deploy/nginx/ as it is
 * installed (only its ports, listen lines, TLS lines and cache path replaced): the two-process
 * test and bench/proxy.ts run the proxy settings the operators get. Its own prefix, config,
 * logs and temporary files under a temporary directory; works as root and as another user.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

export const SITE_FILE = path.resolve(__dirname, '..', '..', 'deploy', 'nginx', 'tiep-suc-so.conf');

export interface Nginx {
  port: number;
  dir: string;
  child: ChildProcess;
  /** nginx's error log so far (why a request failed). */
  errorLog(): string;
  stop(): Promise<void>;
}

/** A free TCP port on loopback (free when asked: the caller binds it right away). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

/** The nginx binary, or an error saying how to install it (CI installs it; the test does not skip). */
export function nginxBinary(): string {
  for (const p of ['/usr/sbin/nginx', '/usr/local/sbin/nginx', '/usr/bin/nginx']) if (fs.existsSync(p)) return p;
  const which = spawnSync('sh', ['-c', 'command -v nginx'], { encoding: 'utf8' });
  if (which.status === 0 && which.stdout.trim()) return which.stdout.trim();
  throw new Error('nginx is not installed: the two-process test and bench/proxy.ts need it (Debian: apt-get install nginx)');
}

/** The site file, made to listen on 127.0.0.1:`port` in front of `upstreams`, its cache under `dir`. */
export function siteFor(upstreams: number[], port: number, dir: string): string {
  const site = fs.readFileSync(SITE_FILE, 'utf8');
  const withoutRedirect = site.replace(/# BEGIN http-redirect[\s\S]*?# END http-redirect\n/, '');
  const servers = upstreams.map((p) => `    server 127.0.0.1:${p} max_fails=1 fail_timeout=10s;`).join('\n');
  const out = withoutRedirect
    .split('\n')
    .filter((line) => !/^\s*(listen|ssl_\w+)\s/.test(line))
    .join('\n')
    .replace(/(\n\s*server 127\.0\.0\.1:\d+[^\n]*)+/, `\n${servers}`)
    .replace(/server_name tiepsucso\.example\.vn;/, `server_name tiepsucso.example.vn;\n    listen 127.0.0.1:${port};`)
    .replace('/var/cache/nginx/tiep-suc-so', path.join(dir, 'cache'));
  if (!out.includes(`listen 127.0.0.1:${port};`) || !out.includes(servers)) throw new Error(`${SITE_FILE} no longer has the shape siteFor() expects`);
  return out;
}

function mainConfig(dir: string): string {
  const p = (name: string) => path.join(dir, name);
  return [
    'worker_processes 1;',
    `error_log ${p('error.log')} warn;`,
    'events { worker_connections 1024; }',
    'http {',
    `  access_log ${p('access.log')};`,
    `  client_body_temp_path ${p('client_body')};`,
    `  proxy_temp_path ${p('proxy')};`,
    `  fastcgi_temp_path ${p('fastcgi')};`,
    `  uwsgi_temp_path ${p('uwsgi')};`,
    `  scgi_temp_path ${p('scgi')};`,
    '  default_type application/octet-stream;',
    `  include ${p('site.conf')};`,
    '}',
    '',
  ].join('\n');
}

async function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ host: '127.0.0.1', port }, () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

/** Starts nginx (in the foreground, as its own child) in front of the app processes on `upstreams`. */
export async function startNginx(upstreams: number[]): Promise<Nginx> {
  const binary = nginxBinary();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tss-nginx-'));
  fs.chmodSync(dir, 0o755); // as root, nginx's workers run as an unprivileged user and need to reach their temporary paths
  const port = await freePort();
  fs.writeFileSync(path.join(dir, 'site.conf'), siteFor(upstreams, port, dir));
  fs.writeFileSync(path.join(dir, 'nginx.conf'), mainConfig(dir));
  const child = spawn(binary, ['-p', dir, '-c', path.join(dir, 'nginx.conf'), '-g', `daemon off; pid ${path.join(dir, 'nginx.pid')};`], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const errorLog = () => {
    try {
      return fs.readFileSync(path.join(dir, 'error.log'), 'utf8');
    } catch {
      return '';
    }
  };
  const deadline = Date.now() + 30_000; // a limit for a hang, not a speed target
  while (!(await accepts(port))) {
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`nginx did not start:\n${output}\n${errorLog()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    port,
    dir,
    child,
    errorLog,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
