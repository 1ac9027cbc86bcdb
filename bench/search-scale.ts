// npm run bench:search — search latency at scale alone (bench/run.ts step 4): a SQLite database of BENCH_MILLION
// (1,000,000) articles and, when BENCH_POSTGRES_URL or TEST_DATABASE_URL is set, a PostgreSQL schema of
// BENCH_POSTGRES_ARTICLES (100,000). Set BENCH_SEARCH_DB=/tmp/sahifa-search-1m.db to build the SQLite file once
// and reuse it on later runs.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readCorpus } from './corpus.ts';
import { searchAtScale } from './search.bench.ts';

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'sahifa-bench-search-'));
try {
  const corpus = await readCorpus();
  const figures = await searchAtScale(corpus, work, (text) => console.log(text));
  fs.mkdirSync(path.join(import.meta.dirname, 'results'), { recursive: true });
  fs.writeFileSync(path.join(import.meta.dirname, 'results', 'search-scale.json'), `${JSON.stringify({ date: new Date().toISOString(), ...figures }, null, 2)}\n`);
} finally {
  fs.rmSync(work, { recursive: true, force: true });
}
