import { writeFileSync } from 'fs';
import { join } from 'path';
import { Duration } from '../../../content/duration';
import { renderPipelineCatalog } from '../../../content/pipeline/catalog';
import { PipelineSpec } from '../../../content/pipeline/spec';
import { getJson, getText, isOk, sampleSum, sendJson } from './http';
import { LiveLogin } from './postgres';
import { ManagedProcess } from './processes';
import { REPO_ROOT } from './tools';

export type ScenarioKind = 'fail' | 'slow' | 'stale' | 'dq_drop' | 'hang';

export interface SimulatorOptions {
  readonly dir: string;
  readonly port: number;
  readonly postgresPort: number;
  readonly login: LiveLogin;
  /** SIM_SEED: the same seed plays the same run outcomes. */
  readonly seed: string;
  /** SIM_TIME_SCALE. */
  readonly timeScale: number;
  /** The pipelines the stack monitors; rendered into the catalog file the simulator reads, as MetricsApp does. */
  readonly pipelines: readonly PipelineSpec[];
}

/**
 * A pipeline only the simulator's rendered catalog holds (pipelines.yaml does
 * not): on /metrics it shows the simulator plays the file it is given.
 */
export const CATALOG_PROBE_PIPELINE: PipelineSpec = {
  dagId: 'live_catalog_probe',
  schedule: '@hourly',
  ownerTeam: 'live',
  expectedDuration: Duration.minutes(2),
  tasks: [{ taskId: 'probe', expectedDuration: Duration.minutes(2) }],
};

/**
 * The pipeline simulator as `npm run simulator` starts it, configured
 * through its environment like the MetricsApp container (its pipelines from a
 * rendered catalog file in SIM_PIPELINES_FILE), with its run history in
 * PostgreSQL; and a client for its scenario API.
 */
export class LiveSimulator {
  readonly url: string;
  readonly process: ManagedProcess;

  private constructor(options: SimulatorOptions) {
    this.url = `http://127.0.0.1:${options.port}`;
    const pipelinesFile = join(options.dir, 'simulator-pipelines.yaml');
    writeFileSync(pipelinesFile, renderPipelineCatalog([...options.pipelines, CATALOG_PROBE_PIPELINE]));
    this.process = new ManagedProcess({
      name: 'simulator',
      command: join(REPO_ROOT, 'node_modules/.bin/ts-node'),
      args: ['--transpile-only', 'metrics-app/src/main.ts'],
      cwd: REPO_ROOT,
      env: {
        HOST: '127.0.0.1',
        PORT: String(options.port),
        SIM_SEED: options.seed,
        SIM_TIME_SCALE: String(options.timeScale),
        SIM_PIPELINES_FILE: pipelinesFile,
        PGHOST: '127.0.0.1',
        PGPORT: String(options.postgresPort),
        PGUSER: options.login.user,
        PGDATABASE: options.login.database,
        PGPASSWORD_FILE: options.login.passwordFile,
      },
      logFile: join(options.dir, 'simulator.log'),
      ready: () => isOk(`${this.url}/readyz`),
      readyTimeoutMs: 60_000,
    });
  }

  static async start(options: SimulatorOptions): Promise<LiveSimulator> {
    const simulator = new LiveSimulator(options);
    await simulator.process.start();
    return simulator;
  }

  /** `taskId` picks the task a `hang` holds (default: the pipeline's first). */
  async setScenario(dagId: string, kind: ScenarioKind, taskId?: string): Promise<void> {
    await sendJson('POST', `${this.url}/scenarios`, { dagId, kind, ...(taskId ? { taskId } : {}) });
  }

  async recover(dagId: string): Promise<void> {
    await sendJson('DELETE', `${this.url}/scenarios/${encodeURIComponent(dagId)}`);
  }

  /**
   * Plays `hours` of pipeline time at once. Whole hours keep every hourly
   * schedule on the same minute of the wall-clock hour, which the deadline
   * rules compute from `time()`.
   */
  async advanceHours(hours: number): Promise<{ simulatedTime: string; events: number }> {
    if (!Number.isInteger(hours) || hours <= 0) throw new Error(`advance whole hours only (got ${hours}): other jumps shift the schedules against the wall clock`);
    return sendJson('POST', `${this.url}/clock/advance`, { seconds: hours * 3600 });
  }

  async scenarios(): Promise<{ dagId: string; kind: ScenarioKind }[]> {
    return (await getJson(`${this.url}/scenarios`)).scenarios;
  }

  metrics(): Promise<string> {
    return getText(`${this.url}/metrics`);
  }

  /** Runs finished so far, successful and failed, from the simulator's own counters. */
  async finishedRuns(): Promise<number> {
    const text = await this.metrics();
    return sampleSum(text, 'airflow_dagrun_duration_count') + sampleSum(text, 'airflow_dagrun_failed_count');
  }
}
