export { ModulePass, QuizAttempt, QuizResult } from './quiz.model';
export { grade, shuffle } from './grading';
export { quizzesRoutes } from './quizzes.routes';
