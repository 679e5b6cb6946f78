/**
 * Quality rules for a module's question bank, beyond its format (content/README.md, "Quality rules"):
 * a learner who has not read the lessons must not pass by guessing, by always picking the longest
 * option, by always answering "false", or by memorising a bank that is barely larger than an attempt.
 * Pure: the loader reports each problem at the line of the question it names.
 */
import type { ModuleFile, Question } from './content-schema';

/** The correct option may be the longest in at most this share of a bank's single-choice questions. */
export const LONGEST_CORRECT_MAX = 0.4;
/** True/false answers may lean at most this far one way. */
export const TRUEFALSE_ONE_WAY_MAX = 0.7;
/** A multiple-choice question has at least this many wrong options. */
export const MULTIPLE_WRONG_MIN = 2;
/** A bank holds at least this many times the questions drawn per attempt, so that two attempts differ. */
export const BANK_DRAW_FACTOR = 1.5;

export type QuizLocale = 'vi' | 'en';
const LOCALES: readonly QuizLocale[] = ['vi', 'en'];

export interface BankProblem {
  /** The question the problem is seen at (its line is reported); null for the bank as a whole. */
  question: string | null;
  message: string;
}

/** An option's length as a reader sees it: characters (not bytes), spaces collapsed. */
export function optionLength(text: string): number {
  return [...text.normalize('NFC').trim().replace(/\s+/g, ' ')].length;
}

/** The ids of the longest option(s) of a question in one language (several when tied). */
export function longestOptions(q: Question, locale: QuizLocale): string[] {
  const lengths = q.options.map((o) => optionLength(o[locale]));
  const max = Math.max(...lengths);
  return q.options.filter((_, i) => lengths[i] === max).map((o) => o.id);
}

/** The smallest bank for `draw` questions per attempt. */
export function bankNeeds(draw: number): number {
  return Math.ceil(draw * BANK_DRAW_FACTOR);
}

/** One line on a bank's balance, for content:check: where a writer stands against the limits. */
export function bankSummary(bank: readonly Question[]): string {
  const of = (type: Question['type']) => bank.filter((q) => q.type === type);
  const single = of('single');
  const longest = (locale: QuizLocale) => single.filter((q) => longestOptions(q, locale).includes(q.correct[0]!)).length;
  const tf = of('truefalse');
  const trues = tf.filter((q) => q.correct[0] === 'true').length;
  return [
    `single ${single.length} (right option longest: vi ${longest('vi')}, en ${longest('en')})`,
    `multiple ${of('multiple').length}`,
    `true/false ${tf.length} (${trues} true, ${tf.length - trues} false)`,
  ].join(', ');
}

const percent = (n: number, of: number) => `${Math.round((n / of) * 100)}%`;

/**
 * Checks a bank against the quality rules; `draw` is the module's `quiz.questions`.
 * The correct option of a single-choice question counts as "the longest" when no other option is
 * longer (a tie counts: a learner picking the longest option may well pick it).
 */
export function checkBankQuality(bank: readonly Question[], draw: number): BankProblem[] {
  const problems: BankProblem[] = [];

  if (bank.length < bankNeeds(draw)) {
    problems.push({
      question: null,
      message: `the bank has ${bank.length} questions; drawing ${draw} per attempt needs at least ${bankNeeds(draw)} (${BANK_DRAW_FACTOR} × the number drawn, so that two attempts differ)`,
    });
  }

  const single = bank.filter((q) => q.type === 'single');
  if (single.length > 0) {
    const byLocale = LOCALES.map((locale) => ({ locale, ids: single.filter((q) => longestOptions(q, locale).includes(q.correct[0]!)).map((q) => q.id) }));
    const failing = byLocale.filter((l) => l.ids.length / single.length > LONGEST_CORRECT_MAX);
    // one message when both languages fail on the same questions
    const same = failing.length === 2 && failing[0]!.ids.join() === failing[1]!.ids.join();
    for (const { locale, ids } of same ? [{ locale: 'vi and en', ids: failing[0]!.ids }] : failing) {
      problems.push({
        question: ids[0]!,
        message:
          `the correct option is the longest (${locale}) in ${ids.length} of ${single.length} single-choice questions ` +
          `(${percent(ids.length, single.length)}; at most ${percent(LONGEST_CORRECT_MAX, 1)}): ${ids.join(', ')}`,
      });
    }
  }

  const truefalse = bank.filter((q) => q.type === 'truefalse');
  if (truefalse.length > 0) {
    const trueIds = truefalse.filter((q) => q.correct[0] === 'true').map((q) => q.id);
    const falseIds = truefalse.filter((q) => q.correct[0] === 'false').map((q) => q.id);
    const [way, ids] = trueIds.length >= falseIds.length ? (['true', trueIds] as const) : (['false', falseIds] as const);
    if (ids.length / truefalse.length > TRUEFALSE_ONE_WAY_MAX) {
      problems.push({
        question: ids[0]!,
        message:
          `${ids.length} of ${truefalse.length} true/false statements are ${way} (${percent(ids.length, truefalse.length)}; ` +
          `at most ${percent(TRUEFALSE_ONE_WAY_MAX, 1)} one way): ${ids.join(', ')}`,
      });
    }
  }

  for (const q of bank) {
    if (q.type !== 'multiple') continue;
    const wrong = q.options.length - q.correct.length;
    if (wrong < MULTIPLE_WRONG_MIN) {
      problems.push({ question: q.id, message: `question "${q.id}": a multiple-choice question needs at least ${MULTIPLE_WRONG_MIN} wrong options; it has ${wrong}` });
    }
  }
  return problems;
}

export interface SourceProblem {
  /** Where in module.yaml: lessons.<lesson>.sources.<source>. */
  lesson: number;
  source: number;
  message: string;
}

/** Every source of every lesson can be checked: a page (`url`) or an official document number (`document`). */
export function checkSources(lessons: ModuleFile['lessons']): SourceProblem[] {
  const problems: SourceProblem[] = [];
  lessons.forEach((lesson, i) => {
    lesson.sources.forEach((source, j) => {
      if (source.url || source.document) return;
      const title = source.title.length > 60 ? `${source.title.slice(0, 57)}…` : source.title;
      problems.push({
        lesson: i,
        source: j,
        message: `lesson "${lesson.slug}": source "${title}" needs a url (a page that can be checked) or an official document number (document)`,
      });
    });
  });
  return problems;
}
