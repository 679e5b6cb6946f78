import mongoose from 'mongoose';
import { RATE_LIMITS_COLLECTION } from '../../src/shared/rate-limit';
import { runMaintenance } from '../../src/shared/maintenance';
import { useTestDatabase } from '../helpers/db';

useTestDatabase(__filename);

describe('maintenance', () => {
  it('should delete expired sessions and sign-in counters, and keep live ones', async () => {
    const db = mongoose.connection.db!;
    const past = new Date(Date.now() - 60_000);
    const future = new Date(Date.now() + 60_000);
    await db.collection('sessions').insertMany([{ _id: 'old' as never, expires: past, session: {} }, { _id: 'live' as never, expires: future, session: {} }]);
    await db.collection(RATE_LIMITS_COLLECTION).insertMany([{ key: 'a', window: 1, slot: 'a|1|0', expire: past }, { key: 'b', window: 2, slot: 'b|2|0', expire: future }]);
    expect(await runMaintenance()).toEqual({ sessions: 1, rateLimits: 1 });
    expect(await db.collection('sessions').countDocuments()).toBe(1);
    expect(await db.collection(RATE_LIMITS_COLLECTION).countDocuments()).toBe(1);
    expect(await runMaintenance()).toEqual({ sessions: 0, rateLimits: 0 });
  });
});
