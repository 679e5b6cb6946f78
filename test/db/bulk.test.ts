/**
 * Writes of the campaign's size on the default store (issue 15): 20,000 inserts and 20,000
 * updates through the one helper each, with another query answering meanwhile, and the
 * store still answering afterwards (a bulkWrite of this size wedged it for good).
 */
import mongoose, { Schema } from 'mongoose';
import { insertEach, updateEach } from '../../src/db/bulk';
import { pingDatabase } from '../../src/db/connection';
import { useTestDatabase } from '../helpers/db';

useTestDatabase(__filename);

const Row = mongoose.model('BulkRow', new Schema({ key: { type: String, required: true, unique: true }, n: Number }, { strict: true }));
const N = 20_000;

beforeAll(async () => {
  await Row.init();
});

describe('bulk writes of 20,000', () => {
  it('should insert and update every row, skipping duplicates, while other queries still answer', async () => {
    const docs = Array.from({ length: N }, (_, i) => ({ key: `k${i}`, n: 0 }));
    let answered = 0;
    let writing = true;
    const other = (async () => {
      while (writing) {
        await Row.findOne({ key: 'k1' }).lean();
        answered += 1;
        await new Promise((r) => setTimeout(r, 50));
      }
    })();
    expect(await insertEach(Row, docs)).toEqual({ duplicates: false });
    expect(await insertEach(Row, docs.slice(0, 1500).concat([{ key: 'extra', n: 0 }]))).toEqual({ duplicates: true });
    expect(await Row.countDocuments()).toBe(N + 1);
    const result = await updateEach(Row, docs.map((d, i) => ({ filter: { key: d.key }, update: { $set: { n: i } } })));
    writing = false;
    await other;
    expect(result).toEqual({ matched: N, modified: N - 1 }); // k0 already had n: 0
    expect((await Row.findOne({ key: `k${N - 1}` }).lean())!.n).toBe(N - 1);
    expect(answered).toBeGreaterThan(0);
    expect((await pingDatabase()).ok).toBe(true);
  }, 600_000);
});
