/** What a session can be about: a module of the two courses, or one of the campaign's three training topics. */
import type { Catalog } from '../courses';

/** The three topics of the national training (BRIEF.md): VNeID and online services, supporting people, AI basics. */
export const CAMPAIGN_TOPICS = ['topic:vneid', 'topic:support', 'topic:ai'] as const;

/** Every topic id: `<course>/<module>` from the catalog, then the campaign's three. */
export function topicIds(catalog: Catalog): string[] {
  return [...catalog.courses.flatMap((c) => c.modules.map((m) => `${c.slug}/${m.folder}`)), ...CAMPAIGN_TOPICS];
}

/** A topic's name in the reader's language. */
export function topicName(catalog: Catalog, id: string, locale: string, t: (key: string) => string): string {
  if (id.startsWith('topic:')) return t(`retraining.topics.${id.slice('topic:'.length)}`);
  const [slug, folder] = id.split('/');
  const mod = catalog.courses.find((c) => c.slug === slug)?.modules.find((m) => m.folder === folder);
  return mod ? mod.title[locale as 'vi' | 'en'] : id;
}
