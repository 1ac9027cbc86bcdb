import type { FastifyInstance } from 'fastify';
import { type Kysely, sql } from 'kysely';
import { pendingMigrations } from '../db/migrate.ts';

/**
 * `/readyz`: may a load balancer send traffic here? Yes when the database answers and its schema has every
 * migration this code knows. `/healthz` (liveness) stays separate so that a database outage takes a process out
 * of rotation without getting it restarted.
 */
export function readinessRoutes(app: FastifyInstance, deps: { db: Kysely<any> }): void {
  // Once current, the schema stays current for this code: a later deploy only adds migrations this code does not
  // know. Remembering it spares the migration table lookup on every probe; losing it on restart costs one lookup.
  let migrationsCurrent = false;

  app.get('/readyz', async (request, reply) => {
    reply.header('cache-control', 'no-store');
    try {
      await sql`select 1`.execute(deps.db);
      if (!migrationsCurrent) {
        const pending = await pendingMigrations(deps.db);
        if (pending.length) return reply.code(503).send({ status: 'unavailable', reason: 'migrations pending', pending });
        migrationsCurrent = true;
      }
      return { status: 'ready' };
    } catch (error) {
      request.log.warn({ err: error }, 'readiness: database unreachable');
      return reply.code(503).send({ status: 'unavailable', reason: 'database unreachable' });
    }
  });
}
