export { CONTENT_DIR, ContentInvalid, findCourse, lessonKeys, loadCatalog } from './catalog';
export { COURSE_SLUGS, loadContent, type Catalog, type ContentProblem, type Course, type Lesson, type Module } from './content-loader';
export type { Question, QuizSettings } from './content-schema';
export {
  completeIfDone,
  settleUnsettledCompletions,
  completionsOf,
  markLessonRead,
  onCompletionReset,
  onCourseCompleted,
  registerQuizGate,
  resetCompletion,
  type CourseProgress,
} from './progress.service';
export type { CompletionDoc } from './progress.model';
export { COMPLETION_BUCKETS, completionBucket, CourseCompletion, LessonRead } from './progress.model';
export { coursesRoutes } from './courses.routes';
export { coursesWithNext, stepPath, type CourseWithNext } from './next-steps';
export type { NextStep } from './catalog';
