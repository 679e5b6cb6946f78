export { CONTENT_DIR, ContentInvalid, findCourse, lessonKeys, loadCatalog } from './catalog';
export { bankSummary } from './content-quality';
export { COURSE_SLUGS, loadContent, type Catalog, type ContentProblem, type Course, type Lesson, type Module } from './content-loader';
export type { Question, QuizSettings } from './content-schema';
export {
  bucketUnbucketedCompletions,
  completeIfDone,
  completionsInBucket,
  lessonReadsOf,
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
export { bulkLoadProgress, type LoadedCompletion, type LoadedRead } from './bulk-load';
export { COMPLETION_BUCKETS, completionBucket } from './progress.model';
export { coursesRoutes } from './courses.routes';
export { coursesWithNext, stepPath, type CourseWithNext } from './next-steps';
export type { NextStep } from './catalog';
export { coursesFeature, registerDueDates } from './feature';
