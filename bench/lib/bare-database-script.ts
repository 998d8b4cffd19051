/**
 * The baseline of bench:memory: a bare Node process that opens the same database as the hub —
 * PGlite on the same data folder (with pgcrypto, as the hub loads it), or one `pg` client on the
 * same PostgreSQL database — runs one query, and nothing else. Plain CommonJS run with `node -e`,
 * not through tsx: the TypeScript loader alone would add tens of MB to the baseline. Reports its
 * memory over IPC when asked; closes on `close`.
 */
export const BARE_DATABASE_SCRIPT = `
const send = (message) => process.send(message);
async function open() {
  const url = process.env.BARE_DATABASE_URL;
  if (url) {
    const { Client } = require('pg');
    const client = new Client({ connectionString: url });
    await client.connect();
    return { query: (sql) => client.query(sql), close: () => client.end() };
  }
  const { PGlite } = require('@electric-sql/pglite');
  const { pgcrypto } = require('@electric-sql/pglite/contrib/pgcrypto');
  const pglite = await PGlite.create({ dataDir: process.env.BARE_PGLITE_DIR, extensions: { pgcrypto } });
  return { query: (sql) => pglite.query(sql), close: () => pglite.close() };
}
open().then(async (database) => {
  await database.query('SELECT count(*) FROM messages');
  send({ type: 'ready' });
  process.on('message', (message) => {
    if (message.type === 'memory') {
      const usage = process.memoryUsage();
      send({ type: 'memory', memory: { rss: usage.rss, heapUsed: usage.heapUsed, heapTotal: usage.heapTotal, external: usage.external } });
    } else if (message.type === 'close') {
      database.close().then(() => process.exit(0));
    }
  });
}, (error) => {
  console.error('bare database process:', error.message);
  process.exit(1);
});
`;
