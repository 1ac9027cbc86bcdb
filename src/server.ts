import { buildApp } from './app.ts';
import type { Config } from './config.ts';
import { openDatabase } from './db/database.ts';
import { migrateToLatest } from './db/migrate.ts';

/** Opens and migrates the database, listens, and closes everything cleanly on SIGINT/SIGTERM. */
export async function startServer(config: Config, beforeListen?: (handle: ReturnType<typeof openDatabase>) => Promise<void>) {
  const database = openDatabase(config.database);
  await migrateToLatest(database.db);
  if (beforeListen) await beforeListen(database);
  const app = await buildApp({ config, database, logger: true });
  const shutdown = async (signal: string) => {
    app.log.info({ signal }, 'shutting down');
    await app.close();
    await database.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  await app.listen({ port: config.port, host: config.host });
  return app;
}
