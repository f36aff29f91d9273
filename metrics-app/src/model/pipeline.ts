import { DEFAULT_SLO, PipelineSpec, TaskSpec } from '../../../content/pipeline/spec';
import { Random } from '../random';
import { ActiveScenario, DEFAULT_SLOW_FACTOR } from '../scenarios';
import { CronSchedule } from './cron';
import { DataQualityResult, RunRecord, SimulationEvent, TaskState } from './events';
import { DagRunSnapshot, FinishedRunsState } from './run-state';

/** Spread of task durations around their expected value: p99 is about 2.3 times the median. */
const TASK_DURATION_SIGMA = 0.35;
/** Failed tries stop part-way through the work. */
const FAILED_TRY_SHARE = { min: 0.1, max: 0.6 };
/** Share of tries that fail for a transient reason and succeed on retry. */
const TRANSIENT_FAILURE_PROBABILITY = 0.03;
/** Airflow task defaults used by most DAGs: 2 retries, 5 minutes apart. */
const RETRIES = 2;
const RETRY_DELAY_MS = 5 * 60_000;
const SCHEDULE_DELAY_MEDIAN_SECONDS = 2;
const DEPENDENCY_CHECK_MEDIAN_SECONDS = 0.05;
const WAREHOUSE_QUERY_MEDIAN_SECONDS = 0.4;
const ROWS_PER_RUN_MEDIAN = 200_000;
const BYTES_PER_ROW = 250;
/** Completeness below this fails a check that sets no minCompleteness. */
const DEFAULT_MIN_COMPLETENESS = 0.95;
const SIMULATED_OPERATOR = 'PythonOperator';

/** Who decides what scenario, if any, a pipeline is under. */
export interface ScenarioLookup {
  get(dagId: string): ActiveScenario | undefined;
}

interface ActiveRun {
  readonly runId: string;
  readonly scheduledAtMs: number;
  readonly startedAtMs: number;
  /** Task that fails all its tries in this run (a real bug or bad data), or -1. */
  readonly doomedTaskIndex: number;
  taskIndex: number;
  tryNumber: number;
  tryStartedAtMs: number;
  tryEndsAtMs: number;
  tryOutcome: 'success' | 'retry' | 'failed';
  tryDurationSeconds: number;
  tryQuerySeconds: number;
  retries: number;
}

/**
 * One DAG on its schedule: runs start on cron fire times (one active run at a
 * time, no catch-up, like `max_active_runs=1, catchup=False`), tasks run in
 * order with log-normal durations, transient failures are retried, and the
 * active scenario bends the outcome.
 */
export class PipelineSimulation {
  readonly dagId: string;
  private readonly schedule: CronSchedule;
  private readonly rowsMedian: number;
  private readonly runFailureProbability: number;
  private nextFireMs = 0;
  private freeSinceMs = 0;
  /** Pipeline time played so far. */
  private playedToMs = 0;
  private finished: FinishedRunsState = { succeeded: 0, failed: 0, lastRunFailed: false };
  private run: ActiveRun | undefined;

  constructor(
    private readonly spec: PipelineSpec,
    private readonly random: Random,
    private readonly scenarios: ScenarioLookup,
    startMs: number,
  ) {
    if (spec.tasks.length === 0) throw new Error(`pipeline "${spec.dagId}" has no tasks: the simulator needs at least one TaskSpec to run`);
    this.dagId = spec.dagId;
    try {
      this.schedule = new CronSchedule(spec.schedule);
    } catch (error) {
      throw new Error(`pipeline "${spec.dagId}": ${(error as Error).message}`);
    }
    this.rowsMedian = Math.round(random.lognormal(ROWS_PER_RUN_MEDIAN, 1));
    // Healthy pipelines spend half their error budget.
    this.runFailureProbability = (1 - (spec.slo?.successRatio ?? DEFAULT_SLO.successRatio)) / 2;
    this.restore(undefined, startMs);
  }

  /**
   * Starts the schedule at `startMs` with the finished runs the history holds.
   * Without history, as if Airflow had been running before: the last run that
   * would have finished by now succeeded (no run is counted for it). Only before the first step.
   */
  restore(history: FinishedRunsState | undefined, startMs: number): void {
    this.nextFireMs = this.schedule.nextAfter(startMs);
    this.freeSinceMs = startMs;
    this.playedToMs = startMs;
    if (history) {
      this.finished = history;
      return;
    }
    const expectedMs = this.spec.expectedDuration.toSeconds() * 1000;
    const scheduledAtMs = this.schedule.latestAtOrBefore(startMs - expectedMs);
    this.finished = { succeeded: 0, failed: 0, lastSuccess: { scheduledAtMs, finishedAtMs: scheduledAtMs + expectedMs }, lastFinishedScheduledAtMs: scheduledAtMs, lastRunFailed: false };
  }

  /** Whether a task try (not a retry wait) is in progress at `atMs`. */
  isRunningTaskAt(atMs: number): boolean {
    return this.run !== undefined && this.run.tryStartedAtMs <= atMs;
  }

  snapshot(atMs: number): DagRunSnapshot {
    const run = this.run;
    return {
      dagId: this.dagId,
      ...this.finished,
      ...(run ? { activeRun: run.startedAtMs <= atMs ? 'running' : 'queued' } : {}),
      ...(run && run.tryStartedAtMs <= atMs ? { runningTask: { taskId: this.spec.tasks[run.taskIndex].taskId, sinceMs: run.tryStartedAtMs } } : {}),
    };
  }

  /** Plays every start, try and finish up to `toMs`, appending what happened to `out`. */
  advanceTo(toMs: number, out: SimulationEvent[]): void {
    this.play(toMs, out);
    this.playedToMs = Math.max(this.playedToMs, toMs);
  }

  private play(toMs: number, out: SimulationEvent[]): void {
    for (;;) {
      if (this.run) {
        this.releaseIfRecovered(this.run);
        if (this.run.tryEndsAtMs > toMs) return;
        this.finishTry(this.run, out);
      } else {
        if (this.nextFireMs > toMs) return;
        let fireMs = this.nextFireMs;
        // No catch-up: of the fire times that passed while the previous run was busy, only the latest runs.
        if (this.freeSinceMs > fireMs) fireMs = this.schedule.latestAtOrBefore(this.freeSinceMs);
        this.nextFireMs = this.schedule.nextAfter(fireMs);
        if (this.scenarios.get(this.dagId)?.kind !== 'stale') this.startRun(fireMs, out);
      }
    }
  }

  private startRun(fireMs: number, out: SimulationEvent[]): void {
    const scheduleDelaySeconds = this.random.lognormal(SCHEDULE_DELAY_MEDIAN_SECONDS, 0.5);
    const queuedBehindMs = Math.max(0, this.freeSinceMs - fireMs);
    const startedAtMs = fireMs + queuedBehindMs + scheduleDelaySeconds * 1000;
    const runId = `scheduled__${new Date(fireMs).toISOString().replace('.000Z', '+00:00')}`;
    const doomed = this.random.chance(this.runFailureProbability);
    const run: ActiveRun = {
      runId,
      scheduledAtMs: fireMs,
      startedAtMs,
      doomedTaskIndex: doomed ? this.random.int(0, this.spec.tasks.length - 1) : -1,
      taskIndex: 0,
      tryNumber: 1,
      tryStartedAtMs: startedAtMs,
      tryEndsAtMs: startedAtMs,
      tryOutcome: 'success',
      tryDurationSeconds: 0,
      tryQuerySeconds: 0,
      retries: 0,
    };
    this.run = run;
    out.push({
      kind: 'run_started',
      dagId: this.dagId,
      runId,
      scheduledAtMs: fireMs,
      startedAtMs,
      scheduleDelaySeconds: (startedAtMs - fireMs) / 1000,
      dependencyCheckSeconds: this.random.lognormal(DEPENDENCY_CHECK_MEDIAN_SECONDS, 0.4),
    });
    this.startTry(run, startedAtMs);
  }

  /** The task the `hang` scenario holds, if it is in force. */
  private hangsTask(taskIndex: number): boolean {
    const scenario = this.scenarios.get(this.dagId);
    return scenario?.kind === 'hang' && (scenario.taskId ?? this.spec.tasks[0].taskId) === this.spec.tasks[taskIndex].taskId;
  }

  /** A hung try ends where the model stood when the scenario was cleared, and the run goes on. */
  private releaseIfRecovered(run: ActiveRun): void {
    if (run.tryEndsAtMs !== Infinity || this.hangsTask(run.taskIndex)) return;
    run.tryEndsAtMs = Math.max(run.tryStartedAtMs, this.playedToMs);
    run.tryDurationSeconds = (run.tryEndsAtMs - run.tryStartedAtMs) / 1000;
  }

  private startTry(run: ActiveRun, atMs: number): void {
    const task: TaskSpec = this.spec.tasks[run.taskIndex];
    const scenario = this.scenarios.get(this.dagId);
    const slowFactor = scenario?.kind === 'slow' ? (scenario.factor ?? DEFAULT_SLOW_FACTOR) : 1;
    const fullSeconds = Math.max(1, this.random.lognormal(task.expectedDuration.toSeconds() * slowFactor, TASK_DURATION_SIGMA));
    const triesLeft = run.tryNumber <= RETRIES;
    const breaks = scenario?.kind === 'fail' || run.doomedTaskIndex === run.taskIndex;
    if (breaks) run.tryOutcome = triesLeft ? 'retry' : 'failed';
    else run.tryOutcome = triesLeft && this.random.chance(TRANSIENT_FAILURE_PROBABILITY) ? 'retry' : 'success';
    const share = run.tryOutcome === 'success' ? 1 : FAILED_TRY_SHARE.min + this.random.next() * (FAILED_TRY_SHARE.max - FAILED_TRY_SHARE.min);
    run.tryDurationSeconds = fullSeconds * share;
    run.tryQuerySeconds = this.random.lognormal(WAREHOUSE_QUERY_MEDIAN_SECONDS * slowFactor, 0.6);
    run.tryStartedAtMs = atMs;
    run.tryEndsAtMs = atMs + run.tryDurationSeconds * 1000;
    if (this.hangsTask(run.taskIndex)) {
      // Held until the scenario is cleared; then the try succeeds and the run goes on.
      run.tryOutcome = 'success';
      run.tryEndsAtMs = Infinity;
    }
  }

  private finishTry(run: ActiveRun, out: SimulationEvent[]): void {
    const state: TaskState = run.tryOutcome === 'retry' ? 'up_for_retry' : run.tryOutcome;
    out.push(this.taskFinished(run.taskIndex, state, run.tryNumber, run.tryDurationSeconds, run.tryQuerySeconds));
    const endedAtMs = run.tryEndsAtMs;
    if (run.tryOutcome === 'retry') {
      run.retries++;
      run.tryNumber++;
      this.startTry(run, endedAtMs + RETRY_DELAY_MS);
      // The task is waiting, not running, until the retry delay has passed.
      return;
    }
    if (run.tryOutcome === 'failed') {
      for (let i = run.taskIndex + 1; i < this.spec.tasks.length; i++) out.push(this.taskFinished(i, 'upstream_failed', 1, 0));
      this.finishRun(run, 'failed', endedAtMs, out);
      return;
    }
    run.taskIndex++;
    run.tryNumber = 1;
    if (run.taskIndex < this.spec.tasks.length) this.startTry(run, endedAtMs);
    else this.finishRun(run, 'success', endedAtMs, out);
  }

  private finishRun(run: ActiveRun, state: 'success' | 'failed', finishedAtMs: number, out: SimulationEvent[]): void {
    const scenario = this.scenarios.get(this.dagId);
    const succeeded = state === 'success';
    const rowsProcessed = succeeded ? Math.round(this.random.lognormal(this.rowsMedian, 0.25)) : 0;
    const record: RunRecord = {
      dagId: this.dagId,
      runId: run.runId,
      state,
      scheduledAtMs: run.scheduledAtMs,
      startedAtMs: run.startedAtMs,
      finishedAtMs,
      durationSeconds: (finishedAtMs - run.startedAtMs) / 1000,
      rowsProcessed,
      bytesWritten: rowsProcessed * BYTES_PER_ROW,
      taskRetries: run.retries,
      ...(succeeded ? {} : { failedTaskId: this.spec.tasks[run.taskIndex].taskId }),
      dataQuality: succeeded ? this.checkDataQuality(scenario?.kind === 'dq_drop') : [],
      ...(scenario ? { scenario: scenario.kind } : {}),
    };
    this.finished = {
      succeeded: this.finished.succeeded + (succeeded ? 1 : 0),
      failed: this.finished.failed + (succeeded ? 0 : 1),
      lastSuccess: succeeded ? { scheduledAtMs: run.scheduledAtMs, finishedAtMs } : this.finished.lastSuccess,
      lastFinishedScheduledAtMs: run.scheduledAtMs,
      lastRunFailed: !succeeded,
    };
    this.freeSinceMs = finishedAtMs;
    this.run = undefined;
    out.push({ kind: 'run_finished', run: record });
  }

  private checkDataQuality(dropped: boolean): DataQualityResult[] {
    return (this.spec.dataQualityChecks ?? []).map((check) => {
      const minimum = check.minCompleteness ?? DEFAULT_MIN_COMPLETENESS;
      const completeness = dropped
        ? minimum - 0.05 - this.random.next() * 0.15
        : Math.max(minimum, 1 - Math.abs(this.random.normal()) * 0.003);
      const schemaViolations = dropped ? this.random.int(50, 500) : this.random.chance(0.1) ? this.random.int(1, 5) : 0;
      return {
        check: check.name,
        dataset: check.dataset,
        passed: !dropped && !this.random.chance(0.005),
        completeness: Math.max(0, completeness),
        schemaViolations,
      };
    });
  }

  private taskFinished(taskIndex: number, state: TaskState, tryNumber: number, durationSeconds: number, warehouseQuerySeconds?: number): SimulationEvent {
    return {
      kind: 'task_finished',
      dagId: this.dagId,
      taskId: this.spec.tasks[taskIndex].taskId,
      operator: SIMULATED_OPERATOR,
      state,
      tryNumber,
      durationSeconds,
      ...(warehouseQuerySeconds !== undefined ? { warehouseQuerySeconds } : {}),
    };
  }
}
