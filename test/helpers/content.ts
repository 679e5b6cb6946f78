/**
 * Small, valid course content written to a temporary folder, for tests that need
 * courses without depending on the real lessons (and for breaking on purpose).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadContent, type Catalog } from '../../src/courses';

const WORDS = 'người dân cần được hướng dẫn tận tình từng bước một cách rõ ràng và an toàn'.split(' ');

export function lessonText(words = 320, extra = ''): string {
  const body = Array.from({ length: words }, (_, i) => WORDS[i % WORDS.length]).join(' ');
  return `Mở đầu bài học.\n\n## Phần chính\n\n${body}\n\n${extra}\n`;
}

function question(id: string) {
  return [
    `  - id: ${id}`,
    `    type: single`,
    `    prompt: { vi: "Câu hỏi ${id}?", en: "Question ${id}?" }`,
    `    options:`,
    `      - { id: a, vi: "Đúng", en: "Right" }`,
    // the right option is not the longest (content-quality.ts would refuse a bank where it always is)
    `      - { id: b, vi: "Sai rồi", en: "Wrong one" }`,
    `    correct: [a]`,
    `    explanation: { vi: "Vì a đúng.", en: "Because a is right." }`,
  ].join('\n');
}

/** Writes two courses of two modules of two lessons each into a new folder; returns the folder. */
export function writeFixtureContent(): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'tss-content-'));
  for (const course of ['digital-literacy', 'two-level-government']) {
    const dir = path.join(root, course);
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(
      path.join(dir, 'course.yaml'),
      [
        `slug: ${course}`,
        `title: { vi: "Khóa ${course}", en: "Course ${course}" }`,
        `description: { vi: "Mô tả.", en: "Description." }`,
        `modules: [01-first, 02-second]`,
        // digital-literacy completes on lessons alone; two-level-government also needs its quizzes.
        `completion: { allLessonsRead: true, allQuizzesPassed: ${course === 'two-level-government'} }`,
      ].join('\n'),
    );
    for (const mod of ['01-first', '02-second']) {
      const mdir = path.join(dir, mod);
      fs.mkdirSync(path.join(mdir, 'images'), { recursive: true });
      fs.writeFileSync(
        path.join(mdir, 'module.yaml'),
        [
          `title: { vi: "Học phần ${mod}", en: "Module ${mod}" }`,
          `summary: { vi: "Tóm tắt.", en: "Summary." }`,
          `lessons:`,
          ...['one', 'two'].flatMap((l) => [
            `  - slug: ${l}`,
            `    title: { vi: "Bài ${l}", en: "Lesson ${l}" }`,
            `    checked: 2026-11-25`,
            `    sources:`,
            `      - title: Nguồn chính thức`,
            `        document: Luật 91/2025/QH15`,
          ]),
          mod === '02-second' ? `quiz: { questions: 3, passPercent: 80, timeLimitMinutes: 10, cooldownMinutes: 5 }` : `quiz: { questions: 3, passPercent: 80 }`,
        ].join('\n'),
      );
      fs.writeFileSync(path.join(mdir, 'images', 'pic.svg'), '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><rect width="10" height="10"/></svg>');
      for (const l of ['one', 'two']) {
        const extra = l === 'one' ? '![Một hình](images/pic.svg)\n\nXem [bài hai](lesson:01-first/two).' : '';
        fs.writeFileSync(path.join(mdir, `${l}.vi.md`), lessonText(320, extra));
        fs.writeFileSync(path.join(mdir, `${l}.en.md`), lessonText(320, extra));
      }
      fs.writeFileSync(path.join(mdir, 'quiz.yaml'), `questions:\n${Array.from({ length: 8 }, (_, i) => question(`q${i + 1}`)).join('\n')}\n`);
    }
  }
  return root;
}

let cached: Catalog | undefined;
/** The fixture catalog, built once per test file. */
export function fixtureCatalog(): Catalog {
  if (cached) return cached;
  const { catalog, problems } = loadContent(writeFixtureContent());
  if (!catalog) throw new Error(`fixture content invalid: ${JSON.stringify(problems)}`);
  cached = catalog;
  return catalog;
}
