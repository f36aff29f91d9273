import { randomUUID } from 'crypto';
import { Server } from 'http';
import { AddressInfo } from 'net';
import { loadPipelineCatalog } from '../../content/pipeline/catalog';
import { PipelineSpec } from '../../content/pipeline/spec';
import { Clock, SimulationClock } from './clock';
import { Config, ConfigError } from './config';
import { BufferedRunHistory, BufferOptions } from './history/buffer';
import { MemoryRunHistory } from './history/memory';
import { PostgresHistoryStore } from './history/postgres';
import { RunHistory } from './history/types';
import { Logger } from './log';
import { SimulatorMetrics } from './metrics';
import { Simulation } from './model/simulation';
import { syntheticPipelines } from './model/synthetic';
import { MetricsRecorder } from './recorder';
import { SimulationRunner } from './runner';
import { ScenarioBook, ScenarioError } from './scenarios';
import { createHttpServer } from './server';

export type AppConfig = Pick<Config, 'host' | 'port' | 'timeScale' | 'seed' | 'tickMs' | 'pipelines' | 'scenarios' | 'postgres' | 'historyBufferRows' | 'historyMemoryRows'>;

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
  /** Starts the model, the history (migration) and the HTTP server; resolves with the bound address. */
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
  const history = config.postgres
    ? new BufferedRunHistory(new PostgresHistoryStore(config.postgres, log), metrics, log, { capacity: config.historyBufferRows, ...deps.historyRetry })
    : new MemoryRunHistory(config.historyMemoryRows);
  const simulation = new Simulation({ pipelines, seed: config.seed, startMs: clock.nowMs(), scenarios });
  const runner = new SimulationRunner(simulation, clock, new MetricsRecorder(metrics, clock), history, randomUUID(), log);
  const server = createHttpServer({ metrics, scenarios, history, runner, log });

  return {
    pipelines,
    metrics,
    scenarios,
    history,
    runner,
    server,
    async start() {
      if (history instanceof BufferedRunHistory) history.start();
      runner.start(config.tickMs);
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(config.port, config.host, () => {
          server.off('error', reject);
          resolve();
        });
      });
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
