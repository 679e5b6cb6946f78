/** The shape of the files under content/ (see content/README.md). */
import { z } from 'zod';

const text = z.string().trim().min(1, 'must not be empty');
export const bilingual = z.object({ vi: text, en: text }, { error: 'needs a Vietnamese (vi) and an English (en) text' }).strict();
const slug = z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'must be lower-case words joined by "-"');
const moduleFolder = z.string().regex(/^\d{2}-[a-z0-9]+(-[a-z0-9]+)*$/, 'must look like 01-module-name');

export const courseFileSchema = z
  .object({
    slug,
    title: bilingual,
    description: bilingual,
    modules: z.array(moduleFolder).min(1, 'needs at least one module'),
    completion: z
      .object({
        allLessonsRead: z.boolean().default(true),
        allQuizzesPassed: z.boolean().default(true),
      })
      .strict()
      .default({ allLessonsRead: true, allQuizzesPassed: true }),
  })
  .strict();

export const sourceSchema = z
  .object({
    title: text,
    url: z.url({ protocol: /^https$/, error: 'must be a full https:// address' }).optional(),
    document: text.optional(), // an official document number, e.g. Luật 91/2025/QH15
  })
  .strict();

export const lessonEntrySchema = z
  .object({
    slug,
    title: bilingual,
    checked: z.union([z.iso.date({ error: 'must be a date YYYY-MM-DD' }), z.date().transform((d) => d.toISOString().slice(0, 10))]),
    sources: z.array(sourceSchema).min(1, 'every lesson cites at least one source'),
  })
  .strict();

export const quizSettingsSchema = z
  .object({
    questions: z.number().int().min(1).max(50).default(5),
    passPercent: z.number().int().min(1).max(100).default(80),
    timeLimitMinutes: z.number().int().min(1).max(180).optional(),
    cooldownMinutes: z.number().int().min(0).max(24 * 60).default(0),
    dailyLimit: z.number().int().min(1).max(100).optional(),
    showCorrectAfterFail: z.boolean().default(false),
  })
  .strict();

export const moduleFileSchema = z
  .object({
    title: bilingual,
    summary: bilingual,
    lessons: z.array(lessonEntrySchema).min(2, 'a module has 2 to 5 lessons').max(5, 'a module has 2 to 5 lessons'),
    quiz: quizSettingsSchema.default({ questions: 5, passPercent: 80, cooldownMinutes: 0, showCorrectAfterFail: false }),
  })
  .strict();

// YAML reads an unquoted true/false as a boolean: accept it as the option id "true"/"false".
const optionId = z.union([z.string(), z.boolean().transform(String)]).pipe(z.string().regex(/^[\w-]{1,20}$/, 'option id: letters, digits, - or _'));
const optionSchema = z.object({ id: optionId, vi: text, en: text }).strict();

export const questionSchema = z
  .object({
    id: z.string().regex(/^[\w-]{1,40}$/, 'question id: letters, digits, - or _'),
    type: z.enum(['single', 'multiple', 'truefalse']),
    prompt: bilingual,
    options: z.array(optionSchema).min(2, 'a question has 2 to 6 options').max(6, 'a question has 2 to 6 options'),
    correct: z.array(z.union([z.string(), z.boolean().transform(String)])).min(1, 'names at least one correct option'),
    explanation: bilingual,
  })
  .strict()
  .superRefine((q, ctx) => {
    const ids = q.options.map((o) => o.id);
    if (new Set(ids).size !== ids.length) ctx.addIssue({ code: 'custom', path: ['options'], message: 'option ids must be unique' });
    for (const c of q.correct) {
      if (!ids.includes(c)) ctx.addIssue({ code: 'custom', path: ['correct'], message: `correct answer "${c}" is not one of the options` });
    }
    if (q.type !== 'multiple' && q.correct.length !== 1) ctx.addIssue({ code: 'custom', path: ['correct'], message: `a ${q.type} question has exactly one correct answer` });
    if (q.type === 'truefalse' && (ids.length !== 2 || !ids.includes('true') || !ids.includes('false'))) {
      ctx.addIssue({ code: 'custom', path: ['options'], message: "a truefalse question has exactly the options 'true' and 'false'" });
    }
  });

export const quizFileSchema = z
  .object({ questions: z.array(questionSchema).min(8, 'a question bank has at least 8 questions') })
  .strict()
  .superRefine((bank, ctx) => {
    const seen = new Set<string>();
    bank.questions.forEach((q, i) => {
      if (seen.has(q.id)) ctx.addIssue({ code: 'custom', path: ['questions', i, 'id'], message: `question id "${q.id}" is used twice` });
      seen.add(q.id);
    });
  });

export type CourseFile = z.infer<typeof courseFileSchema>;
export type ModuleFile = z.infer<typeof moduleFileSchema>;
export type QuizFile = z.infer<typeof quizFileSchema>;
export type Question = z.infer<typeof questionSchema>;
export type QuizSettings = z.infer<typeof quizSettingsSchema>;
export type Bilingual = z.infer<typeof bilingual>;
