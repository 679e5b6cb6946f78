import mongoose from 'mongoose';
import { runMaintenance } from '../../src/shared/maintenance';
import { useTestDatabase } from '../helpers/db';

useTestDatabase(__filename);

describe('maintenance', () => {
  it('should delete expired sessions and sign-in counters, and keep live ones', async () => {
    const db = mongoose.connection.db!;
    const past = new Date(Date.now() - 60_000);
    const future = new Date(Date.now() + 60_000);
    await db.collection('sessions').insertMany([{ _id: 'old' as never, expires: past, session: {} }, { _id: 'live' as never, expires: future, session: {} }]);
    await db.collection('rate_limits').insertMany([{ key: 'a', points: 3, expire: past }, { key: 'b', points: 1, expire: future }]);
    expect(await runMaintenance()).toEqual({ sessions: 1, rateLimits: 1 });
    expect(await db.collection('sessions').countDocuments()).toBe(1);
    expect(await db.collection('rate_limits').countDocuments()).toBe(1);
    expect(await runMaintenance()).toEqual({ sessions: 0, rateLimits: 0 });
  });
});
