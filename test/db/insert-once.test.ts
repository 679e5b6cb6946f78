/**
 * The one duplicate-key check and insert-once helper, against the real store: a unique index
 * refusing a second insert is told apart from every other failure.
 */
import mongoose, { Schema } from 'mongoose';
import { insertOnce, isDuplicateKey } from '../../src/db/insert-once';
import { useTestDatabase } from '../helpers/db';

useTestDatabase(__filename);

const Once = mongoose.model('InsertOnceRow', new Schema({ key: { type: String, required: true, unique: true }, n: { type: Number, required: true } }, { strict: true }));

beforeAll(async () => {
  await Once.init();
});

describe('isDuplicateKey', () => {
  it('when the store refuses a second insert of a unique key, should say it is a duplicate', async () => {
    await Once.create({ key: 'dup', n: 1 });
    const err = await Once.create({ key: 'dup', n: 2 }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).not.toBeNull();
    expect(isDuplicateKey(err)).toBe(true);
  });

  it('when the error is anything else, should say it is not a duplicate', async () => {
    const invalid = await Once.create({ key: 'no-n' }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(invalid).not.toBeNull();
    expect(isDuplicateKey(invalid)).toBe(false);
    expect(isDuplicateKey(new Error('boom'))).toBe(false);
    expect(isDuplicateKey({ code: 11001 })).toBe(false);
    expect(isDuplicateKey(null)).toBe(false);
    expect(isDuplicateKey('E11000')).toBe(false);
  });
});

describe('insertOnce', () => {
  it('when the key is new, should insert and say so; when it is taken, should keep the first and say false', async () => {
    expect(await insertOnce(Once, { key: 'once', n: 1 })).toBe(true);
    expect(await insertOnce(Once, { key: 'once', n: 2 })).toBe(false);
    const rows = await Once.find({ key: 'once' }).lean();
    expect(rows.map((r) => r.n)).toEqual([1]);
  });

  it('when two inserts of one key race, should insert exactly one', async () => {
    const results = await Promise.all([insertOnce(Once, { key: 'race', n: 1 }), insertOnce(Once, { key: 'race', n: 2 })]);
    expect(results.filter(Boolean)).toHaveLength(1);
    expect(await Once.countDocuments({ key: 'race' })).toBe(1);
  });

  it('when the insert fails for another reason, should throw that error', async () => {
    await expect(insertOnce(Once, { key: 'bad' })).rejects.toThrow(/n/);
    expect(await Once.countDocuments({ key: 'bad' })).toBe(0);
  });
});
