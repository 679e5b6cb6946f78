/**
 * Loading many progress records at once (synthetic national-scale data, or records brought
 * over from another system): completions and lesson reads, in large unordered batches. No
 * listener runs (no certificate is issued): the caller loads the people's copies alongside.
 */
import type { Types } from 'mongoose';
import { completionBucket, CourseCompletion, LessonRead } from './progress.model';

export interface LoadedCompletion {
  user: Types.ObjectId;
  course: string;
  completedAt: Date;
  contentVersion: string;
}

export interface LoadedRead {
  user: Types.ObjectId;
  course: string;
  /** `module-folder/lesson-slug` */
  lesson: string;
  readAt: Date;
}

type Progress = (done: number, total: number, what: string) => void;

async function inBatches<T>(items: T[], batch: number, write: (slice: T[]) => Promise<unknown>, onBatch: (done: number) => void): Promise<void> {
  for (let i = 0; i < items.length; i += batch) {
    await write(items.slice(i, i + batch));
    onBatch(Math.min(i + batch, items.length));
  }
}

export async function bulkLoadProgress(completions: LoadedCompletion[], reads: LoadedRead[], progress: Progress = () => undefined): Promise<void> {
  await inBatches(completions, 4000, (slice) => CourseCompletion.insertMany(slice.map((c) => ({ ...c, bucket: completionBucket(c.user) })), { ordered: false, lean: true }), (n) =>
    progress(n, completions.length, 'completions'));
  await inBatches(reads, 4000, (slice) => LessonRead.insertMany(slice, { ordered: false, lean: true }), (n) => progress(n, reads.length, 'lesson reads'));
}
