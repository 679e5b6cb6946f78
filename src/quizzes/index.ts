export { ModulePass, QuizAttempt, QuizResult } from './quiz.model';
export { GRACE_MS, quizOverview, QuizRefused, startAttempt, submitAttempt } from './quiz.service';
export { grade, shuffle } from './grading';
export { quizzesRoutes } from './quizzes.routes';
