import { Random } from '../random';
import { Heartbeats } from './events';

/** Airflow's defaults: a scheduler loop heartbeat every 5 s, min_file_process_interval 30 s. */
const HEARTBEAT_INTERVAL_MS = 5_000;
const DAG_FILE_PROCESS_INTERVAL_SECONDS = 30;
const PARSE_SECONDS_PER_DAG_FILE = 0.02;
const POOL = { name: 'default_pool', slots: 128 };
/** One executor, as in the stack: Airflow then names none in its executor metrics. */
const EXECUTOR = { parallelism: 32 };
const MAX_TRIGGERS = 4;

export interface AirflowPlatformSnapshot {
  readonly pool: { readonly name: string; readonly open: number; readonly running: number; readonly starving: number };
  readonly executor: { readonly open: number; readonly queued: number; readonly running: number };
  readonly tasksExecutable: number;
  readonly tasksStarving: number;
  readonly triggersRunning: number;
  readonly importErrors: number;
  readonly totalParseTimeSeconds: number;
  readonly dagFileSecondsAgo: ReadonlyArray<{ readonly dagFile: string; readonly seconds: number }>;
}

/** The scheduler, triggerer, dag processor, executor and pool around the DAGs. */
export class AirflowPlatformSimulation {
  private readonly dagFilePhases: ReadonlyArray<{ readonly dagFile: string; readonly phaseSeconds: number }>;
  private lastMs: number;
  private triggersRunning = 0;
  private totalParseTimeSeconds: number;

  constructor(
    private readonly random: Random,
    dagIds: readonly string[],
    startMs: number,
  ) {
    // Airflow names the dag_file label after the file; the example DAGs live in <dag_id>.py, dots written as
    // underscores (finance_daily_revenue.py): that label still comes from a legacy name, where a dot would split.
    this.dagFilePhases = dagIds.map((dagId) => ({ dagFile: dagId.replace(/\./g, '_'), phaseSeconds: random.next() * DAG_FILE_PROCESS_INTERVAL_SECONDS }));
    this.lastMs = startMs;
    this.totalParseTimeSeconds = this.parseTime();
  }

  /** Heartbeats sent since the previous step, and the slowly changing gauges. */
  advanceTo(toMs: number): Heartbeats | undefined {
    if (toMs <= this.lastMs) return undefined;
    const beats = Math.floor(toMs / HEARTBEAT_INTERVAL_MS) - Math.floor(this.lastMs / HEARTBEAT_INTERVAL_MS);
    this.lastMs = toMs;
    this.triggersRunning = Math.min(MAX_TRIGGERS, Math.max(0, this.triggersRunning + this.random.int(-1, 1)));
    this.totalParseTimeSeconds = this.parseTime();
    return beats > 0 ? { kind: 'heartbeats', scheduler: beats, triggerer: beats } : undefined;
  }

  snapshot(runningTasks: number): AirflowPlatformSnapshot {
    const nowSeconds = this.lastMs / 1000;
    const executorRunning = Math.min(runningTasks, EXECUTOR.parallelism);
    const executorQueued = runningTasks - executorRunning;
    const poolRunning = Math.min(runningTasks, POOL.slots);
    const poolStarving = runningTasks - poolRunning;
    return {
      pool: { name: POOL.name, open: POOL.slots - poolRunning, running: poolRunning, starving: poolStarving },
      executor: { open: EXECUTOR.parallelism - executorRunning, queued: executorQueued, running: executorRunning },
      tasksExecutable: executorQueued,
      tasksStarving: poolStarving,
      triggersRunning: this.triggersRunning,
      importErrors: 0,
      totalParseTimeSeconds: this.totalParseTimeSeconds,
      dagFileSecondsAgo: this.dagFilePhases.map(({ dagFile, phaseSeconds }) => ({
        dagFile,
        seconds: (nowSeconds + phaseSeconds) % DAG_FILE_PROCESS_INTERVAL_SECONDS,
      })),
    };
  }

  private parseTime(): number {
    return this.dagFilePhases.length * PARSE_SECONDS_PER_DAG_FILE * (0.8 + this.random.next() * 0.4);
  }
}
