import path from 'node:path';
import { ConfigError, loadConfig } from '../../src/config';
import { projectRoot } from '../../src/shared/paths';

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  return [];
}

describe('loadConfig', () => {
  it('when nothing is set, should use the contract defaults', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({
      env: 'development',
      port: 3000,
      mongodbUri: undefined,
      dataDir: path.join(projectRoot, 'data'),
      baseUrl: 'http://localhost:3000',
      defaultLocale: 'vi',
      logLevel: 'info',
    });
  });

  it('when every variable is valid, should use them', () => {
    const c = loadConfig({
      PORT: '8080',
      MONGODB_URI: 'mongodb://db1:27017,db2:27017/tss?replicaSet=rs0',
      DATA_DIR: '/var/lib/tss',
      BASE_URL: 'https://tiepsucso.example.vn/',
      SESSION_SECRET: 'x'.repeat(40),
      DEFAULT_LOCALE: 'en',
      LOG_LEVEL: 'warn',
      NODE_ENV: 'production',
      METRICS_TOKEN: 't'.repeat(40),
    });
    expect(c).toMatchObject({
      metricsToken: 't'.repeat(40),
      port: 8080,
      mongodbUri: 'mongodb://db1:27017,db2:27017/tss?replicaSet=rs0',
      dataDir: '/var/lib/tss',
      baseUrl: 'https://tiepsucso.example.vn',
      defaultLocale: 'en',
      logLevel: 'warn',
      env: 'production',
    });
  });

  it.each([
    ['PORT', 'abc', /PORT="abc": must be a whole number/],
    ['PORT', '70000', /PORT="70000": must be a whole number/],
    ['MONGODB_URI', 'postgres://x', /MONGODB_URI=.*must be a MongoDB connection string/],
    ['BASE_URL', 'not a url', /BASE_URL=.*absolute http\(s\) URL/],
    ['BASE_URL', 'ftp://x.example', /BASE_URL=.*absolute http\(s\) URL/],
    ['DEFAULT_LOCALE', 'fr', /DEFAULT_LOCALE="fr": must be vi or en/],
    ['LOG_LEVEL', 'loud', /LOG_LEVEL="loud": must be one of/],
    ['SESSION_SECRET', 'short', /SESSION_SECRET=.*at least 32 characters/],
    ['METRICS_TOKEN', 'short', /METRICS_TOKEN=.*at least 32 characters/],
    ['METRICS_TOKEN', `${'x'.repeat(32)} y`, /METRICS_TOKEN=.*printable ASCII without spaces/],
  ])('when %s is %s, should name it and say what is expected', (name, value, message) => {
    const problems = problemsOf({ [name]: value });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(message);
  });

  it('when several variables are wrong, should report each of them at once', () => {
    const problems = problemsOf({ PORT: '-1', DEFAULT_LOCALE: 'de', LOG_LEVEL: 'x' });
    expect(problems.map((p) => p.split('=')[0])).toEqual(['PORT', 'DEFAULT_LOCALE', 'LOG_LEVEL']);
  });

  it('when NODE_ENV is production without SESSION_SECRET, should refuse', () => {
    expect(problemsOf({ NODE_ENV: 'production' })).toEqual([expect.stringMatching(/^SESSION_SECRET: is required when NODE_ENV=production/)]);
  });

  it('when a variable is set but empty, should treat it as unset', () => {
    expect(loadConfig({ PORT: '', MONGODB_URI: '' })).toMatchObject({ port: 3000, mongodbUri: undefined });
  });

  it('when SMTP_URL and MAIL_FROM are set, unset or wrong, should choose the mail channel and name a bad one without echoing the URL', () => {
    const base = { NODE_ENV: 'test', PATH: '' };
    expect(loadConfig({ ...base, SMTP_URL: 'smtp://u:p@mail.example.vn:587', BASE_URL: 'https://ts.example.vn' }).mail).toEqual({ channel: 'smtp', smtpUrl: 'smtp://u:p@mail.example.vn:587', from: 'Tiếp sức số <no-reply@ts.example.vn>' });
    expect(loadConfig(base).mail.channel).toBe('none');
    expect(loadConfig({ ...base, NODE_ENV: 'development' }).mail.channel).toBe('log');
    expect(loadConfig({ ...base, MAIL_FROM: 'Đoàn TN <doan@example.vn>' }).mail.from).toBe('Đoàn TN <doan@example.vn>');
    const bad = () => loadConfig({ ...base, SMTP_URL: 'http://u:secret-pass@mail', MAIL_FROM: 'no address' });
    expect(bad).toThrow(ConfigError);
    expect(bad).toThrow(/SMTP_URL=\(not shown\): must be an SMTP URL/);
    expect(bad).toThrow(/MAIL_FROM="no address": must be an email address/);
    expect(bad).not.toThrow(/secret-pass/);
  });

  it('when BASE_URL is unset, should derive it from PORT', () => {
    expect(loadConfig({ PORT: '4000' }).baseUrl).toBe('http://localhost:4000');
  });
});
