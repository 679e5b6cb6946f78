import fs from 'node:fs';
import path from 'node:path';
import { CONTENT_DIR, loadContent } from '../../src/courses';
import { lessonText, writeFixtureContent } from '../helpers/content';

function problemsAfter(change: (root: string) => void) {
  const root = writeFixtureContent();
  change(root);
  return loadContent(root).problems;
}
const dl = (root: string, ...p: string[]) => path.join(root, 'digital-literacy', ...p);

describe('content validation', () => {
  it('when everything is in order, should load both courses with rendered lessons and a version', () => {
    const { catalog, problems } = loadContent(writeFixtureContent());
    expect(problems).toEqual([]);
    expect(catalog!.courses.map((c) => c.slug)).toEqual(['digital-literacy', 'two-level-government']);
    const lesson = catalog!.courses[0]!.modules[0]!.lessons[0]!;
    expect(lesson.html.vi).toContain('<h2 id="phan-chinh"');
    expect(lesson.html.vi).toContain('src="/content/digital-literacy/01-first/images/pic.svg"');
    expect(lesson.html.vi).toContain('href="/courses/digital-literacy/01-first/two"');
    expect(lesson.words.vi).toBeGreaterThanOrEqual(300);
    expect(catalog!.courses[0]!.version).toMatch(/^[a-f0-9]{16}$/);
  });

  it('when a translation is missing, should name the file', () => {
    const problems = problemsAfter((root) => fs.rmSync(dl(root, '01-first', 'two.en.md')));
    expect(problems).toEqual([expect.objectContaining({ file: 'digital-literacy/01-first/two.en.md', message: 'missing English text of lesson "two"' })]);
  });

  it('when a link points to a lesson that does not exist, should give file and line', () => {
    const problems = problemsAfter((root) => fs.writeFileSync(dl(root, '01-first', 'two.vi.md'), lessonText(320, 'Xem [bài khác](lesson:09-nowhere/ghost).')));
    expect(problems).toEqual([expect.objectContaining({ file: 'digital-literacy/01-first/two.vi.md', line: 7, message: 'link "lesson:09-nowhere/ghost" points to a lesson that does not exist' })]);
  });

  it('when a picture does not exist, should say so', () => {
    const problems = problemsAfter((root) => fs.writeFileSync(dl(root, '01-first', 'two.vi.md'), lessonText(320, '![Hình](images/missing.svg)')));
    expect(problems[0]).toMatchObject({ line: 7, message: 'picture "images/missing.svg" does not exist' });
  });

  it('when a YAML file is malformed, should give its line', () => {
    const problems = problemsAfter((root) => fs.writeFileSync(dl(root, '02-second', 'module.yaml'), 'title: { vi: "x", en: "y" }\nsummary: [unclosed\n'));
    expect(problems[0]).toMatchObject({ file: 'digital-literacy/02-second/module.yaml', message: expect.stringMatching(/^not valid YAML/) });
    expect(problems[0]!.line).toBeGreaterThanOrEqual(2);
  });

  it('when a field is wrong, should point at its line with its path', () => {
    const problems = problemsAfter((root) => {
      const file = dl(root, '01-first', 'module.yaml');
      fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('checked: 2026-11-25', 'checked: yesterday'));
    });
    expect(problems[0]).toMatchObject({ file: 'digital-literacy/01-first/module.yaml', line: 6, message: expect.stringMatching(/^lessons\.0\.checked/) });
  });

  it('when a lesson is too short, raw HTML is used, or a question is inconsistent, should report each', () => {
    const problems = problemsAfter((root) => {
      fs.writeFileSync(dl(root, '01-first', 'one.en.md'), 'Too short.');
      fs.writeFileSync(dl(root, '01-first', 'two.en.md'), lessonText(320, '<script>alert(1)</script>'));
      const quiz = dl(root, '02-second', 'quiz.yaml');
      fs.writeFileSync(quiz, fs.readFileSync(quiz, 'utf8').replace('correct: [a]', 'correct: [z]'));
    });
    const messages = problems.map((p) => p.message);
    expect(messages).toContainEqual('has 2 words; a lesson has 300–900');
    expect(messages).toContainEqual(expect.stringMatching(/raw HTML is not allowed/));
    expect(messages).toContainEqual(expect.stringMatching(/correct answer "z" is not one of the options/));
  });

  it('when an SVG holds a script, should refuse it', () => {
    const problems = problemsAfter((root) => fs.writeFileSync(dl(root, '01-first', 'images', 'pic.svg'), '<svg onload="alert(1)"></svg>'));
    expect(problems[0]!.message).toMatch(/may not hold scripts/);
  });

  it('the real content under content/ should be valid, with at least 10 modules and 30 lessons', () => {
    const { catalog, problems } = loadContent(CONTENT_DIR);
    expect(problems).toEqual([]);
    const modules = catalog!.courses.flatMap((c) => c.modules);
    expect(modules.length).toBeGreaterThanOrEqual(10);
    expect(modules.flatMap((m) => m.lessons).length).toBeGreaterThanOrEqual(30);
    for (const m of modules) expect(m.bank.length).toBeGreaterThanOrEqual(8);
  });
});
