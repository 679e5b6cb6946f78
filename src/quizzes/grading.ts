/** Pure grading: no I/O, so every rule is easy to test. */
import type { Question } from '../courses';

export interface Graded {
  answers: { id: string; chosen: string[]; correct: boolean }[];
  correctCount: number;
  total: number;
  score: number;
  passed: boolean;
}

/** A question is right only when the chosen set equals the correct set (a partial multiple choice is wrong). */
export function grade(questions: Question[], chosen: Map<string, string[]>, passPercent: number): Graded {
  const answers = questions.map((q) => {
    const picked = [...new Set(chosen.get(q.id) ?? [])].sort();
    const right = [...q.correct].sort();
    return { id: q.id, chosen: picked, correct: picked.length === right.length && picked.every((c, i) => c === right[i]) };
  });
  const correctCount = answers.filter((a) => a.correct).length;
  const total = questions.length;
  const score = total ? Math.round((correctCount / total) * 100) : 0;
  return { answers, correctCount, total, score, passed: score >= passPercent };
}

/** Fisher–Yates with a supplied random source (crypto in production). */
export function shuffle<T>(items: readonly T[], randomInt: (max: number) => number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/**
 * An attempt's questions: `count` drawn at random from the bank, each with its options in a random
 * order (what startAttempt stores; test/courses/guessing.test.ts draws with it too).
 */
export function drawQuestions(bank: readonly Question[], count: number, randomInt: (max: number) => number): { question: Question; options: string[] }[] {
  return shuffle(bank, randomInt)
    .slice(0, count)
    .map((question) => ({ question, options: shuffle(question.options.map((o) => o.id), randomInt) }));
}
