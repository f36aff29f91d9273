import { createServer, Server } from 'http';
import { Registry } from 'prom-client';
import { json, Reply, send } from '../../service-kit/http';
import { Logger } from '../../service-kit/log';
import { CollectionSource } from './collector';

export interface ServerDependencies {
  readonly registry: Registry;
  readonly database: CollectionSource;
  readonly log: Logger;
}

/**
 * GET /metrics  the families, computed from the database now (or within the cache window)
 * GET /healthz  the process answers
 * GET /readyz   the latest database query succeeded (503 otherwise)
 * /metrics answers 200 even when the database is down: pipewatch_airflow_db_up says so.
 */
export function createHttpServer(deps: ServerDependencies): Server {
  const routes: Record<string, () => Promise<Reply>> = {
    '/metrics': async () => ({ status: 200, body: await deps.registry.metrics(), contentType: deps.registry.contentType }),
    '/healthz': async () => json(200, { status: 'ok' }),
    '/readyz': async () => {
      const collection = await deps.database.collect();
      return collection.ok ? json(200, { ready: true }) : json(503, { ready: false, reason: 'the latest query of the Airflow metadata database failed; see the exporter log' });
    },
  };
  return createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://exporter').pathname;
    const route = routes[path];
    if (!route) return send(res, json(404, { error: `no route ${path}`, routes: Object.keys(routes) }));
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, { ...json(405, { error: `${req.method} is not allowed on ${path}` }), headers: { Allow: 'GET, HEAD' } });
    route().then(
      (reply) => send(res, reply),
      (error: Error) => {
        deps.log.error('request failed', { path, error });
        send(res, json(500, { error: 'internal error; see the exporter log' }));
      },
    );
  });
}
