import path from 'node:path';
import { Router } from 'express';
import { z } from 'zod';
import type { Catalog } from '../courses';
import { actorOf } from '../shared/auth';
import { publicDir } from '../shared/paths';
import { requireAbility } from '../shared/permissions';
import { parseParams } from '../shared/validate';
import { offlineManifest } from './offline.service';

const courseParams = z.object({ course: z.string().regex(/^[a-z0-9-]{1,100}$/) });

/** The service worker at the top of the site (its scope is every page), and the manifests of kept courses. */
export function offlineRoutes(catalog: Catalog): Router {
  const router = Router();

  // GET /sw.js — the service worker (asked again by the browser at each visit: not kept by caches)
  router.get('/sw.js', (_req, res) => {
    res.set('Cache-Control', 'no-cache');
    res.type('application/javascript');
    res.sendFile(path.join(publicDir, 'sw.js'));
  });

  // GET /courses/:course/offline.json — what keeping a course on the phone saves: pages, pictures, size, version
  router.get('/courses/:course/offline.json', ...requireAbility('readCourses'), (req, res) => {
    const { course } = parseParams(courseParams, req.params);
    res.json(offlineManifest(actorOf(req), { catalog, course, locale: req.locale }));
  });

  return router;
}
