import { Router } from 'express';
import { z } from 'zod';
import type { Config } from '../config';
import type { Catalog } from '../courses';
import { totalOf } from '../fieldreports';
import { actorOf } from '../shared/auth';
import { Invalid } from '../shared/errors';
import { LOCALES, rememberLanguage } from '../shared/i18n';
import { safeLocalPath } from '../shared/page-locals';
import { parseInput } from '../shared/validate';
import { behindRuleParams } from '../cohorts';
import { homeOf } from './home.service';

const langForm = z.object({
  lang: z.enum(LOCALES as ['vi', 'en']),
  next: z.string().max(2000).optional(),
});
/** `?password=set` after choosing a password: the page says it is saved. */
const homeQuery = z.object({ password: z.string().max(20).optional() });

export function homeRoutes(config: Config, catalog: Catalog): Router {
  const router = Router();

  // GET / — a signed-in person's to-do list by role; for visitors, what the platform is and the way in
  router.get('/', async (req, res) => {
    const q = parseInput(homeQuery, req.query);
    const home = req.user ? await homeOf(actorOf(req), req.user, catalog) : null;
    res.render('home/index', { home, behindRuleParams, totalOf, passwordSet: Boolean(req.user) && q.password === 'set' });
  });

  // POST /lang — remember the user's language and go back where they were
  router.post('/lang', (req, res) => {
    const parsed = langForm.safeParse(req.body);
    if (!parsed.success) throw new Invalid({}, 'invalidLanguage');
    rememberLanguage(res, parsed.data.lang, config.https);
    res.redirect(303, safeLocalPath(parsed.data.next));
  });

  return router;
}
