import { Router } from 'express';
import { pingDatabase } from '../db/connection';
import { lifecycle } from '../shared/lifecycle';

export function healthRoutes(): Router {
  const router = Router();

  // GET /healthz — liveness: the process runs
  router.get('/healthz', (_req, res) => {
    res.set('Cache-Control', 'no-store').json({ status: 'ok' });
  });

  // GET /readyz — readiness: a real query on the app's own pool answers in time (a wedged store is not ready)
  router.get('/readyz', async (_req, res) => {
    res.set('Cache-Control', 'no-store');
    if (lifecycle.draining) {
      res.status(503).json({ status: 'stopping' });
      return;
    }
    const db = await pingDatabase();
    if (db.ok) res.json({ status: 'ready' });
    else res.status(503).json({ status: 'unavailable', reason: db.reason });
  });

  return router;
}
