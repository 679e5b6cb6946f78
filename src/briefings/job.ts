/**
 * The background job and the operator's command: `runBriefings` prepares this week's missing
 * packs (from Monday 07:00 Vietnam time) and then tells the subscribers of each ready pack.
 * Every app process checks every few minutes; the packs' claims keep it to one build each.
 */
import type { Locale } from '../config';
import { deliverReadyPacks } from './delivery';
import { preparePacks, type RunResult } from './prepare';
import { runJob } from '../shared/metrics';

type Log = { warn: (o: object, m: string) => void };

export interface BriefingsRun extends RunResult {
  /** How many notifications this run made for the packs' subscribers. */
  notified: number;
}

/**
 * Prepares this week's missing packs and notifies their subscribers (each once). `defaultLocale`:
 * the language of the PDF attached for a person who chose none (the deployment's default).
 */
export async function runBriefings(opts: { now?: Date; dataDir: string; defaultLocale?: Locale; log?: Log }): Promise<BriefingsRun> {
  const now = opts.now ?? new Date();
  const run = await preparePacks({ now, dataDir: opts.dataDir, log: opts.log });
  const notified = run.week ? await deliverReadyPacks(run.week, opts.defaultLocale ?? 'vi') : 0;
  return { ...run, notified };
}

/** Checks every few minutes; the first check after Monday 07:00 prepares the week's packs. */
export function startBriefingsJob(opts: { dataDir: string; defaultLocale: Locale }, log: Log, everyMs = 5 * 60_000): () => void {
  let running = false;
  const tick = () => {
    if (running) return; // a national run may outlast a tick
    running = true;
    runJob('briefings', () => runBriefings({ ...opts, log }))
      .catch((err: unknown) => log.warn({ err }, 'weekly briefing packs failed; will try again'))
      .finally(() => (running = false));
  };
  const timer = setInterval(tick, everyMs);
  timer.unref();
  tick();
  return () => clearInterval(timer);
}
