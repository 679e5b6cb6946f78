export { CONTENT_DIR, ContentInvalid, findCourse, findLesson, lessonKeys, loadCatalog } from './catalog';
export { COURSE_SLUGS, loadContent, WORDS_MAX, WORDS_MIN, type Catalog, type ContentProblem, type Course, type Lesson, type Module } from './content-loader';
export type { Question, QuizSettings } from './content-schema';
export { completeIfDone, modulesPassed, progressFor, registerQuizGate, type CourseProgress } from './progress.service';
export { CourseCompletion, LessonRead } from './progress.model';
export { coursesRoutes } from './courses.routes';
