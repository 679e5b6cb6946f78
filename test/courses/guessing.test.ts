/**
 * Guessing does not pass (issue 18, "done when"; reasoning in content/README.md, "Quiz rules").
 * On every bank of content/, 1,000 attempts per strategy of someone who has not read the lessons,
 * drawn and graded by the app's own code (drawQuestions and grade of src/quizzes/grading.ts, with the
 * module's quiz settings), with a fixed seed. Each strategy must pass fewer than 5% of attempts.
 *
 * Strategies:
 * - random: one option at random for single choice and true/false; for multiple choice each option
 *   ticked with probability 1/2 (at least one), i.e. one of the non-empty sets at random;
 * - longest (vi|en) + "true" / + "false": the longest option as shown in that language (the first one
 *   shown when several are as long), for multiple choice that option alone; true/false always "true",
 *   or always "false".
 *
 * EXPECTED TO FAIL until the rewritten question banks of issue 18 are merged: the first edition's
 * banks lean on the longest option and on "false".
 */
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { COURSE_SLUGS, CONTENT_DIR, type Question, type QuizSettings } from '../../src/courses';
import { courseFileSchema, moduleFileSchema, quizFileSchema } from '../../src/courses/content-schema';
import { optionLength, type QuizLocale } from '../../src/courses/content-quality';
import { drawQuestions, grade } from '../../src/quizzes';

const ATTEMPTS = 1000;
const MAX_PASS_RATE = 0.05;
const SEED = 18;

/** mulberry32: a small deterministic generator, so that every run draws the same attempts. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Answer = (question: Question, shown: string[], random: () => number) => string[];

const randomAnswer: Answer = (q, shown, random) => {
  if (q.type !== 'multiple') return [shown[Math.floor(random() * shown.length)]!];
  for (;;) {
    const ticked = shown.filter(() => random() < 0.5);
    if (ticked.length > 0) return ticked;
  }
};

const longest =
  (locale: QuizLocale, truefalse: 'true' | 'false'): Answer =>
  (q, shown) => {
    if (q.type === 'truefalse') return [truefalse];
    const text = (id: string) => q.options.find((o) => o.id === id)![locale];
    // the first shown of the longest (a strict > keeps the earlier one on a tie)
    const pick = shown.reduce((best, id) => (optionLength(text(id)) > optionLength(text(best)) ? id : best));
    return [pick];
  };

const STRATEGIES: [string, Answer][] = [
  ['random', randomAnswer],
  ['longest (vi) + true', longest('vi', 'true')],
  ['longest (vi) + false', longest('vi', 'false')],
  ['longest (en) + true', longest('en', 'true')],
  ['longest (en) + false', longest('en', 'false')],
];

/** Every module's bank and quiz settings, read with the app's own schemas (whatever else content:check may still find). */
function banks(): { name: string; bank: Question[]; quiz: QuizSettings }[] {
  return COURSE_SLUGS.flatMap((course) => {
    const courseFile = courseFileSchema.parse(parse(fs.readFileSync(path.join(CONTENT_DIR, course, 'course.yaml'), 'utf8')));
    return courseFile.modules.map((folder) => {
      const dir = path.join(CONTENT_DIR, course, folder);
      const moduleYaml = parse(fs.readFileSync(path.join(dir, 'module.yaml'), 'utf8')) as { quiz?: unknown };
      const quiz = moduleFileSchema.shape.quiz.parse(moduleYaml.quiz);
      const bank = quizFileSchema.parse(parse(fs.readFileSync(path.join(dir, 'quiz.yaml'), 'utf8'))).questions;
      return { name: `${course}/${folder}`, bank, quiz };
    });
  });
}

/** How many of ATTEMPTS attempts `answer` passes. */
function passes(bank: Question[], quiz: QuizSettings, answer: Answer, random: () => number): number {
  const randomInt = (max: number) => Math.floor(random() * max);
  let passed = 0;
  for (let i = 0; i < ATTEMPTS; i++) {
    const drawn = drawQuestions(bank, quiz.questions, randomInt);
    const chosen = new Map(drawn.map((d) => [d.question.id, answer(d.question, d.options, random)]));
    if (grade(drawn.map((d) => d.question), chosen, quiz.passPercent).passed) passed += 1;
  }
  return passed;
}

describe(`guessing passes fewer than ${MAX_PASS_RATE * 100}% of ${ATTEMPTS} attempts on every bank (fails until the issue 18 banks land)`, () => {
  const all = banks();

  it('finds the ten module banks', () => {
    expect(all).toHaveLength(10);
  });

  it.each(all.map((b) => [b.name, b] as const))('%s', (_name, { bank, quiz }) => {
    const random = seeded(SEED);
    const rates = Object.fromEntries(STRATEGIES.map(([name, answer]) => [name, passes(bank, quiz, answer, random) / ATTEMPTS]));
    const tooHigh = Object.entries(rates).filter(([, rate]) => rate >= MAX_PASS_RATE);
    expect({ drawn: quiz.questions, passPercent: quiz.passPercent, strategiesPassingTooOften: Object.fromEntries(tooHigh) }).toEqual({
      drawn: quiz.questions,
      passPercent: quiz.passPercent,
      strategiesPassingTooOften: {},
    });
  });
});

describe('the simulation itself', () => {
  const q = (id: string, type: Question['type'], options: [string, string][], correct: string[]): Question => ({
    id,
    type,
    prompt: { vi: id, en: id },
    options: options.map(([vi, en], i) => ({ id: type === 'truefalse' ? ['true', 'false'][i]! : 'abcd'[i]!, vi, en })),
    correct,
    explanation: { vi: '.', en: '.' },
  });
  const settings: QuizSettings = { questions: 10, passPercent: 80, cooldownMinutes: 30, dailyLimit: 4, showCorrectAfterFail: false };

  it('a bank where the right option is always the longest is passed every time by the longest strategy', () => {
    const bank = Array.from({ length: 15 }, (_, i) => q(`s${i}`, 'single', [['the right and longest', 'the right and longest'], ['wrong', 'wrong'], ['nope', 'nope'], ['no', 'no']], ['a']));
    expect(passes(bank, settings, longest('en', 'false'), seeded(1))).toBe(ATTEMPTS);
    expect(passes(bank, settings, randomAnswer, seeded(1))).toBeLessThan(ATTEMPTS * 0.01);
  });

  it('a bank of "false" statements is passed every time by answering "false"', () => {
    const bank = Array.from({ length: 15 }, (_, i) => q(`t${i}`, 'truefalse', [['Đúng', 'True'], ['Sai', 'False']], ['false']));
    expect(passes(bank, settings, longest('vi', 'false'), seeded(1))).toBe(ATTEMPTS);
    expect(passes(bank, settings, longest('vi', 'true'), seeded(1))).toBe(0);
  });

  it('random answers on true/false alone pass about 5.5% of attempts (the binomial 8+ of 10 at 1/2)', () => {
    const bank = Array.from({ length: 15 }, (_, i) => q(`t${i}`, 'truefalse', [['Đúng', 'True'], ['Sai', 'False']], [i % 2 ? 'true' : 'false']));
    const rate = passes(bank, settings, randomAnswer, seeded(2)) / ATTEMPTS;
    expect(rate).toBeGreaterThan(0.03);
    expect(rate).toBeLessThan(0.08);
  });
});
