/**
 * What a kept course is made of: the pages and pictures the page script (public/offline.js)
 * saves for offline reading, their approximate size, and a version that changes when the
 * course's content or the person's language does.
 */
import { createHash } from 'node:crypto';
import { findCourse, lessonKeys, type Catalog } from '../courses';
import type { Actor } from '../shared/actor';
import type { Locale } from '../config';

/** A rendered page weighs its lesson's text plus about this much of layout, menu and forms. */
const PAGE_OVERHEAD_BYTES = 6 * 1024;

export interface OfflineManifest {
  course: string;
  version: string;
  pages: string[];
  images: string[];
  bytes: number;
}

/** The manifest of one course for one person (same for everyone who may read courses, in their language). */
export function offlineManifest(_actor: Actor, input: { catalog: Catalog; course: string; locale: Locale }): OfflineManifest {
  const course = findCourse(input.catalog, input.course);
  const base = `/courses/${course.slug}`;
  const pages = [base, ...lessonKeys(course).map((key) => `${base}/${key}`)];
  const images = [...input.catalog.images.keys()].filter((url) => url.startsWith(`/content/${course.slug}/`));
  const textBytes = course.modules.flatMap((m) => m.lessons).reduce((sum, l) => sum + Buffer.byteLength(l.html[input.locale]), 0);
  const imageBytes = images.reduce((sum, url) => sum + input.catalog.images.get(url)!.bytes, 0);
  return {
    course: course.slug,
    version: createHash('sha256').update(`${course.version}:${input.locale}`).digest('hex').slice(0, 16),
    pages,
    images,
    bytes: textBytes + pages.length * PAGE_OVERHEAD_BYTES + imageBytes,
  };
}
