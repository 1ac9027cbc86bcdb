// The raw reference for page throughput: a bare Node HTTP server answering /article/:slug with the row that
// better-sqlite3 reads for that slug, as JSON. No framework, no rendering, no relations.
import http from 'node:http';
import SQLite from 'better-sqlite3';

const db = new SQLite(process.env.RAW_DB_FILE!, { readonly: true });
const bySlug = db.prepare('select * from articles where slug = ?');
const server = http.createServer((request, response) => {
  const slug = decodeURIComponent((request.url ?? '').replace(/^\/article\//, ''));
  const row = bySlug.get(slug);
  response.writeHead(row ? 200 : 404, { 'content-type': 'application/json' });
  response.end(JSON.stringify(row ?? null));
});
server.listen(Number(process.env.PORT), '127.0.0.1', () => process.send?.('listening'));
