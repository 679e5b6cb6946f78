import type { Question } from '../../src/courses';
import { grade, shuffle } from '../../src/quizzes';

const q = (id: string, type: Question['type'], correct: string[], options = ['a', 'b', 'c']): Question => ({
  id,
  type,
  prompt: { vi: id, en: id },
  options: options.map((o) => ({ id: o, vi: o, en: o })),
  correct,
  explanation: { vi: '.', en: '.' },
});

describe('grade', () => {
  const bank = [q('s', 'single', ['b']), q('m', 'multiple', ['a', 'c']), q('t', 'truefalse', ['false'], ['true', 'false'])];

  it('when every answer is right, should score 100 and pass', () => {
    const g = grade(bank, new Map([['s', ['b']], ['m', ['c', 'a']], ['t', ['false']]]), 80);
    expect(g).toMatchObject({ correctCount: 3, total: 3, score: 100, passed: true });
  });

  it('when a multiple-choice answer is partial or has an extra option, should count it wrong', () => {
    expect(grade(bank, new Map([['s', ['b']], ['m', ['a']], ['t', ['false']]]), 80).answers[1]!.correct).toBe(false);
    expect(grade(bank, new Map([['s', ['b']], ['m', ['a', 'b', 'c']], ['t', ['false']]]), 80).answers[1]!.correct).toBe(false);
  });

  it('when the score is under the pass mark, should fail; at the mark, should pass', () => {
    expect(grade(bank, new Map([['s', ['b']], ['m', ['a', 'c']], ['t', ['true']]]), 80)).toMatchObject({ score: 67, passed: false });
    expect(grade(bank, new Map([['s', ['b']], ['m', ['a', 'c']], ['t', ['true']]]), 67)).toMatchObject({ passed: true });
  });

  it('when a question is unanswered, should count it wrong', () => {
    expect(grade(bank, new Map(), 80)).toMatchObject({ correctCount: 0, score: 0, passed: false });
  });
});

describe('shuffle', () => {
  it('should keep every item exactly once', () => {
    const items = Array.from({ length: 20 }, (_, i) => i);
    const out = shuffle(items, (max) => Math.floor(Math.random() * max));
    expect([...out].sort((a, b) => a - b)).toEqual(items);
  });
});
