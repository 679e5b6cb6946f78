/**
 * How the app is composed: the list of features, and the wiring of their events. Each
 * feature describes itself in its `feature.ts` (routers, menu links, the events it listens to,
 * background jobs); nothing registers itself on import. Called once by each kind of process
 * before it does any work: createApp (src/app.ts, which mounts the routers in this order),
 * the server's start with its background jobs (src/server.ts) and the operator CLI
 * (src/cli/index.ts). Calling `wire()` again changes nothing.
 *
 * A new feature adds one line to FEATURES (docs/ARCHITECTURE.md, "How to add a feature").
 */
import { accountsFeature } from './accounts';
import { auditFeature } from './audit';
import { certificatesFeature } from './certificates';
import { cohortsFeature } from './cohorts';
import { coursesFeature } from './courses';
import type { Feature } from './feature';
import { fieldReportsFeature } from './fieldreports';
import { homeFeature } from './home';
import { offlineFeature } from './offline';
import { orgFeature } from './org';
import { quizzesFeature } from './quizzes';
import { reportsFeature } from './reports';
import { retrainingFeature } from './retraining';
import type { NavItem } from './shared/navigation';

/** Every feature, in the order their routes are matched. */
export const FEATURES: readonly Feature[] = [
  homeFeature,
  offlineFeature,
  quizzesFeature,
  certificatesFeature,
  cohortsFeature,
  retrainingFeature,
  reportsFeature,
  fieldReportsFeature,
  coursesFeature,
  accountsFeature,
  orgFeature,
  auditFeature,
];

/** The menu: every feature's links. */
export function navItems(): NavItem[] {
  return FEATURES.flatMap((f) => f.nav ?? []);
}

let wired = false;

/** Connects every feature's listeners to the events of the others (once per process). */
export function wire(): void {
  if (wired) return;
  wired = true;
  for (const f of FEATURES) f.wire?.();
}
