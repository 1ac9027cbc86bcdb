// Sign-in cost: argon2id hash and verify at Sahifa's parameters, and a whole password sign-in through the app
// (form parsing, CSRF, rate limits in the database, argon2 verify, session row, redirect). Run alone with
// `node --import tsx bench/accounts.bench.ts`, or as part of `npm run bench`.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildApp } from '../src/app.ts';
import { ARGON2_PARAMETERS, hashPassword, verifyPassword } from '../src/accounts/password.ts';
import { accountsRepository } from '../src/accounts/accounts.repository.ts';
import { loadConfig } from '../src/config.ts';
import { openDatabase } from '../src/db/database.ts';
import { migrateToLatest } from '../src/db/migrate.ts';
import { percentiles } from './stats.ts';

export async function accountsBench(line: (text: string) => void, rounds = 40) {
  const password = 'قهوة الصباح على الشرفة';
  const hashMs: number[] = [];
  const verifyMs: number[] = [];
  let stored = '';
  for (let i = 0; i < rounds; i++) {
    let started = performance.now();
    stored = await hashPassword(password);
    hashMs.push(performance.now() - started);
    started = performance.now();
    await verifyPassword(stored, password);
    verifyMs.push(performance.now() - started);
  }

  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sahifa-bench-accounts-'));
  const config = loadConfig({ DATA_DIR: dataDir, SITE_URL: 'https://news.example' });
  const database = openDatabase(config.database);
  const signInMs: number[] = [];
  try {
    await migrateToLatest(database.db);
    const now = new Date().toISOString();
    await accountsRepository(database.db).insertUser({ id: 'bench', email: 'bench@example.com', email_verified_at: now, password_hash: stored, display_name: null, created_at: now, updated_at: now });
    const app = await buildApp({ config, database });
    for (let i = 0; i < rounds; i++) {
      // Each sign-in from its own address, as real ones are, so the per-address limit does not stop the run.
      const ip = `10.0.${Math.floor(i / 250)}.${i % 250}`;
      const form = await app.inject({ url: '/account/signin', remoteAddress: ip });
      const csrf = /name="_csrf" value="([^"]+)"/.exec(form.body)![1]!;
      const cookie = form.cookies.map((c) => `${c.name}=${c.value}`).join('; ');
      if (i % 10 === 0) await database.db.deleteFrom('rate_limits').execute();
      const started = performance.now();
      const response = await app.inject({
        method: 'POST',
        url: '/account/signin',
        remoteAddress: ip,
        headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
        payload: new URLSearchParams({ _csrf: csrf, email: 'bench@example.com', password, next: '/' }).toString(),
      });
      signInMs.push(performance.now() - started);
      if (response.statusCode !== 303) throw new Error(`sign-in answered ${response.statusCode}`);
    }
    await app.close();
  } finally {
    await database.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
  const describe = (samples: number[]) => {
    const p = percentiles(samples);
    return `p50 ${p.p50.toFixed(1)} ms, p95 ${p.p95.toFixed(1)} ms`;
  };
  const { memoryCost, timeCost, parallelism } = ARGON2_PARAMETERS;
  line(`argon2id (m=${memoryCost} KiB, t=${timeCost}, p=${parallelism}): hash ${describe(hashMs)}; verify ${describe(verifyMs)}`);
  line(`password sign-in through the app (SQLite, ${rounds} sign-ins): ${describe(signInMs)}`);
  return { argon2: { memoryCost, timeCost, parallelism, hash: percentiles(hashMs), verify: percentiles(verifyMs) }, signIn: percentiles(signInMs) };
}

if (import.meta.filename === path.resolve(process.argv[1] ?? '')) await accountsBench(console.log);
