/**
 * The sent log pages (staff and administrators): one Vietnam day of what was sent to whom in
 * their subtree, filtered by kind, paged; the day as a CSV file (audited).
 */
import { Router, type Request } from 'express';
import { z } from 'zod';
import { findUnitById } from '../org';
import { actorOf } from '../shared/auth';
import { writeCsv } from '../shared/csv';
import { dateTimeText } from '../shared/dates';
import { pageField, pagerLinks } from '../shared/pager';
import { requireAbility } from '../shared/permissions';
import { dayLabelVietnam } from '../shared/vn-time';
import { parseInput } from '../shared/validate';
import { NOTIFICATION_KINDS } from './notification.model';
import { sentLogExport, sentLogPage, type SentRow } from './sent-log.service';

const DAY_MS = 86_400_000;

/** A calendar day `YYYY-MM-DD` that exists (not 2026-02-30). */
const dayField = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/)
  .refine((d) => !Number.isNaN(Date.parse(`${d}T00:00:00Z`)) && new Date(`${d}T00:00:00Z`).toISOString().startsWith(d));

const sentQuery = z.object({
  day: z.union([z.literal(''), dayField]).optional(),
  kind: z.union([z.literal(''), z.enum(NOTIFICATION_KINDS)]).optional(),
  page: pageField,
});

/** The day and kind asked for (today, every kind, by default). */
function filtersOf(req: Request) {
  const q = parseInput(sentQuery, req.query);
  return { day: q.day || dayLabelVietnam(new Date()), kind: q.kind || undefined, page: q.page };
}

function shiftDay(day: string, days: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

export function sentLogRoutes(): Router {
  const router = Router();
  router.use('/notifications/sent', requireAbility('readSentNotifications'));

  // GET /notifications/sent — one day of what was sent to whom in my subtree
  router.get('/notifications/sent', async (req, res) => {
    const f = filtersOf(req);
    const page = await sentLogPage(actorOf(req), f);
    const filters = { day: f.day, kind: f.kind ?? '' };
    const today = dayLabelVietnam(new Date());
    res.render('notifications/sent', {
      title: res.locals.t('notifications.sent.title'),
      rows: page.items,
      filters,
      kinds: NOTIFICATION_KINDS,
      previousDay: shiftDay(f.day, -1),
      nextDay: f.day < today ? shiftDay(f.day, 1) : null,
      pager: pagerLinks('/notifications/sent', filters, f.page, page.hasMore),
    });
  });

  // GET /notifications/sent.csv — the same day as a file (audited)
  router.get('/notifications/sent.csv', ...requireAbility('readSentNotifications'), async (req, res) => {
    const f = filtersOf(req);
    const actor = actorOf(req);
    const unit = await findUnitById(actor.unitId);
    const rows = await sentLogExport(actor, f, unit?.lineage ?? []);
    const t = res.locals.t as (k: string) => string;
    const header = ['time', 'username', 'fullName', 'kind', 'read', 'emailState', 'emailTo', 'sentAt'].map((c) => t(`notifications.sent.columns.${c}`));
    res.attachment(`thong-bao-da-gui-${f.day}.csv`);
    res.type('text/csv; charset=utf-8');
    await writeCsv(res, header, rows.map((r: SentRow) => [
      dateTimeText(r.createdAt),
      r.recipient?.username ?? '',
      r.recipient?.fullName ?? '',
      t(`notifications.kinds.${r.kind}`),
      t(r.read ? 'notifications.sent.yes' : 'notifications.sent.no'),
      t(`notifications.states.${r.emailState}`),
      r.emailTo ?? '',
      r.sentAt ? dateTimeText(r.sentAt) : '',
    ]));
  });
  return router;
}
