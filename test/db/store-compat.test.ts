/**
 * Proves that mongoose's everyday operations and connect-mongo work on the embedded
 * store before any feature relies on them. Findings are written up in docs/STORE-NOTES.md.
 */
import express from 'express';
import session from 'express-session';
import MongoStore from 'connect-mongo';
import mongoose, { Schema } from 'mongoose';
import request from 'supertest';
import { syncIndexes } from '../../src/db';
import { onEmbeddedStore, useTestDatabase } from '../helpers/db';

const db = useTestDatabase(__filename);

const unitSchema = new Schema({ code: { type: String, required: true, unique: true }, name: String }, { timestamps: true });
const personSchema = new Schema(
  {
    username: { type: String, required: true, unique: true },
    unit: { type: Schema.Types.ObjectId, ref: 'CompatUnit', required: true },
    score: { type: Number, default: 0 },
    tags: [String],
  },
  { timestamps: true },
);
personSchema.index({ unit: 1, score: -1 });
const eventSchema = new Schema({ person: String, course: String });
eventSchema.index({ person: 1, course: 1 }, { unique: true });

const Unit = mongoose.model('CompatUnit', unitSchema);
const Person = mongoose.model('CompatPerson', personSchema);
const CompletionEvent = mongoose.model('CompatEvent', eventSchema);

beforeAll(async () => {
  await syncIndexes();
});

describe('mongoose on the store (the embedded one, or MONGODB_URI under npm run test:store)', () => {
  it('when a unique key is inserted twice, should refuse the second with code 11000', async () => {
    await Unit.create({ code: 'U1', name: 'One' });
    await expect(Unit.create({ code: 'U1', name: 'Again' })).rejects.toMatchObject({ code: 11000 });
    expect(await Unit.countDocuments({ code: 'U1' })).toBe(1);
  });

  it('when two inserts of the same compound key race, should keep exactly one', async () => {
    const results = await Promise.allSettled(
      Array.from({ length: 8 }, () => CompletionEvent.create({ person: 'p1', course: 'c1' })),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(await CompletionEvent.countDocuments({ person: 'p1' })).toBe(1);
  });

  it('when finding, updating and counting, should behave as on MongoDB', async () => {
    const unit = await Unit.create({ code: 'U2', name: 'Two' });
    await Person.insertMany([
      { username: 'a', unit: unit._id, score: 1, tags: ['x'] },
      { username: 'b', unit: unit._id, score: 5 },
      { username: 'c', unit: unit._id, score: 9 },
    ]);
    const high = await Person.find({ unit: unit._id, score: mongoose.trusted({ $gte: 5 }) }).sort({ score: -1 }).lean();
    expect(high.map((p) => p.username)).toEqual(['c', 'b']);

    await Person.updateOne({ username: 'a' }, { $set: { score: 7 }, $addToSet: { tags: 'y' } });
    const a = await Person.findOne({ username: 'a' }).lean();
    expect(a?.score).toBe(7);
    expect(a?.tags).toEqual(['x', 'y']);

    const updated = await Person.findOneAndUpdate({ username: 'b', score: 5 }, { $set: { score: 6 } }, { returnDocument: 'after' });
    expect(updated?.score).toBe(6);
    const guarded = await Person.findOneAndUpdate({ username: 'b', score: 5 }, { $set: { score: 0 } }, { returnDocument: 'after' });
    expect(guarded).toBeNull();

    expect(await Person.countDocuments({ unit: unit._id })).toBe(3);
    expect(await Person.countDocuments({ unit: unit._id, score: mongoose.trusted({ $gt: 100 }) })).toBe(0); // among this test's own people
  });

  it('when iterating with a cursor, should visit every document once', async () => {
    const unit = await Unit.create({ code: 'U3', name: 'Three' });
    await Person.insertMany(Array.from({ length: 250 }, (_, i) => ({ username: `cur${i}`, unit: unit._id, score: i })));
    const seen = new Set<string>();
    for await (const p of Person.find({ unit: unit._id }).batchSize(50).cursor()) seen.add(p.username);
    expect(seen.size).toBe(250);
  });

  it('when populating a reference, should return the referenced document', async () => {
    const unit = await Unit.create({ code: 'U4', name: 'Four' });
    await Person.create({ username: 'pop', unit: unit._id });
    const p = await Person.findOne({ username: 'pop' }).populate<{ unit: { code: string } }>('unit').lean();
    expect(p?.unit.code).toBe('U4');
  });

  it('when grouping with one $sum accumulator per $group, should add up per key', async () => {
    const unit = await Unit.create({ code: 'U5', name: 'Five' });
    await Person.insertMany([
      { username: 'g1', unit: unit._id, score: 2 },
      { username: 'g2', unit: unit._id, score: 3 },
    ]);
    const match = { $match: { unit: unit._id } };
    const [count] = await Person.aggregate<{ n: number }>([match, { $group: { _id: '$unit', n: { $sum: 1 } } }]);
    const [total] = await Person.aggregate<{ total: number }>([match, { $group: { _id: '$unit', total: { $sum: '$score' } } }]);
    expect(count?.n).toBe(2);
    expect(total?.total).toBe(5);
  });

  it('when a $group has two accumulators, should add up the first; FerretDB v1 answers 0 for the others (known gap; see docs/STORE-NOTES.md), MongoDB every one', async () => {
    const unit = await Unit.create({ code: 'U7', name: 'Seven' });
    await Person.insertMany([
      { username: 'h1', unit: unit._id, score: 2 },
      { username: 'h2', unit: unit._id, score: 3 },
    ]);
    const [row] = await Person.aggregate<{ n: number; total: number }>([
      { $match: { unit: unit._id } },
      { $group: { _id: '$unit', n: { $sum: 1 }, total: { $sum: '$score' } } },
    ]);
    // If the embedded store starts to answer 5, update the notes (the app never relies on either answer).
    expect(row?.n).toBe(2);
    expect(row?.total).toBe(onEmbeddedStore() ? 0 : 5);
  });

  it('when a filter holds an operator object from a client, should treat it as a value (sanitizeFilter)', async () => {
    const unit = await Unit.create({ code: 'U6', name: 'Six' });
    await Person.create({ username: 'victim', unit: unit._id });
    const hostile = JSON.parse('{"$ne": null}') as string;
    await expect(Person.findOne({ username: hostile })).rejects.toThrow();
  });

  it('when a filter names a field the schema lacks, should throw (strictQuery)', async () => {
    await expect(Person.find({ notAField: 1 })).rejects.toThrow(/notAField/);
  });

  (onEmbeddedStore() ? it : it.skip)('when a TTL index is declared, should fail loudly at index sync (embedded store only: MongoDB has TTL indexes)', async () => {
    const ttlSchema = new Schema({ at: Date });
    ttlSchema.index({ at: 1 }, { expireAfterSeconds: 60 });
    const conn = mongoose.connection.useDb(`${db.name}_ttl`);
    conn.model('CompatTtl', ttlSchema);
    await expect(syncIndexes(conn)).rejects.toThrow(/Index sync failed for model CompatTtl/);
  });
});

describe('connect-mongo on the store', () => {
  function sessionApp() {
    const app = express();
    const store = MongoStore.create({
      client: mongoose.connection.getClient() as never,
      dbName: db.name,
      collectionName: 'sessions',
      autoRemove: 'disabled',
      stringify: false,
    });
    app.use(session({ secret: 'compat-test-secret-compat-test-secret', resave: false, saveUninitialized: false, store }));
    app.post('/set', (req, res) => {
      (req.session as unknown as { who: string }).who = 'volunteer-1';
      res.send('set');
    });
    app.get('/get', (req, res) => {
      res.send((req.session as unknown as { who?: string }).who ?? 'nobody');
    });
    app.post('/destroy', (req, res) => {
      req.session.destroy(() => res.send('gone'));
    });
    return app;
  }

  it('when a session is saved, read and destroyed, should keep it in the store until destroyed', async () => {
    const agent = request.agent(sessionApp());
    await agent.post('/set').expect(200);
    await agent.get('/get').expect(200, 'volunteer-1');
    const sessions = mongoose.connection.db!.collection('sessions');
    expect(await sessions.countDocuments({})).toBe(1);
    await agent.post('/destroy').expect(200, 'gone');
    expect(await sessions.countDocuments({})).toBe(0);
    await agent.get('/get').expect(200, 'nobody');
  });
});
