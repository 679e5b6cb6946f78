import type { Feature } from '../feature';
import { onCompletionReset, registerQuizGate } from '../courses';
import { forgetPassesOfReset, modulesPassedBy, startSettleJob } from './quiz.service';
import { quizzesRoutes } from './quizzes.routes';

export const quizzesFeature: Feature = {
  name: 'quizzes',
  routes: ({ catalog }) => [quizzesRoutes(catalog)],
  wire: () => {
    // A course whose rule asks for passed quizzes asks the quizzes which modules were passed.
    registerQuizGate(modulesPassedBy);
    // A withdrawn completion (revoked certificate): the quizzes must be passed again.
    onCompletionReset(forgetPassesOfReset);
  },
  // finishes passed results and completions a crash left half done
  jobs: ({ catalog, logger }) => startSettleJob(catalog, logger),
};
