/**
 * Indexes the embedded store actually uses. FerretDB v1 on PostgreSQL sends a top-level
 * equality as `_jsonb->$1 @> $2`, which its own btree indexes cannot serve; a GIN expression
 * index on `(_jsonb->'field')` can (with custom plans, set server-wide by the supervisor).
 * For every collection of a database we mirror each field of each declared index, and `_id`,
 * as such an index, through a plain PostgreSQL connection. Idempotent: run at start, after
 * index sync, and again by maintenance so that collections made later are covered too.
 * Only for the embedded store: with MONGODB_URI, MongoDB's own indexes serve the queries.
 */
import { createHash } from 'node:crypto';
import pg from 'pg';

let storePostgresUrl: string | undefined;

/** Set by whoever started (or found) the embedded store; unset with an external MongoDB. */
export function useStorePostgres(url: string | undefined): void {
  storePostgresUrl = url;
}

export function storePostgres(): string | undefined {
  return storePostgresUrl;
}

function quoteIdent(s: string): string {
  return `"${s.replace(/"/g, '""')}"`;
}

function quoteLiteral(s: string): string {
  return `'${s.replace(/'/g, "''")}'`;
}

/** The SQL expression FerretDB compares for a filter key: `_jsonb->'a'` or `_jsonb#>'{a,b}'`. */
export function keyExpression(field: string): string {
  const parts = field.split('.');
  if (parts.length === 1) return `_jsonb->${quoteLiteral(field)}`;
  return `_jsonb#>${quoteLiteral(`{${parts.map((p) => `"${p.replace(/["\\]/g, (c) => `\\${c}`)}"`).join(',')}}`)}`;
}

export function ginIndexName(table: string, field: string): string {
  return `tss_gin_${createHash('sha256').update(`${table}\0${field}`).digest('hex').slice(0, 24)}`;
}

interface CollectionMeta {
  collection: string;
  table: string;
  fields: string[];
}

async function collectionsOf(client: pg.Client, schema: string): Promise<CollectionMeta[]> {
  const exists = await client.query(`SELECT to_regclass($1) AS t`, [`${quoteIdent(schema)}._ferretdb_database_metadata`]);
  if (!exists.rows[0]?.t) return [];
  const res = await client.query<{ coll: string; tbl: string; idx: Array<{ key?: Record<string, unknown> }> | null }>(
    `SELECT _jsonb->>'_id' AS coll, _jsonb->>'table' AS tbl, _jsonb->'indexes' AS idx FROM ${quoteIdent(schema)}._ferretdb_database_metadata`,
  );
  return res.rows.map((r) => {
    const fields = new Set<string>(['_id']);
    for (const index of r.idx ?? []) {
      for (const key of Object.keys(index.key ?? {})) if (key !== '$s' && !key.startsWith('$')) fields.add(key);
    }
    return { collection: r.coll, table: r.tbl, fields: [...fields] };
  });
}

/**
 * Creates the missing GIN indexes of every collection of `database` (FerretDB's schema of
 * that name) and analyses the tables that got one. Returns the indexes it created.
 */
export async function mirrorIndexes(database: string, url = storePostgresUrl): Promise<string[]> {
  if (!url) return [];
  const client = new pg.Client({ connectionString: url, application_name: 'tiepsucso-indexes' });
  await client.connect();
  const created: string[] = [];
  try {
    const existing = new Set(
      (await client.query<{ indexname: string }>(`SELECT indexname FROM pg_indexes WHERE schemaname = $1`, [database])).rows.map((r) => r.indexname),
    );
    for (const c of await collectionsOf(client, database)) {
      let changed = false;
      for (const field of c.fields) {
        const name = ginIndexName(c.table, field);
        if (existing.has(name)) continue;
        await client.query(
          `CREATE INDEX IF NOT EXISTS ${quoteIdent(name)} ON ${quoteIdent(database)}.${quoteIdent(c.table)} USING gin ((${keyExpression(field)}))`,
        );
        created.push(`${c.collection}.${field}`);
        changed = true;
      }
      if (changed) await client.query(`ANALYZE ${quoteIdent(database)}.${quoteIdent(c.table)}`);
    }
  } finally {
    await client.end().catch(() => undefined);
  }
  return created;
}

/** The PostgreSQL table FerretDB keeps `collection` of `database` in (tests and benchmarks use it with EXPLAIN). */
export async function tableOf(database: string, collection: string, url = storePostgresUrl): Promise<string | undefined> {
  if (!url) return undefined;
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await collectionsOf(client, database)).find((c) => c.collection === collection)?.table;
  } finally {
    await client.end().catch(() => undefined);
  }
}
