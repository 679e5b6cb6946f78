/**
 * Markdown → HTML for lessons, once per process at load time. Raw HTML is not
 * rendered (html: false), links are checked by markdown-it's validator, headings get
 * anchors, `lesson:` links and `images/` pictures become this app's own URLs.
 */
import MarkdownIt from 'markdown-it';
import anchor from 'markdown-it-anchor';
import { foldForSearch } from '../shared/text';

export interface LinkTarget {
  course: string;
  module: string;
  lesson: string;
}

/** `lesson:module/lesson` or `lesson:course/module/lesson`, resolved against the current course. */
export function parseLessonLink(href: string, currentCourse: string): LinkTarget | null {
  const m = /^lesson:(?:([a-z0-9-]+)\/)?(\d{2}-[a-z0-9-]+)\/([a-z0-9-]+)$/.exec(href);
  if (!m) return null;
  return { course: m[1] ?? currentCourse, module: m[2]!, lesson: m[3]! };
}

export function lessonUrl(t: LinkTarget): string {
  return `/courses/${t.course}/${t.module}/${t.lesson}`;
}

export function imageUrl(course: string, module: string, src: string): string {
  return `/content/${course}/${module}/${src}`;
}

function slugify(text: string): string {
  return foldForSearch(text).replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'muc';
}

export function createMarkdown(): MarkdownIt {
  const md = new MarkdownIt({ html: false, linkify: false, typographer: false });
  // markdown-it-anchor's types name the ESM build of markdown-it; the plugin itself is the same.
  const plugin = anchor as unknown as MarkdownIt.PluginWithOptions<anchor.AnchorOptions>;
  md.use(plugin, { slugify, level: [2, 3], permalink: anchor.permalink.headerLink({ safariReaderFix: true }) });
  return md;
}

/** Renders one lesson; `course`/`module` say where its relative links point. */
export function renderLesson(md: MarkdownIt, source: string, course: string, module: string): string {
  const env = { course, module };
  const tokens = md.parse(source, env);
  for (const block of tokens) {
    for (const t of block.children ?? []) {
      if (t.type === 'link_open') {
        const href = t.attrGet('href') ?? '';
        const target = parseLessonLink(href, course);
        if (target) t.attrSet('href', lessonUrl(target));
        else if (/^https?:\/\//.test(href)) t.attrSet('rel', 'noopener noreferrer');
      } else if (t.type === 'image') {
        const src = t.attrGet('src') ?? '';
        if (src.startsWith('images/')) t.attrSet('src', imageUrl(course, module, src));
        t.attrSet('loading', 'lazy');
      }
    }
  }
  return md.renderer.render(tokens, md.options, env);
}

/** Words a reader reads (text only, not markup), for the 300–900 word rule. */
export function countWords(md: MarkdownIt, source: string): number {
  let words = 0;
  for (const block of md.parse(source, {})) {
    for (const t of block.children ?? []) {
      if (t.type === 'text' || t.type === 'code_inline') words += (t.content.match(/\S+/g) ?? []).length;
    }
  }
  return words;
}
