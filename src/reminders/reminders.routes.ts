import { Router, type Response } from 'express';
import { z } from 'zod';
import { actorOf } from '../shared/auth';
import { Invalid } from '../shared/errors';
import { requireAbility } from '../shared/permissions';
import { noticeField, parseInput, typedText } from '../shared/validate';
import { DEFAULT_RULES, type ReminderRules } from './rules';
import { currentRules, saveRules } from './settings.service';

/** The settings form as typed (each field's own check is the rules' schema, in the service). */
const settingsForm = z.object({ firstReminderDays: typedText, lastReminderDays: typedText, escalationDays: typedText, sendHour: typedText });
const settingsQuery = z.object({ saved: noticeField('1') });

function render(res: Response, status: number, values: Record<keyof ReminderRules, string | number>, errors: Record<string, string>, saved = false): void {
  res.status(status).render('reminders/settings', { title: res.locals.t('reminders.settings.title'), values, errors, saved, defaults: DEFAULT_RULES });
}

/** The reminder rules' settings page, for administrators. */
export function remindersRoutes(): Router {
  const router = Router();
  router.use('/reminders/settings', ...requireAbility('manageReminders'));

  // GET /reminders/settings — the rules in force, to change
  router.get('/reminders/settings', async (req, res) => {
    const { saved } = parseInput(settingsQuery, req.query);
    render(res, 200, await currentRules(), {}, saved !== null);
  });

  // POST /reminders/settings — check and save the rules (audited); a bad value: the form again with its message
  router.post('/reminders/settings', async (req, res) => {
    const typed = parseInput(settingsForm, req.body);
    try {
      await saveRules(actorOf(req), typed);
    } catch (err) {
      if (!(err instanceof Invalid)) throw err;
      render(res, 400, typed, err.fields);
      return;
    }
    res.redirect(303, '/reminders/settings?saved=1');
  });

  return router;
}
