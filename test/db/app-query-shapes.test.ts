/**
 * The query and update shapes the features rely on, found in src/ (grep for `$in`, `$or`,
 * `.cursor(`, `.sort(`/`.skip(`/`.limit(`, `upsert`, `$setOnInsert`, `$addToSet`/`$pull`/`$unset`,
 * `$exists`, `$lt`, `updateMany`/`deleteMany`, `insertMany({ ordered: false })`,
 * `estimatedDocumentCount`, `exists`), each checked on the store the tests run against: the
 * embedded one in `npm test`, the MongoDB named by MONGODB_URI in `npm run test:store`. The
 * models are this file's own (same shapes, no feature's collection), in a throwaway database.
 */
import mongoose, { Schema, Types } from 'mongoose';
import { insertEach } from '../../src/db/bulk';
import { insertOnce } from '../../src/db/insert-once';
import { useTestDatabase } from '../helpers/db';

useTestDatabase(__filename);

const personSchema = new Schema({
  username: { type: String, required: true, unique: true },
  fullName: String,
  lineage: { type: [Schema.Types.ObjectId], default: [] },
  retrainedBy: { type: Schema.Types.ObjectId, default: null },
  started: { type: [String], default: [] },
  completed: { type: [String], default: [] },
  completedAt: { type: Schema.Types.Mixed, default: {} },
  bucket: Number,
});
personSchema.index({ lineage: 1 });
personSchema.index({ retrainedBy: 1 });
const certificateSchema = new Schema({
  serial: { type: String, required: true, unique: true },
  user: { type: Schema.Types.ObjectId, required: true },
  lineage: { type: [Schema.Types.ObjectId], default: [] },
  holderName: String,
  issuedAt: Date,
  revokedAt: { type: Date, default: null },
});
certificateSchema.index({ user: 1 });
certificateSchema.index({ lineage: 1 });
const takeUpSchema = new Schema({
  difficulty: { type: Schema.Types.ObjectId, required: true, unique: true },
  note: String,
  at: Date,
  editedAt: Date,
});
const expiringSchema = new Schema({ key: { type: String, unique: true }, expire: Date });

const Person = mongoose.model('ShapePerson', personSchema);
const Certificate = mongoose.model('ShapeCertificate', certificateSchema);
const TakeUp = mongoose.model('ShapeTakeUp', takeUpSchema);
const Expiring = mongoose.model('ShapeExpiring', expiringSchema);

beforeAll(async () => {
  await Promise.all([Person.init(), Certificate.init(), TakeUp.init(), Expiring.init()]);
});

const trusted = mongoose.trusted;

describe('reads the features make', () => {
  it('when a filter is one element of an array field (a unit in `lineage`), should find every document holding it', async () => {
    const [province, commune, other] = [new Types.ObjectId(), new Types.ObjectId(), new Types.ObjectId()];
    await Person.insertMany([
      { username: 'lin-1', lineage: [province, commune] },
      { username: 'lin-2', lineage: [province] },
      { username: 'lin-3', lineage: [other] },
    ]);
    expect((await Person.find({ lineage: province }).lean()).map((p) => p.username).sort()).toEqual(['lin-1', 'lin-2']);
    expect((await Person.find({ lineage: commune }).lean()).map((p) => p.username)).toEqual(['lin-1']);
  });

  it('when a scope is `$and` of an `$or` (own unit or retrained by me) and an `$in` of ids, should find exactly those', async () => {
    const unit = new Types.ObjectId();
    const [a, b, c, d] = [new Types.ObjectId(), new Types.ObjectId(), new Types.ObjectId(), new Types.ObjectId()];
    await Certificate.insertMany([
      { serial: 'S-A', user: a, lineage: [unit], issuedAt: new Date() },
      { serial: 'S-B', user: b, lineage: [new Types.ObjectId()], issuedAt: new Date() },
      { serial: 'S-C', user: c, lineage: [new Types.ObjectId()], issuedAt: new Date() },
      { serial: 'S-D', user: d, lineage: [unit], issuedAt: new Date(), revokedAt: new Date() },
    ]);
    const rows = await Certificate.find({ $and: [{ revokedAt: null }, { $or: [{ lineage: unit }, { user: trusted({ $in: [b] }) }] }] }).lean();
    expect(rows.map((r) => r.serial).sort()).toEqual(['S-A', 'S-B']);
    expect((await Certificate.find({ user: trusted({ $in: [a, c] }) }).lean()).map((r) => r.serial).sort()).toEqual(['S-A', 'S-C']);
  });

  it('when paging with sort, skip and limit, should give disjoint pages that cover every document in order', async () => {
    const unit = new Types.ObjectId();
    const base = Date.UTC(2026, 0, 1);
    await Certificate.insertMany(
      Array.from({ length: 23 }, (_, i) => ({ serial: `P-${i}`, user: new Types.ObjectId(), lineage: [unit], issuedAt: new Date(base + i * 60_000) })),
    );
    const pages: string[][] = [];
    for (let page = 0; page < 3; page++) {
      const rows = await Certificate.find({ lineage: unit }).sort({ issuedAt: -1 }).skip(page * 10).limit(10).lean();
      pages.push(rows.map((r) => r.serial));
    }
    expect(pages.map((p) => p.length)).toEqual([10, 10, 3]);
    expect(pages.flat()).toEqual(Array.from({ length: 23 }, (_, i) => `P-${22 - i}`));
  });

  it('when a cursor streams a sorted find in batches, should visit every document once, in order', async () => {
    const unit = new Types.ObjectId();
    const names = Array.from({ length: 620 }, (_, i) => `Người ${String(i).padStart(4, '0')}`);
    await insertEach(Certificate, names.map((holderName, i) => ({ serial: `C-${i}`, user: new Types.ObjectId(), lineage: [unit], holderName, revokedAt: null })));
    const seen: string[] = [];
    for await (const c of Certificate.find({ lineage: unit, revokedAt: null }).sort({ holderName: 1 }).lean().cursor({ batchSize: 500 })) {
      seen.push((c as { holderName: string }).holderName);
    }
    expect(seen).toEqual(names);
  });

  it('when reading the newest few of a key (sort then limit), should return those, newest first', async () => {
    const person = new Types.ObjectId();
    await Certificate.insertMany(
      Array.from({ length: 8 }, (_, i) => ({ serial: `N-${i}`, user: person, issuedAt: new Date(Date.UTC(2026, 1, 1 + i)) })),
    );
    const rows = await Certificate.find({ user: person }).sort({ issuedAt: -1 }).limit(3).lean();
    expect(rows.map((r) => r.serial)).toEqual(['N-7', 'N-6', 'N-5']);
  });

  it('when asking whether any, how many or roughly how many, should answer from the store', async () => {
    await Person.insertMany([{ username: 'count-1', bucket: 1 }, { username: 'count-2' }]);
    expect(await Person.exists({ username: 'count-1' })).not.toBeNull();
    expect(await Person.exists({ username: 'count-none' })).toBeNull();
    expect(await Person.countDocuments({ username: 'count-2' })).toBe(1);
    expect(await Person.estimatedDocumentCount()).toBeGreaterThanOrEqual(2);
    const missing = await Person.find({ username: 'count-2', bucket: trusted({ $exists: false }) }).select('username').lean();
    expect(missing.map((p) => p.username)).toEqual(['count-2']);
    expect(missing[0]).not.toHaveProperty('fullName');
  });

  it('when a name has Vietnamese diacritics, should store and match it exactly', async () => {
    await Person.create({ username: 'dau-1', fullName: 'Nguyễn Thị Ánh Tuyết' });
    expect((await Person.findOne({ fullName: 'Nguyễn Thị Ánh Tuyết' }).lean())?.username).toBe('dau-1');
    expect(await Person.findOne({ fullName: 'Nguyen Thi Anh Tuyet' }).lean()).toBeNull();
  });
});

describe('writes the features make', () => {
  it('when an upsert with $setOnInsert runs twice, should keep the first insert\'s fields and change the rest', async () => {
    const difficulty = new Types.ObjectId();
    const first = new Date(Date.UTC(2026, 2, 1));
    await TakeUp.updateOne({ difficulty }, { $set: { note: 'một', editedAt: first }, $setOnInsert: { at: first } }, { upsert: true });
    await TakeUp.updateOne({ difficulty }, { $set: { note: 'hai', editedAt: new Date() }, $setOnInsert: { at: new Date() } }, { upsert: true });
    const rows = await TakeUp.find({ difficulty }).lean();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ note: 'hai', at: first });
  });

  it('when 10 upserts of one unique key race, should leave one document (each refused one is a duplicate key)', async () => {
    const difficulty = new Types.ObjectId();
    const results = await Promise.allSettled(
      Array.from({ length: 10 }, (_, i) => TakeUp.updateOne({ difficulty }, { $set: { note: `n${i}` }, $setOnInsert: { at: new Date() } }, { upsert: true })),
    );
    for (const r of results) if (r.status === 'rejected') expect((r.reason as { code?: number }).code).toBe(11000);
    expect(await TakeUp.countDocuments({ difficulty })).toBe(1);
  });

  it('when 20 inserts of one "once" key race (insertOnce), should report exactly one success', async () => {
    const results = await Promise.all(Array.from({ length: 20 }, () => insertOnce(Expiring, { key: 'once-race', expire: new Date() })));
    expect(results.filter(Boolean)).toHaveLength(1);
    expect(await Expiring.countDocuments({ key: 'once-race' })).toBe(1);
  });

  it('when adding to a set guarded by $ne, pulling, and setting or unsetting a dotted path, should change exactly that', async () => {
    await Person.create({ username: 'marks' });
    const first = await Person.updateOne({ username: 'marks', started: trusted({ $ne: 'course-a' }) }, { $addToSet: { started: 'course-a' } });
    const again = await Person.updateOne({ username: 'marks', started: trusted({ $ne: 'course-a' }) }, { $addToSet: { started: 'course-a' } });
    expect([first.modifiedCount, again.matchedCount]).toEqual([1, 0]);
    const at = new Date(Date.UTC(2026, 3, 4, 5, 6, 7, 890));
    await Person.updateOne({ username: 'marks' }, { $addToSet: { completed: 'course-a' }, $set: { 'completedAt.course-a': at } });
    expect(await Person.findOne({ username: 'marks' }).lean()).toMatchObject({ started: ['course-a'], completed: ['course-a'], completedAt: { 'course-a': at } });
    await Person.updateOne({ username: 'marks' }, { $pull: { completed: 'course-a' }, $unset: { 'completedAt.course-a': 1 } });
    const after = await Person.findOne({ username: 'marks' }).lean();
    expect(after).toMatchObject({ started: ['course-a'], completed: [] });
    expect(after?.completedAt).toEqual({});
  });

  it('when updating and deleting many by an $in or a date bound, should touch exactly the matching documents', async () => {
    const keep = new Date(Date.UTC(2030, 0, 1));
    const gone = new Date(Date.UTC(2020, 0, 1));
    await Expiring.insertMany([{ key: 'exp-old-1', expire: gone }, { key: 'exp-old-2', expire: gone }, { key: 'exp-new', expire: keep }]);
    const now = new Date(Date.UTC(2026, 0, 1));
    const deleted = await Expiring.deleteMany({ key: trusted({ $in: ['exp-old-1', 'exp-old-2', 'exp-new'] }), expire: trusted({ $lt: now }) });
    expect(deleted.deletedCount).toBe(2);
    const moved = await Expiring.updateMany({ key: trusted({ $in: ['exp-new', 'exp-nobody'] }) }, { $set: { expire: gone } });
    expect([moved.matchedCount, moved.modifiedCount]).toEqual([1, 1]);
    expect((await Expiring.findOne({ key: 'exp-new' }).lean())?.expire).toEqual(gone);
  });

  it('when an unordered insertMany meets duplicates, should insert the others and say every refusal was a duplicate', async () => {
    await Person.create({ username: 'dup-2' });
    const docs = ['dup-1', 'dup-2', 'dup-3'].map((username) => ({ username }));
    expect(await insertEach(Person, docs)).toEqual({ duplicates: true });
    expect(await Person.countDocuments({ username: trusted({ $in: ['dup-1', 'dup-2', 'dup-3'] }) })).toBe(3);
  });

  it('when a change mark is upserted by a string _id on the raw collection, then listed with a limit, should keep one per topic', async () => {
    const marks = mongoose.connection.db!.collection<{ _id: string; at: Date }>('shapechanges');
    await Promise.all(['t1', 't1', 't2'].map((topic, i) => marks.updateOne({ _id: topic }, { $set: { at: new Date(Date.UTC(2026, 0, 1 + i)) } }, { upsert: true }).catch((err: { code?: number }) => {
      if (err.code !== 11000) throw err; // two upserts of one _id at once: the second is refused, the first holds
    })));
    const listed = await marks.find({}).limit(10).toArray();
    expect(listed.map((m) => m._id).sort()).toEqual(['t1', 't2']);
  });

  it('when a date with milliseconds is stored, should read back the same instant', async () => {
    const at = new Date(Date.UTC(2026, 11, 31, 16, 59, 59, 999));
    await Expiring.create({ key: 'ms', expire: at });
    expect((await Expiring.findOne({ key: 'ms' }).lean())?.expire?.toISOString()).toBe(at.toISOString());
  });
});
