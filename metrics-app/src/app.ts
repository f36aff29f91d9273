import { randomUUID } from 'crypto';
import { Server } from 'http';
import { AddressInfo } from 'net';
import { loadPipelineCatalog } from '../../content/pipeline/catalog';
import { PipelineSpec } from '../../content/pipeline/spec';
import { Logger } from '../../service-kit/log';
import { Clock, SimulationClock } from './clock';
import { Config, ConfigError } from './config';
import { BufferedRunHistory, BufferOptions } from './history/buffer';
import { HistoryDbStatus } from './history/db-status';
import { MemoryRunHistory } from './history/memory';
import { PostgresHistoryStore } from './history/postgres';
import { RunHistory } from './history/types';
import { SimulatorMetrics } from './metrics';
import { Simulation } from './model/simulation';
import { syntheticPipelines } from './model/synthetic';
import { MetricsRecorder } from './recorder';
import { SimulationRunner } from './runner';
import { ScenarioBook, ScenarioError } from './scenarios';
import { createHttpServer } from './server';

export type AppConfig = Pick<Config, 'host' | 'port' | 'timeScale' | 'seed' | 'tickMs' | 'pipelines' | 'scenarios' | 'postgres' | 'historyBufferRows' | 'historyMemoryRows'>;

/** Most time the start-up restore may take before the simulator starts with empty run state. */
const RESTORE_TIMEOUT_MS = 5_000;

export interface AppDependencies {
  readonly wallClock: Clock;
  readonly log: Logger;
  /** Retry timing of the PostgreSQL buffer; tests shorten it. */
  readonly historyRetry?: Pick<BufferOptions, 'initialBackoffMs' | 'maxBackoffMs' | 'flushDelayMs'>;
}

export interface App {
  readonly pipelines: readonly PipelineSpec[];
  readonly metrics: SimulatorMetrics;
  readonly scenarios: ScenarioBook;
  readonly history: RunHistory;
  readonly runner: SimulationRunner;
  readonly server: Server;
  /**
   * Starts the HTTP server, restores the run state from PostgreSQL (bounded), then
   * the history writer and the model; resolves with the bound address.
   */
  start(): Promise<AddressInfo>;
  /** Stops the model, closes the server, flushes the history (bounded by `timeoutMs`) and closes the pool. */
  stop(timeoutMs?: number): Promise<void>;
}

function pipelinesFor(config: Pick<Config, 'pipelines' | 'seed'>): readonly PipelineSpec[] {
  if (typeof config.pipelines === 'number') return syntheticPipelines(config.pipelines, config.seed);
  try {
    return loadPipelineCatalog(config.pipelines);
  } catch (error) {
    throw new ConfigError('SIM_PIPELINES_FILE', config.pipelines, `${(error as Error).message.replace(/\.$/, '')}; point it at a pipeline catalog such as pipelines.yaml`);
  }
}

/** Wires the simulator together; throws ConfigError when start-up scenarios do not fit the pipelines. */
export function createApp(config: AppConfig, deps: AppDependencies): App {
  const { log } = deps;
  const pipelines = pipelinesFor(config);
  const clock = new SimulationClock(deps.wallClock, config.timeScale);
  const scenarios = new ScenarioBook(pipelines, () => new Date(deps.wallClock.nowMs()).toISOString());
  for (const scenario of config.scenarios) {
    try {
      scenarios.set(scenario);
    } catch (error) {
      if (error instanceof ScenarioError) throw new ConfigError('SIM_SCENARIOS', `${scenario.dagId}=${scenario.kind}`, `${error.message} (${error.details.join('; ')})`);
      throw error;
    }
  }
  const metrics = new SimulatorMetrics(deps.wallClock);
  const dbStatus = new HistoryDbStatus(metrics);
  const store = config.postgres ? new PostgresHistoryStore(config.postgres, log) : undefined;
  const history = store
    ? new BufferedRunHistory(store, metrics, log, { capacity: config.historyBufferRows, ...deps.historyRetry, onAttempt: (ok) => dbStatus.writeDone(ok) })
    : new MemoryRunHistory(config.historyMemoryRows);
  const simulation = new Simulation({ pipelines, seed: config.seed, startMs: clock.nowMs(), scenarios });
  const runner = new SimulationRunner(simulation, clock, new MetricsRecorder(metrics, clock), history, randomUUID(), log);
  const server = createHttpServer({ metrics, scenarios, history, runner, log });

  /** Reads the finished-run state of earlier lives; an unreachable database leaves it empty and says so. */
  async function restoreRunState(postgres: PostgresHistoryStore): Promise<void> {
    let queryStartedMs = performance.now();
    try {
      const restored = await withTimeout(
        (async () => {
          await postgres.migrate();
          queryStartedMs = performance.now();
          return postgres.restore(pipelines.map((p) => p.dagId));
        })(),
        RESTORE_TIMEOUT_MS,
      );
      dbStatus.restoreDone(true, (performance.now() - queryStartedMs) / 1000);
      runner.restore(restored);
      log.info('run state restored from the run history', { dags: restored.dags.size, clockLeadSeconds: restored.clockLeadMs / 1000 });
    } catch (error) {
      dbStatus.restoreDone(false, (performance.now() - queryStartedMs) / 1000);
      log.warn('run history unreachable at start: run state starts empty, finished-run counters from 0, pipewatch_airflow_db_up 0 until restart', { error: error as Error });
    }
  }

  return {
    pipelines,
    metrics,
    scenarios,
    history,
    runner,
    server,
    async start() {
      // Listening first: /metrics and /healthz answer while the restore waits for the database.
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(config.port, config.host, () => {
          server.off('error', reject);
          resolve();
        });
      });
      if (store) await restoreRunState(store);
      if (history instanceof BufferedRunHistory) history.start();
      runner.start(config.tickMs);
      const address = server.address() as AddressInfo;
      log.info('simulator started', {
        address: `${address.address}:${address.port}`,
        pipelines: pipelines.length,
        timeScale: config.timeScale,
        seed: config.seed,
        history: config.postgres ? `postgresql://${config.postgres.host}:${config.postgres.port}/${config.postgres.database}` : 'memory',
        scenarios: scenarios.list(),
      });
      return address;
    },
    async stop(timeoutMs = 5_000) {
      runner.stop();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      await history.close(timeoutMs);
      await closed;
      log.info('simulator stopped');
    },
  };
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
