export { drawQuestions, grade, shuffle } from './grading';
export { quizzesRoutes } from './quizzes.routes';
export { forgetPassesOfReset, modulesPassedBy, settleResult, settleUnsettledResults, startSettleJob } from './quiz.service';
export { quizzesFeature } from './feature';
