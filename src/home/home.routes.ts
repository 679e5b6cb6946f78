import { Router } from 'express';
import { z } from 'zod';
import type { Config } from '../config';
import { totalOf, weeklyReminder } from '../fieldreports';
import { Invalid } from '../shared/errors';
import { LOCALES, rememberLanguage } from '../shared/i18n';
import { safeLocalPath } from '../shared/page-locals';

const langForm = z.object({
  lang: z.enum(LOCALES as ['vi', 'en']),
  next: z.string().max(2000).optional(),
});

export function homeRoutes(config: Config): Router {
  const router = Router();

  // GET / — what the platform is, and the way in
  router.get('/', async (req, res) => {
    // Team leaders see whether this week's report is due.
    res.render('home/index', { weekly: await weeklyReminder(req.user), totalOf, passwordSet: Boolean(req.user) && req.query.password === 'set' });
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
