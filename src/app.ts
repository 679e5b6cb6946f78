/**
 * Builds the Express app from its dependencies; src/server.ts starts it.
 * Tests call createApp() directly with their own config and database.
 */
import { randomUUID } from 'node:crypto';
import compression from 'compression';
import cookieParser from 'cookie-parser';
import express, { type Express } from 'express';
import helmet from 'helmet';
import type { Logger } from 'pino';
import { pinoHttp } from 'pino-http';
import type { Config } from './config';
import passport from 'passport';
import { findActiveUser } from './accounts';
import { loadCatalog, type Catalog } from './courses';
import { healthRoutes } from './health';
import { metricsRoutes } from './ops';
import { ROSTER_UPLOAD_PATH } from './cohorts';
import { requirePasswordChosen } from './shared/auth';
import { configurePassport } from './shared/passport';
import { csrfLocals, csrfProtection } from './shared/csrf';
import { errorHandler, notFoundHandler } from './shared/error-handler';
import { i18nMiddleware, userLocale } from './shared/i18n';
import { navigation } from './shared/navigation';
import { pageLocals } from './shared/page-locals';
import { publicDir, viewsDir } from './shared/paths';
import { DEFAULT_LOGIN_LIMITS, type LoginLimits } from './shared/rate-limit';
import { absoluteTimeout, sessionMiddleware } from './shared/session';
import { closeConnectionsWhenDraining } from './shared/lifecycle';
import { requestMetrics } from './shared/metrics';
import { FEATURES, navItems, wire } from './wiring';
import type { AppContext } from './feature';

export interface AppDeps {
  config: Config;
  logger: Logger;
  /** Extra routes mounted before the 404 handler (used by tests to provoke errors). */
  extraRoutes?: (app: Express) => void;
  /** Sign-in throttling (tests lower it). */
  loginLimits?: LoginLimits;
  /** The courses (default: content/, loaded and rendered once). */
  catalog?: Catalog;
  /** Public certificate lookups per IP and minute (tests lower it). */
  verifyLimitPerMinute?: number;
}

const REQUEST_ID = /^[\w.-]{1,64}$/;

export function createApp({
  config,
  logger,
  extraRoutes,
  loginLimits = DEFAULT_LOGIN_LIMITS,
  catalog = loadCatalog(),
  verifyLimitPerMinute = 60,
}: AppDeps): Express {
  wire(); // the features' events and listeners (once per process)
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', config.trustProxy);
  app.set('views', viewsDir);
  app.set('view engine', 'ejs');
  if (config.env === 'production') app.set('view cache', true);

  app.use(requestLogging(logger));
  app.use(requestMetrics());
  app.use(closeConnectionsWhenDraining());
  app.use(securityHeaders(config));
  // Liveness and readiness answer before anything that could fail or be slow (with the security headers).
  app.use(healthRoutes());
  app.use(metricsRoutes(config, () => FEATURES));
  app.use(compression());
  app.use('/static', express.static(publicDir, { maxAge: config.env === 'production' ? '7d' : 0, index: false }));
  // Pages are personal or carry a form token: no browser or proxy keeps a copy.
  app.use((_req, res, next) => {
    res.setHeader('Cache-Control', 'no-store');
    next();
  });
  app.use(cookieParser());
  // Language and layout first, so that every refusal after this point (a body too large, a stale
  // CSRF token, an expired session) is a page in the user's language.
  app.use(i18nMiddleware(config.defaultLocale));
  app.use(pageLocals());
  app.use(express.urlencoded({ extended: false, limit: '100kb', parameterLimit: 200 }));
  app.use(express.json({ limit: '100kb' }));

  configurePassport(findActiveUser as (id: string) => Promise<Express.User | null>);
  app.use(sessionMiddleware(config));
  app.use(passport.session());
  app.use(absoluteTimeout());
  app.use(userLocale());
  // Uploads (multipart) are parsed by multer inside their own route, which then checks the
  // token; any other multipart POST is checked here and refused for lack of one. The one-click
  // unsubscribe (RFC 8058) is posted by mail clients, which have no session and no token: it is
  // protected by the signed token in its link instead (src/notifications/token.ts).
  app.use((req, res, next) => ((req.is('multipart/form-data') && ROSTER_UPLOAD_PATH.test(req.path)) || isOneClickUnsubscribe(req) ? next() : csrfProtection(req, res, next)));
  app.use(csrfLocals());
  app.use(requirePasswordChosen);
  app.use(navigation(navItems()));

  mountFeatures(app, { config, catalog, loginLimits, verifyLimitPerMinute });
  extraRoutes?.(app);

  app.use(notFoundHandler);
  app.use(errorHandler);
  return app;
}

/** The RFC 8058 one-click unsubscribe: a POST to exactly `/unsubscribe` (not checked for a CSRF token). */
function isOneClickUnsubscribe(req: express.Request): boolean {
  return req.method === 'POST' && req.path === '/unsubscribe';
}

/** One log line per request, under the caller's request id when it is a sane one. */
function requestLogging(logger: Logger) {
  return pinoHttp({
    logger,
    genReqId: (req, res) => {
      const incoming = req.headers['x-request-id'];
      const id = typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
      res.setHeader('X-Request-Id', id);
      return id;
    },
    // Health probes and metric scrapes every few seconds would drown the log.
    autoLogging: { ignore: (req) => req.url === '/healthz' || req.url === '/readyz' || req.url === '/metrics' },
  });
}

/** The security headers: nothing from another host, no framing, HSTS behind HTTPS. */
function securityHeaders(config: Config) {
  return helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        fontSrc: ["'self'"],
        connectSrc: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        baseUri: ["'none'"],
        objectSrc: ["'none'"],
        ...(config.https ? { upgradeInsecureRequests: [] } : {}),
      },
    },
    strictTransportSecurity: config.https,
  });
}

/** Every feature's routes, in the order they are matched (src/wiring.ts). */
function mountFeatures(app: Express, ctx: AppContext): void {
  for (const feature of FEATURES) for (const router of feature.routes?.(ctx) ?? []) app.use(router);
}
