/**
 * "Something changed" markers shared by every app process: writers mark a topic, and
 * the jobs that keep derived data (the compliance roll-ups) rebuild only when needed.
 */
import mongoose from 'mongoose';

const COLLECTION = 'change_marks';

export async function markChanged(topic: string, at = new Date()): Promise<void> {
  const write = () => mongoose.connection.db!.collection<{ _id: string; at: Date }>(COLLECTION).updateOne({ _id: topic }, { $set: { at } }, { upsert: true });
  try {
    await write();
  } catch (err) {
    if ((err as { code?: number }).code !== 11000) throw err;
    await write(); // two writers made the mark at once: it exists now
  }
}

export async function changedAt(topic: string): Promise<Date | null> {
  const doc = await mongoose.connection.db!.collection<{ _id: string; at: Date }>(COLLECTION).findOne({ _id: topic });
  return doc?.at ?? null;
}
