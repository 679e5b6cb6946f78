import { Router } from 'express';
import { z } from 'zod';
import { actorOf } from '../shared/auth';
import { requireAbility } from '../shared/permissions';
import { idParam, parseInput, parseParams } from '../shared/validate';
import { parseWeek } from '../fieldreports';
import { Invalid } from '../shared/errors';
import { PACK_FORMATS } from './briefing-pack.model';
import { packFile, packsPage } from './briefings.service';

const pageQuery = z.object({ week: z.string().max(10).optional() });
/** `/briefings/:id/pack.pdf|xlsx`: a pack's id (anything else is a 404). */
const fileParams = z.object({ id: idParam, format: z.enum(PACK_FORMATS) });
/** `?lang=` asks for the pack in the other language; by default the reader's own. */
const fileQuery = z.object({ lang: z.enum(['vi', 'en']).optional() });

/** The Briefings page and the packs' files, for staff. */
export function briefingsRoutes(dataDir: string): Router {
  const router = Router();
  router.use('/briefings', ...requireAbility('readBriefings'));

  // GET /briefings — the weekly packs of my unit and the units under it: the newest week first, past weeks by ?week=
  router.get('/briefings', async (req, res) => {
    const q = parseInput(pageQuery, req.query);
    if (q.week && !parseWeek(q.week)) throw new Invalid({ week: 'errors.field.invalid' });
    const page = await packsPage(actorOf(req), q.week);
    res.render('briefings/index', { title: res.locals.t('briefings.title'), page });
  });

  // GET /briefings/:id/pack.pdf and pack.xlsx — a pack's file in my language (or ?lang=), audited
  router.get('/briefings/:id/pack.:format', async (req, res) => {
    const { id, format } = parseParams(fileParams, req.params);
    const q = parseInput(fileQuery, req.query);
    const f = await packFile(actorOf(req), { id, format, locale: q.lang ?? req.locale, dataDir });
    res.download(f.file, f.downloadName, { headers: { 'Cache-Control': 'no-store', 'Content-Type': f.contentType } });
  });

  return router;
}
