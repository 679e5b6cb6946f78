/**
 * The background job and the operator's command: `runBriefings` prepares this week's missing
 * packs (from Monday 07:00 Vietnam time) and then tells the subscribers of each ready pack.
 * Every app process checks every few minutes; the packs' claims keep it to one build each.
 */
import { preparePacks, type RunResult } from './prepare';

type Log = { warn: (o: object, m: string) => void };

export type BriefingsRun = RunResult;

/** Prepares this week's missing packs. */
export async function runBriefings(opts: { now?: Date; dataDir: string; log?: Log }): Promise<BriefingsRun> {
  const now = opts.now ?? new Date();
  return preparePacks({ now, dataDir: opts.dataDir, log: opts.log });
}

/** Checks every few minutes; the first check after Monday 07:00 prepares the week's packs. */
export function startBriefingsJob(dataDir: string, log: Log, everyMs = 5 * 60_000): () => void {
  let running = false;
  const tick = () => {
    if (running) return; // a national run may outlast a tick
    running = true;
    runBriefings({ dataDir, log })
      .catch((err: unknown) => log.warn({ err }, 'weekly briefing packs failed; will try again'))
      .finally(() => (running = false));
  };
  const timer = setInterval(tick, everyMs);
  timer.unref();
  tick();
  return () => clearInterval(timer);
}
