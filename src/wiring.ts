/**
 * How the features are wired: every event of one feature that another feature listens to
 * is connected here, and nowhere else (no module registers anything when it is imported).
 * Called once by each kind of process before it does any work: createApp (src/app.ts), the
 * server's start with its background jobs (src/server.ts) and the operator CLI
 * (src/cli/index.ts). Calling it again changes nothing.
 *
 * A new feature that listens to another's event adds its line here.
 */
import { onPeopleMoved, peopleFollowTheirUnit } from './accounts';
import { certificatesFollowHolders, certifyCompletion } from './certificates';
import { onCompletionReset, onCourseCompleted, registerQuizGate } from './courses';
import { reportsFollowTheirTeam } from './fieldreports';
import { onLineageChanged } from './org';
import { forgetPassesOfReset, modulesPassedBy } from './quizzes';

let wired = false;

export function wire(): void {
  if (wired) return;
  wired = true;
  // A course whose rule asks for passed quizzes asks the quizzes which modules were passed.
  registerQuizGate(modulesPassedBy);
  // A completion earns its certificate.
  onCourseCompleted(certifyCompletion);
  // A withdrawn completion (revoked certificate): the quizzes must be passed again.
  onCompletionReset(forgetPassesOfReset);
  // A unit moved in the tree: its people, then its team's field reports, follow it.
  onLineageChanged(peopleFollowTheirUnit);
  onLineageChanged(reportsFollowTheirTeam);
  // People moved (by staff, a roster, or their unit): their certificates' copy of the lineage follows.
  onPeopleMoved(certificatesFollowHolders);
}
