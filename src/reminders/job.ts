import type { Logger } from 'pino';
import type { Catalog } from '../courses';
import { runReminders } from './run';
import { runJob } from '../shared/metrics';

/** How often the job looks whether a rule's time has come (each rule runs once per period). */
export const REMINDERS_EVERY_MS = 5 * 60_000;

/** Every few minutes (and once soon after start), a pass of the reminders; a pass still running is not doubled. */
export function startRemindersJob(catalog: Catalog, logger: Logger, everyMs = REMINDERS_EVERY_MS): () => void {
  let running = false;
  const tick = () => {
    if (running) return;
    running = true;
    runJob('reminders', () => runReminders({ catalog }))
      .then((outcomes) => {
        const ran = outcomes.filter((o) => o.state === 'ran');
        if (ran.length) logger.info({ ran }, 'reminders run');
      })
      .catch((err: unknown) => logger.error({ err }, 'reminders run failed'))
      .finally(() => {
        running = false;
      });
  };
  const first = setTimeout(tick, 20_000);
  const timer = setInterval(tick, everyMs);
  first.unref();
  timer.unref();
  return () => {
    clearTimeout(first);
    clearInterval(timer);
  };
}
