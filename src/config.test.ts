import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.ts';

describe('loadConfig', () => {
  it('defaults to SQLite under ./data on port 3000', () => {
    const config = loadConfig({});
    expect(config.port).toBe(3000);
    expect(config.database).toEqual({ engine: 'sqlite', file: path.resolve('data', 'sahifa.db') });
    expect(config.siteUrl).toBe('http://localhost:3000');
  });

  it('reads PORT, DATA_DIR and DATABASE_URL', () => {
    const config = loadConfig({ PORT: '8080', DATA_DIR: '/tmp/sahifa-x', DATABASE_URL: 'postgres://u@db:5432/news' });
    expect(config.port).toBe(8080);
    expect(config.dataDir).toBe('/tmp/sahifa-x');
    expect(config.database).toEqual({ engine: 'postgres', connectionString: 'postgres://u@db:5432/news' });
    expect(loadConfig({ DATA_DIR: '/tmp/sahifa-y' }).database).toEqual({ engine: 'sqlite', file: '/tmp/sahifa-y/sahifa.db' });
  });

  it('treats an empty variable as unset', () => {
    expect(loadConfig({ DATABASE_URL: '', PORT: '' }).database.engine).toBe('sqlite');
  });

  it('fails fast, naming the variable that is wrong', () => {
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(/PORT/);
    expect(() => loadConfig({ DATABASE_URL: 'mysql://x' })).toThrow(/DATABASE_URL must start with postgres/);
    expect(() => loadConfig({ SITE_URL: 'not a url' })).toThrow(/SITE_URL/);
  });

  it('is frozen', () => {
    expect(Object.isFrozen(loadConfig({}))).toBe(true);
  });

  it('keeps cookies Secure except on plain-http localhost, and reads the session limits in days', () => {
    expect(loadConfig({}).accounts.secureCookies).toBe(false);
    expect(loadConfig({ SITE_URL: 'http://127.0.0.1:3000' }).accounts.secureCookies).toBe(false);
    expect(loadConfig({ SITE_URL: 'https://news.example' }).accounts.secureCookies).toBe(true);
    expect(loadConfig({ SITE_URL: 'http://news.example' }).accounts.secureCookies).toBe(true);
    expect(loadConfig({ SESSION_IDLE_DAYS: '2' }).accounts.sessionIdleMs).toBe(2 * 24 * 60 * 60_000);
    expect(() => loadConfig({ SESSION_MAX_DAYS: '0' })).toThrow(/SESSION_MAX_DAYS/);
  });
});
