import { Router } from 'express';
import { pingDatabase } from '../db/connection';

export function healthRoutes(): Router {
  const router = Router();

  // GET /healthz — liveness: the process runs
  router.get('/healthz', (_req, res) => {
    res.set('Cache-Control', 'no-store').json({ status: 'ok' });
  });

  // GET /readyz — readiness: the database answers
  router.get('/readyz', async (_req, res) => {
    const db = await pingDatabase();
    res.set('Cache-Control', 'no-store');
    if (db.ok) res.json({ status: 'ready' });
    else res.status(503).json({ status: 'unavailable', reason: db.reason });
  });

  return router;
}
