/**
 * The embedded store uses its indexes: every hot query's filter, in the SQL FerretDB sends for
 * it (`_jsonb->$1 @> $2`, key and value as parameters, planned as a custom plan), is served by
 * one of the GIN indexes mirrored from the schemas (src/db/store-indexes.ts). Checked with
 * EXPLAIN on PostgreSQL itself; with sequential scans disabled, a plan that still scans means
 * that no index can serve the filter.
 */
import mongoose from 'mongoose';
import pg from 'pg';
import { createAccount } from '../../src/accounts';
import { mirrorIndexes, tableOf } from '../../src/db';
import { testApp } from '../helpers/app';
import { onEmbeddedStore, useTestDatabase } from '../helpers/db';
import { createTree, manyVolunteers } from '../helpers/factories';

const db = useTestDatabase(__filename);
// PostgreSQL's own plans: nothing to check on a MongoDB (npm run test:store with MONGODB_URI), which uses its own indexes
const describeOnEmbedded = onEmbeddedStore() ? describe : describe.skip;
let client: pg.Client;

beforeAll(async () => {
  if (!onEmbeddedStore()) return;
  testApp(); // registers every feature's models, whose collections syncIndexes made
  await createTree();
  await createAccount(null, { username: 'explain.me', fullName: 'Explain Me', role: 'volunteer', unitCode: 'T-HN', password: 'Correct-Horse-Battery-42' });
  // enough people that PostgreSQL prefers an index by itself
  await manyVolunteers('T-HN', 3000);
  client = new pg.Client({ connectionString: process.env.TEST_POSTGRES_URL });
  await client.connect();
});
afterAll(async () => {
  await client?.end();
});

/** The plan of FerretDB's query for `{ [field]: <the value stored on a sample document> }`. */
async function planOf(collection: string, field: string, opts: { seqscan: boolean }): Promise<string> {
  const table = await tableOf(db.name, collection, process.env.TEST_POSTGRES_URL);
  if (!table) throw new Error(`no table for ${collection}`);
  const rel = `"${db.name}"."${table}"`;
  const sample = await client.query(`SELECT _jsonb->$1 AS v FROM ${rel} WHERE _jsonb ? $1 AND _jsonb->$1 <> '[]'::jsonb LIMIT 1`, [field]);
  // an array field (lineage) is matched by one of its elements, as FerretDB compares it
  const value = (Array.isArray(sample.rows[0]?.v) ? sample.rows[0].v[0] : sample.rows[0]?.v) ?? 'no-such-value';
  await client.query(`SET enable_seqscan = ${opts.seqscan ? 'on' : 'off'}`);
  await client.query(`ANALYZE ${rel}`);
  const res = await client.query(`EXPLAIN SELECT _jsonb FROM ${rel} WHERE _jsonb->$1 @> $2`, [field, JSON.stringify(value)]);
  return res.rows.map((r: Record<string, string>) => r['QUERY PLAN']).join('\n');
}

describeOnEmbedded('indexes the embedded store uses', () => {
  it('should mirror each declared index as a GIN index, idempotently, also for collections made later', async () => {
    // connect-mongo makes its collection at the first session, after the start: maintenance mirrors it
    await mongoose.connection.db!.collection('sessions').insertOne({ _id: 'explain-session' as never, expires: new Date(), session: {} });
    expect(await mirrorIndexes(db.name, process.env.TEST_POSTGRES_URL)).toContain('sessions._id');
    expect(await mirrorIndexes(db.name, process.env.TEST_POSTGRES_URL)).toEqual([]);
    // this database's indexes first, then their definitions: pg_indexes may compute the definition of an
    // index in another schema that a test running beside this one is dropping ("could not open relation")
    const idx = await client.query(
      `WITH mine AS MATERIALIZED (SELECT c.oid FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 AND c.relkind = 'i')
       SELECT d.indexdef FROM (SELECT pg_get_indexdef(oid) AS indexdef FROM mine) d WHERE d.indexdef LIKE '%USING gin%'`,
      [db.name],
    );
    const defs = idx.rows.map((r: { indexdef: string }) => r.indexdef).join('\n');
    for (const field of ['username', 'lineage', 'cascadePath', 'unit', '_id']) expect(defs).toContain(`(_jsonb -> '${field}'::text)`);
  });

  it('should serve sign-in and the session\'s user lookup from an index on 3,000 people, as PostgreSQL plans it by itself', async () => {
    for (const field of ['username', '_id']) {
      expect(await planOf('users', field, { seqscan: true })).toMatch(/Bitmap Index Scan on tss_gin_/);
    }
  });

  it.each([
    ['users', 'lineage'],
    ['users', 'cascadePath'],
    ['users', 'retrainedBy'],
    ['sessions', '_id'],
    ['units', 'code'],
    ['units', 'parent'],
    ['units', 'lineage'],
    ['coursecompletions', 'user'],
    ['coursecompletions', 'bucket'],
    ['lessonreads', 'user'],
    ['modulepasses', 'user'],
    ['quizattempts', 'user'],
    ['quizresults', 'attempt'],
    ['certificates', 'serial'],
    ['certificates', 'user'],
    ['rollups', 'key'],
    ['rollups', 'parent'],
    ['rollups', 'builtAt'],
    ['cohorts', 'owner'],
    ['cohortmembers', 'cohort'],
    ['cohortmembers', 'user'],
    ['difficultytakeups', 'lineage'],
    ['snapshots', 'key'],
    ['fieldreports', 'lineage'],
    ['auditentries', 'lineage'],
    ['auditentries', 'minute'],
    ['auditslotmarks', 'key'],
    ['exportjobs', 'owner'],
  ])('should have an index that serves %s by %s', async (collection, field) => {
    expect(await planOf(collection, field, { seqscan: false })).toMatch(/Index Scan on tss_gin_/);
  });
});
