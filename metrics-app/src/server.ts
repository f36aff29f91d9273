import { createServer, IncomingMessage, Server } from 'http';
import { z } from 'zod';
import { json, Reply, send } from '../../service-kit/http';
import { Logger } from '../../service-kit/log';
import { RunHistory } from './history/types';
import { SimulatorMetrics } from './metrics';
import { MAX_FAST_FORWARD_SECONDS, SimulationRunner } from './runner';
import { describeIssues, parseScenario, SCENARIO_KINDS, ScenarioBook, ScenarioError } from './scenarios';

export interface ServerDependencies {
  readonly metrics: SimulatorMetrics;
  readonly scenarios: ScenarioBook;
  readonly history: RunHistory;
  readonly runner: SimulationRunner;
  readonly log: Logger;
}

const MAX_BODY_BYTES = 16 * 1024;
const MAX_RUNS_LIMIT = 1000;

/** An error answered as JSON `{ error, details }` with its HTTP status. */
class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly details: readonly string[] = [],
  ) {
    super(message);
  }
}

const fastForwardSchema = z.object({ seconds: z.number().positive().max(MAX_FAST_FORWARD_SECONDS) }).strict();

/**
 * GET  /metrics, /healthz, /readyz
 * GET  /scenarios              scenarios in force and the kinds available
 * POST /scenarios              {"dagId","kind"[,"factor"|"taskId"]}: set (or replace) a pipeline's scenario
 * DELETE /scenarios/:dagId     recover the pipeline
 * POST /clock/advance          {"seconds"}: fast-forward pipeline time
 * GET  /runs?dagId=&limit=     latest finished runs from the run history
 */
export function createHttpServer(deps: ServerDependencies): Server {
  const routes: Record<string, Partial<Record<string, (req: IncomingMessage, url: URL) => Promise<Reply>>>> = {
    '/metrics': { GET: async () => ({ status: 200, body: await deps.metrics.render(), contentType: deps.metrics.registry.contentType }) },
    '/healthz': { GET: async () => json(200, { status: 'ok' }) },
    '/readyz': { GET: async () => readiness(deps) },
    '/scenarios': {
      GET: async () => json(200, { scenarios: deps.scenarios.list(), kinds: SCENARIO_KINDS }),
      POST: async (req) => {
        const active = deps.scenarios.set(parseScenario(await readJson(req)));
        deps.log.info('scenario set', { ...active });
        return json(201, active);
      },
    },
    '/clock/advance': {
      POST: async (req) => {
        const parsed = fastForwardSchema.safeParse(await readJson(req));
        if (!parsed.success) throw new HttpError(400, `send {"seconds": n} with 0 < n <= ${MAX_FAST_FORWARD_SECONDS}`, describeIssues(parsed.error));
        const events = deps.runner.fastForward(parsed.data.seconds);
        deps.log.info('pipeline time fast-forwarded', { seconds: parsed.data.seconds, events });
        return json(200, { simulatedTime: new Date(deps.runner.simulatedNowMs).toISOString(), events });
      },
    },
    '/runs': { GET: async (_req, url) => recentRuns(deps, url) },
  };

  return createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://simulator');
    const method = req.method ?? 'GET';
    const scenarioPath = /^\/scenarios\/([^/]+)$/.exec(url.pathname);
    const handlers = scenarioPath
      ? { DELETE: async () => recover(deps, decodeURIComponent(scenarioPath[1])) }
      : routes[url.pathname];
    const handler = handlers?.[method];
    const reply = !handlers
      ? Promise.resolve(json(404, { error: `no route ${url.pathname}`, routes: [...Object.keys(routes), '/scenarios/:dagId'] }))
      : !handler
        ? Promise.resolve({ ...json(405, { error: `${method} is not allowed on ${url.pathname}` }), headers: { Allow: Object.keys(handlers).join(', ') } })
        : handler(req, url);
    reply.then(
      (r) => send(res, r),
      (error: unknown) => send(res, errorReply(error, deps.log, method, url.pathname)),
    );
  });
}


function errorReply(error: unknown, log: Logger, method: string, path: string): Reply {
  if (error instanceof HttpError) return json(error.status, { error: error.message, details: error.details });
  if (error instanceof URIError) return json(400, { error: 'the path has malformed percent-encoding', details: [path] });
  if (error instanceof ScenarioError) {
    // DELETE names the pipeline in the path, so an unknown one is a missing resource; in a POST body it is bad input.
    return json(error.reason === 'unknown-dag' && method === 'DELETE' ? 404 : 400, { error: error.message, details: error.details });
  }
  log.error('request failed', { method, path, error: error as Error });
  return json(500, { error: 'internal error; see the simulator log' });
}

async function readiness(deps: ServerDependencies): Promise<Reply> {
  const checks = { model: deps.runner.started, history: deps.history.isReady() };
  const ready = checks.model && checks.history;
  return json(ready ? 200 : 503, { ready, checks });
}

async function recover(deps: ServerDependencies, dagId: string): Promise<Reply> {
  const previous = deps.scenarios.clear(dagId);
  if (previous) deps.log.info('scenario cleared', { dagId, kind: previous.kind });
  return json(200, { dagId, recovered: previous?.kind ?? null });
}

async function recentRuns(deps: ServerDependencies, url: URL): Promise<Reply> {
  const limitText = url.searchParams.get('limit') ?? '50';
  const limit = Number(limitText);
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_RUNS_LIMIT) {
    throw new HttpError(400, `limit must be a whole number from 1 to ${MAX_RUNS_LIMIT}`, [`got "${limitText}"`]);
  }
  const dagId = url.searchParams.get('dagId') ?? undefined;
  try {
    return json(200, { runs: await deps.history.recent({ limit, ...(dagId ? { dagId } : {}) }) });
  } catch (error) {
    deps.log.warn('run history unavailable', { error: error as Error });
    throw new HttpError(503, 'run history is unavailable; runs are buffered and written when the database is back');
  }
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new HttpError(413, `request body is larger than ${MAX_BODY_BYTES} bytes`);
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new HttpError(400, 'request body is not valid JSON', [(error as Error).message]);
  }
}
