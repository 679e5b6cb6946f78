/**
 * Reads and validates everything under content/, reporting each problem with its file
 * and line, and builds the in-memory catalog (lessons rendered once, per language).
 */
import { createHash, type Hash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type MarkdownIt from 'markdown-it';
import { LineCounter, parseDocument } from 'yaml';
import type { z } from 'zod';
import type { Locale } from '../config';
import {
  courseFileSchema,
  moduleFileSchema,
  quizFileSchema,
  type Bilingual,
  type Question,
  type QuizSettings,
} from './content-schema';
import { checkBankQuality, checkSources } from './content-quality';
import { countWords, createMarkdown, parseLessonLink, renderLesson } from './markdown';

export const COURSE_SLUGS = ['digital-literacy', 'two-level-government'] as const;
export const WORDS_MIN = 300;
export const WORDS_MAX = 900;
const IMAGE_MAX_BYTES = 20 * 1024;
const IMAGE_TYPES: Record<string, string> = { '.svg': 'image/svg+xml', '.png': 'image/png', '.jpg': 'image/jpeg', '.jpeg': 'image/jpeg', '.webp': 'image/webp' };

export interface ContentProblem {
  file: string;
  line: number;
  message: string;
}

export interface Lesson {
  slug: string;
  title: Bilingual;
  checked: string;
  sources: { title: string; url?: string; document?: string }[];
  html: Record<Locale, string>;
  words: Record<Locale, number>;
}

export interface Module {
  folder: string;
  title: Bilingual;
  summary: Bilingual;
  lessons: Lesson[];
  quiz: QuizSettings;
  bank: Question[];
}

export interface Course {
  slug: string;
  title: Bilingual;
  description: Bilingual;
  modules: Module[];
  completion: { allLessonsRead: boolean; allQuizzesPassed: boolean };
  /** Hash of every file of the course: recorded with each completion. */
  version: string;
}

export interface Catalog {
  courses: Course[];
  /** URL path (/content/…) → file and content type, for the pictures lessons use. */
  images: Map<string, { file: string; type: string; bytes: number }>;
}

class Problems {
  readonly list: ContentProblem[] = [];
  constructor(private readonly root: string) {}
  add(file: string, line: number, message: string): void {
    this.list.push({ file: path.relative(this.root, file) || file, line, message });
  }
}

/** Parses a YAML file against `schema`; each problem is reported at the line of the value concerned. */
function readYaml<S extends z.ZodType>(file: string, schema: S, problems: Problems): z.infer<S> | null {
  return readYamlLocated(file, schema, problems)?.data ?? null;
}

/** The line of a value in a parsed YAML document: that of the deepest node of `at` that exists. */
type LineOf = (at: readonly (string | number)[]) => number;

/** As readYaml, with a way to find the line of any value of the file (for checks made after parsing). */
function readYamlLocated<S extends z.ZodType>(file: string, schema: S, problems: Problems): { data: z.infer<S>; lineOf: LineOf } | null {
  let source: string;
  try {
    source = fs.readFileSync(file, 'utf8');
  } catch {
    problems.add(file, 0, 'file is missing');
    return null;
  }
  const lineCounter = new LineCounter();
  const doc = parseDocument(source, { lineCounter, prettyErrors: false });
  if (doc.errors.length > 0) {
    for (const e of doc.errors) problems.add(file, lineCounter.linePos(e.pos[0]).line, `not valid YAML: ${e.message.split('\n')[0]}`);
    return null;
  }
  const lineOf: LineOf = (at) => {
    for (let n = at.length; n >= 0; n--) {
      const node = doc.getIn(at.slice(0, n), true) as { range?: [number, number, number] } | undefined;
      if (node && typeof node === 'object' && node.range) return lineCounter.linePos(node.range[0]).line;
    }
    return 1;
  };
  const parsed = schema.safeParse(doc.toJS());
  if (parsed.success) return { data: parsed.data, lineOf };
  for (const issue of parsed.error.issues) {
    const where = issue.path.length ? `${issue.path.join('.')}: ` : '';
    problems.add(file, lineOf(issue.path as (string | number)[]), `${where}${issue.message}`);
  }
  return null;
}

/** Checks a lesson's Markdown; `strict` is a parser that keeps raw HTML visible (to refuse it). */
function checkMarkdown(
  strict: MarkdownIt,
  file: string,
  source: string,
  ctx: { course: string; moduleDir: string; lessonExists: (course: string, module: string, lesson: string) => boolean },
  problems: Problems,
): void {
  for (const block of strict.parse(source, {})) {
    const line = (block.map?.[0] ?? 0) + 1;
    if (block.type === 'html_block') problems.add(file, line, 'raw HTML is not allowed in lessons');
    if (block.type === 'heading' && block.tag === 'h1') problems.add(file, line, 'use ## and ### for sections; the title comes from module.yaml');
    for (const t of block.children ?? []) {
      if (t.type === 'html_inline') problems.add(file, line, `raw HTML is not allowed in lessons: ${t.content}`);
      if (t.type === 'image') {
        const src = t.attrGet('src') ?? '';
        if (!/^images\/[\w.-]+$/.test(src)) problems.add(file, line, `picture "${src}" must be a file in this module's images/ folder`);
        else if (!fs.existsSync(path.join(ctx.moduleDir, src))) problems.add(file, line, `picture "${src}" does not exist`);
        if (!t.content.trim()) problems.add(file, line, `picture "${src}" needs a text alternative: ![what it shows](…)`);
      }
      if (t.type === 'link_open') {
        const href = t.attrGet('href') ?? '';
        if (href.startsWith('lesson:')) {
          const target = parseLessonLink(href, ctx.course);
          if (!target) problems.add(file, line, `link "${href}" should look like lesson:<module>/<lesson>`);
          else if (!ctx.lessonExists(target.course, target.module, target.lesson)) problems.add(file, line, `link "${href}" points to a lesson that does not exist`);
        } else if (!/^https:\/\/[^\s]+$/.test(href) && !href.startsWith('#')) {
          problems.add(file, line, `link "${href}" must be a lesson: link or a full https:// address`);
        }
      }
    }
  }
}

type CourseFile = ReturnType<typeof courseFileSchema.parse>;
type ModuleFile = ReturnType<typeof moduleFileSchema.parse>;
type Structure = Map<string, { file: CourseFile; modules: Map<string, ModuleFile> }>;
type LessonExists = (course: string, module: string, lesson: string) => boolean;
/** What reading one module needs: the parsers, the course's hash, the problems and the images found so far. */
interface ModuleContext {
  md: MarkdownIt;
  strict: MarkdownIt;
  hash: Hash;
  problems: Problems;
  images: Map<string, { file: string; type: string; bytes: number }>;
  lessonExists: LessonExists;
}

/** First pass: the course and module files, so that lesson links can be checked across courses. */
function readStructure(root: string, expected: readonly string[], problems: Problems): Structure {
  const structure: Structure = new Map();
  for (const slug of expected) {
    const dir = path.join(root, slug);
    const courseFile = readYaml(path.join(dir, 'course.yaml'), courseFileSchema, problems);
    if (!courseFile) continue;
    if (courseFile.slug !== slug) problems.add(path.join(dir, 'course.yaml'), 1, `slug "${courseFile.slug}" differs from the folder name "${slug}"`);
    const modules = new Map<string, ModuleFile>();
    for (const folder of courseFile.modules) {
      const file = path.join(dir, folder, 'module.yaml');
      const read = readYamlLocated(file, moduleFileSchema, problems);
      if (!read) continue;
      for (const p of checkSources(read.data.lessons)) problems.add(file, read.lineOf(['lessons', p.lesson, 'sources', p.source]), p.message);
      modules.set(folder, read.data);
    }
    structure.set(slug, { file: courseFile, modules });
  }
  return structure;
}

/** Loads and checks every course under `root`. `catalog` is null when any problem was found. */
export function loadContent(root: string, opts: { courses?: readonly string[] } = {}): { catalog: Catalog | null; problems: ContentProblem[] } {
  const problems = new Problems(root);
  const md = createMarkdown();
  const strict = createMarkdown().set({ html: true });
  const expected = opts.courses ?? COURSE_SLUGS;

  const structure = readStructure(root, expected, problems);
  const lessonExists = (course: string, module: string, lesson: string) =>
    structure.get(course)?.modules.get(module)?.lessons.some((l) => l.slug === lesson) ?? false;

  const courses: Course[] = [];
  const images = new Map<string, { file: string; type: string; bytes: number }>();
  for (const [slug, { file: courseFile, modules: moduleFiles }] of structure) {
    const dir = path.join(root, slug);
    const hash = createHash('sha256');
    hash.update(fs.readFileSync(path.join(dir, 'course.yaml')));
    const ctx: ModuleContext = { md, strict, hash, problems, images, lessonExists };
    const modules: Module[] = [];
    for (const folder of courseFile.modules) {
      const moduleFile = moduleFiles.get(folder);
      if (!moduleFile) continue;
      modules.push(loadModule(ctx, slug, path.join(dir, folder), folder, moduleFile));
    }
    courses.push({
      slug,
      title: courseFile.title,
      description: courseFile.description,
      modules,
      completion: courseFile.completion,
      version: hash.digest('hex').slice(0, 16),
    });
  }
  problems.list.sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line);
  return { catalog: problems.list.length === 0 ? { courses, images } : null, problems: problems.list };
}

/** One module: its lessons, its quiz bank and its pictures, each fed to the course's hash in this order. */
function loadModule(ctx: ModuleContext, slug: string, moduleDir: string, folder: string, moduleFile: ModuleFile): Module {
  const { hash, problems } = ctx;
  hash.update(fs.readFileSync(path.join(moduleDir, 'module.yaml')));
  const lessons: Lesson[] = [];
  const seen = new Set<string>();
  moduleFile.lessons.forEach((entry) => {
    if (seen.has(entry.slug)) problems.add(path.join(moduleDir, 'module.yaml'), 1, `lesson "${entry.slug}" is listed twice`);
    seen.add(entry.slug);
    lessons.push(loadLesson(ctx, slug, moduleDir, folder, entry));
  });
  const quizPath = path.join(moduleDir, 'quiz.yaml');
  const read = readYamlLocated(quizPath, quizFileSchema, problems);
  const bankFile = read?.data;
  if (read && bankFile) {
    hash.update(fs.readFileSync(quizPath));
    // quality, not only format: guessing, the longest option or one answer always must not pass (content-quality.ts)
    for (const p of checkBankQuality(bankFile.questions, moduleFile.quiz.questions)) {
      const index = p.question === null ? -1 : bankFile.questions.findIndex((q) => q.id === p.question);
      problems.add(quizPath, index < 0 ? 1 : read.lineOf(['questions', index, 'id']), p.message);
    }
  }
  loadImages(ctx, slug, moduleDir, folder);
  return { folder, title: moduleFile.title, summary: moduleFile.summary, lessons, quiz: moduleFile.quiz, bank: bankFile?.questions ?? [] };
}

/** One lesson in both languages: checked, counted and rendered. */
function loadLesson(ctx: ModuleContext, slug: string, moduleDir: string, folder: string, entry: ModuleFile['lessons'][number]): Lesson {
  const { md, strict, hash, problems, lessonExists } = ctx;
  const html = {} as Record<Locale, string>;
  const words = {} as Record<Locale, number>;
  for (const locale of ['vi', 'en'] as const) {
    const file = path.join(moduleDir, `${entry.slug}.${locale}.md`);
    if (!fs.existsSync(file)) {
      problems.add(file, 0, `missing ${locale === 'vi' ? 'Vietnamese' : 'English'} text of lesson "${entry.slug}"`);
      continue;
    }
    const source = fs.readFileSync(file, 'utf8');
    hash.update(source);
    checkMarkdown(strict, file, source, { course: slug, moduleDir, lessonExists }, problems);
    words[locale] = countWords(md, source);
    if (words[locale] < WORDS_MIN || words[locale] > WORDS_MAX) {
      problems.add(file, 1, `has ${words[locale]} words; a lesson has ${WORDS_MIN}–${WORDS_MAX}`);
    }
    html[locale] = renderLesson(md, source, slug, folder);
  }
  return { slug: entry.slug, title: entry.title, checked: entry.checked, sources: entry.sources, html, words };
}

/** The pictures of a module's images/ folder: checked, hashed and registered for serving. */
function loadImages(ctx: ModuleContext, slug: string, moduleDir: string, folder: string): void {
  const { hash, problems, images } = ctx;
  const imagesDir = path.join(moduleDir, 'images');
  if (!fs.existsSync(imagesDir)) return;
  for (const name of fs.readdirSync(imagesDir)) {
    const file = path.join(imagesDir, name);
    const type = IMAGE_TYPES[path.extname(name).toLowerCase()];
    if (!type) {
      problems.add(file, 0, 'pictures are .svg, .png, .jpg or .webp');
      continue;
    }
    const size = fs.statSync(file).size;
    if (size > IMAGE_MAX_BYTES) problems.add(file, 0, `picture is ${Math.round(size / 1024)} KB; keep pictures under ${IMAGE_MAX_BYTES / 1024} KB`);
    if (type === 'image/svg+xml' && /<script|\bon\w+\s*=|href\s*=\s*["']?(?!#)/i.test(fs.readFileSync(file, 'utf8'))) {
      problems.add(file, 0, 'an SVG picture may not hold scripts, event handlers or links');
    }
    hash.update(fs.readFileSync(file));
    images.set(`/content/${slug}/${folder}/images/${name}`, { file, type, bytes: size });
  }
}
