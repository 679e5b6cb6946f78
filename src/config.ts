/**
 * The only reader of process.env. Every variable of the contract is validated here
 * at start, and a bad one is named with a sentence saying what is expected.
 */
import { isIP } from 'node:net';
import path from 'node:path';
import { z } from 'zod';
import { projectRoot } from './shared/paths';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** `no-reply@host` or `Name <no-reply@host>` (no line breaks: it becomes a header). */
const MAIL_FROM_RE = /^(?:[^<>\r\n]{1,100} <[^\s<>@]+@[^\s<>@]+\.[^\s<>@]+>|[^\s<>@]+@[^\s<>@]+\.[^\s<>@]+)$/;

const emptyToUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);

const envSchema = z.object({
  NODE_ENV: z.preprocess(emptyToUndefined, z.enum(['development', 'production', 'test'], {
    error: 'must be development, production or test',
  }).default('development')),
  PORT: z.preprocess(emptyToUndefined, z.coerce.number({ error: 'must be a whole number from 0 to 65535' })
    .int('must be a whole number from 0 to 65535')
    .min(0, 'must be a whole number from 0 to 65535')
    .max(65535, 'must be a whole number from 0 to 65535')
    .default(3000)),
  MONGODB_URI: z.preprocess(emptyToUndefined, z.string()
    .regex(/^mongodb(\+srv)?:\/\/\S+$/, 'must be a MongoDB connection string starting with mongodb:// or mongodb+srv://')
    .optional()),
  DATA_DIR: z.preprocess(emptyToUndefined, z.string().default('./data')),
  BASE_URL: z.preprocess(emptyToUndefined, z.url({ protocol: /^https?$/, error: 'must be an absolute http(s) URL such as https://tiepsucso.example.vn' })
    .optional()),
  SESSION_SECRET: z.preprocess(emptyToUndefined, z.string()
    .min(32, 'must be at least 32 characters long')
    .optional()),
  DEFAULT_LOCALE: z.preprocess(emptyToUndefined, z.enum(['vi', 'en'], { error: 'must be vi or en' }).default('vi')),
  LOG_LEVEL: z.preprocess(emptyToUndefined, z.enum(LOG_LEVELS, { error: `must be one of ${LOG_LEVELS.join(', ')}` }).default('info')),
  STORE_CACHE_DIR: z.preprocess(emptyToUndefined, z.string().optional()),
  TRUST_PROXY: z.preprocess(emptyToUndefined, z.string().refine(validTrustProxy, {
    error: 'must name the reverse proxy in front of the app: loopback, an address or subnet (10.0.0.5, 10.0.0.0/8), a comma-separated list of these, or a number of hops',
  }).optional()),
  SMTP_URL: z.preprocess(emptyToUndefined, z.url({ protocol: /^smtps?$/, error: 'must be an SMTP URL such as smtp://user:password@mail.example.vn:587 (or smtps://… for port 465); leave it unset to send no email' })
    .optional()),
  MAIL_FROM: z.preprocess(emptyToUndefined, z.string().regex(MAIL_FROM_RE, 'must be an email address, or a name and an address such as Tiếp sức số <no-reply@tiepsucso.example.vn>')
    .optional()),
  METRICS_TOKEN: z.preprocess(emptyToUndefined, z.string()
    .min(32, 'must be at least 32 characters long (e.g. `openssl rand -hex 32`)')
    .regex(/^[\x21-\x7e]+$/, 'must be printable ASCII without spaces')
    .optional()),
  PATH: z.string().optional(),
});

/** Who emails are from: an address, or `Name <address>`. */
function mailFromOf(from: string | undefined, baseUrl: string): string {
  return from ?? `Tiếp sức số <no-reply@${new URL(baseUrl).hostname}>`;
}

/** `TRUST_PROXY`: Express's names for address ranges, addresses and subnets, or a hop count. */
function validTrustProxy(value: string): boolean {
  if (/^\d{1,2}$/.test(value.trim())) return true;
  return value.split(',').every((part) => {
    const p = part.trim();
    if (['loopback', 'linklocal', 'uniquelocal'].includes(p)) return true;
    const [address, bits, extra] = p.split('/');
    if (extra !== undefined || !address) return false;
    const family = isIP(address);
    if (!family) return false;
    return bits === undefined || (/^\d{1,3}$/.test(bits) && Number(bits) <= (family === 4 ? 32 : 128));
  });
}

export type Locale = 'vi' | 'en';

export interface Config {
  env: 'development' | 'production' | 'test';
  port: number;
  /** Set when an existing MongoDB is used; unset means the embedded store. */
  mongodbUri: string | undefined;
  dataDir: string;
  baseUrl: string;
  /** Served over https (BASE_URL says so): cookies are Secure, HSTS is sent. */
  https: boolean;
  sessionSecret: string;
  defaultLocale: Locale;
  logLevel: (typeof LOG_LEVELS)[number];
  /** Where the embedded store's binary is built and cached (outside git). */
  storeCacheDir: string;
  /** Where to look for `go` when the embedded store must be built. */
  searchPath: string | undefined;
  /**
   * Which proxy's `X-Forwarded-For` to believe (Express's `trust proxy`): false unless
   * TRUST_PROXY names it, so that no client can choose the address limits count by.
   */
  trustProxy: string | number | false;
  /**
   * How email leaves (src/notifications): `smtp` when SMTP_URL is set; else `log` in development
   * (each email written to the log) and `none` otherwise (emails are suppressed, the inbox works).
   */
  mail: { channel: 'smtp' | 'log' | 'none'; smtpUrl: string | undefined; from: string };
  /**
   * A bearer token that opens `GET /metrics` from another host; unset, only a direct connection
   * from this host (loopback, not through a proxy) may read it.
   */
  metricsToken: string | undefined;
}

export class ConfigError extends Error {
  constructor(public readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Validates the environment; throws ConfigError naming every bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = envSchema.safeParse(env);
  const problems: string[] = [];
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const name = String(issue.path[0] ?? 'environment');
      // an SMTP URL carries a password: never echoed
      const shown = name === 'SMTP_URL' ? '(not shown)' : JSON.stringify(env[name] ?? '');
      problems.push(`${name}=${shown}: ${issue.message}`);
    }
    throw new ConfigError(problems);
  }
  const v = parsed.data;
  if (v.NODE_ENV === 'production' && !v.SESSION_SECRET) {
    problems.push('SESSION_SECRET: is required when NODE_ENV=production (at least 32 random characters)');
  }
  if (problems.length > 0) throw new ConfigError(problems);

  return {
    env: v.NODE_ENV,
    port: v.PORT,
    mongodbUri: v.MONGODB_URI,
    dataDir: path.resolve(projectRoot, v.DATA_DIR),
    baseUrl: (v.BASE_URL ?? `http://localhost:${v.PORT}`).replace(/\/+$/, ''),
    https: (v.BASE_URL ?? '').startsWith('https:'),
    // Outside production a fixed development secret is acceptable: sessions of a
    // demo on one machine. Production refuses to start without a real one (above).
    sessionSecret: v.SESSION_SECRET ?? 'development-only-secret-not-for-production-use',
    defaultLocale: v.DEFAULT_LOCALE,
    logLevel: v.LOG_LEVEL,
    storeCacheDir: path.resolve(projectRoot, v.STORE_CACHE_DIR ?? '.cache/ferretdb'),
    searchPath: v.PATH,
    mail: {
      channel: v.SMTP_URL ? 'smtp' : v.NODE_ENV === 'development' ? 'log' : 'none',
      smtpUrl: v.SMTP_URL,
      from: mailFromOf(v.MAIL_FROM, (v.BASE_URL ?? `http://localhost:${v.PORT}`)),
    },
    metricsToken: v.METRICS_TOKEN,
    trustProxy: v.TRUST_PROXY === undefined ? false : /^\d+$/.test(v.TRUST_PROXY.trim()) ? Number(v.TRUST_PROXY.trim()) : v.TRUST_PROXY.split(',').map((p) => p.trim()).join(','),
  };
}
