import { Counter, Gauge, Histogram } from 'prom-client';
import { SimulationClock } from './clock';
import { DATALAKE_ZONES, WAREHOUSE } from './model/data-platform';
import { RunFinished, RunStarted, SimulationEvent, TaskFinished } from './model/events';
import { DagRunSnapshot } from './model/run-state';
import { SimulationSnapshot } from './model/simulation';
import { fixedLabelValues, SimulatorMetrics } from './metrics';
import { WindowedSummary } from './windowed-summary';

/**
 * Turns simulation events into the metric updates Airflow's StatsD lines and
 * the pipewatch DAG helpers would cause, and publishes the model's gauges.
 * Like statsd_exporter, a series appears on its first update.
 */
export class MetricsRecorder {
  private readonly dagrunDuration: WindowedSummary;
  private readonly dagrunFailed: WindowedSummary;
  private readonly scheduleDelay: WindowedSummary;
  private readonly dependencyCheck: WindowedSummary;
  private readonly taskDuration: WindowedSummary;
  private readonly tiFinish: Counter<string>;
  private readonly tiSuccesses: Counter<string>;
  private readonly tiFailures: Counter<string>;
  private readonly operatorSuccesses: Counter<string>;
  private readonly operatorFailures: Counter<string>;
  private readonly schedulerHeartbeat: Counter<string>;
  private readonly schedulerHeartbeatLabels: Readonly<Record<string, string>>;
  private readonly triggererHeartbeat: Counter<string>;
  private readonly poolOpen: Gauge<string>;
  private readonly poolRunning: Gauge<string>;
  private readonly poolStarving: Gauge<string>;
  private readonly executorOpen: Gauge<string>;
  private readonly executorQueued: Gauge<string>;
  private readonly executorRunning: Gauge<string>;
  private readonly dagFileLastRun: Gauge<string>;
  private readonly importErrors: Gauge<string>;
  private readonly totalParseTime: Gauge<string>;
  private readonly tasksStarving: Gauge<string>;
  private readonly tasksExecutable: Gauge<string>;
  private readonly triggersRunning: Gauge<string>;
  private readonly rowsProcessed: Counter<string>;
  private readonly dqPassed: Counter<string>;
  private readonly dqFailed: Counter<string>;
  private readonly dqCompleteness: Gauge<string>;
  private readonly dqSchemaViolations: Counter<string>;
  private readonly datalakeSpace: Gauge<string>;
  private readonly datalakeAccesses: Counter<string>;
  private readonly warehouseResponse: Histogram<string>;
  private readonly warehouseRecords: Counter<string>;
  private readonly businessKpi: Gauge<string>;
  private readonly lastSuccessIntervalEnd: Gauge<string>;
  private readonly lastFinishedIntervalEnd: Gauge<string>;
  private readonly lastRunFailed: Gauge<string>;
  private readonly runsFinished: Counter<string>;
  private readonly runsActive: Gauge<string>;
  private readonly paused: Gauge<string>;
  private readonly taskRunningSince: Gauge<string>;
  /** Finished runs already added to pipewatch_dag_runs_finished_total, per DAG: the model holds the totals. */
  private readonly countedRuns = new Map<string, { succeeded: number; failed: number }>();

  constructor(
    metrics: SimulatorMetrics,
    private readonly clock: SimulationClock,
  ) {
    this.dagrunDuration = metrics.summary('airflow_dagrun_duration');
    this.dagrunFailed = metrics.summary('airflow_dagrun_failed');
    this.scheduleDelay = metrics.summary('airflow_dagrun_schedule_delay');
    this.dependencyCheck = metrics.summary('airflow_dagrun_dependency_check');
    this.taskDuration = metrics.summary('airflow_task_duration');
    this.tiFinish = metrics.counter('airflow_ti_finish');
    this.tiSuccesses = metrics.counter('airflow_ti_successes');
    this.tiFailures = metrics.counter('airflow_ti_failures');
    this.operatorSuccesses = metrics.counter('airflow_operator_successes');
    this.operatorFailures = metrics.counter('airflow_operator_failures');
    this.schedulerHeartbeat = metrics.counter('airflow_scheduler_heartbeat');
    this.schedulerHeartbeatLabels = fixedLabelValues(metrics.family('airflow_scheduler_heartbeat'));
    this.triggererHeartbeat = metrics.counter('airflow_triggerer_heartbeat');
    this.poolOpen = metrics.gauge('airflow_pool_open_slots');
    this.poolRunning = metrics.gauge('airflow_pool_running_slots');
    this.poolStarving = metrics.gauge('airflow_pool_starving_tasks');
    this.executorOpen = metrics.gauge('airflow_executor_open_slots');
    this.executorQueued = metrics.gauge('airflow_executor_queued_tasks');
    this.executorRunning = metrics.gauge('airflow_executor_running_tasks');
    this.dagFileLastRun = metrics.gauge('airflow_dag_processing_last_run_seconds_ago');
    this.importErrors = metrics.gauge('airflow_dag_processing_import_errors');
    this.totalParseTime = metrics.gauge('airflow_dag_processing_total_parse_time');
    this.tasksStarving = metrics.gauge('airflow_scheduler_tasks_starving');
    this.tasksExecutable = metrics.gauge('airflow_scheduler_tasks_executable');
    this.triggersRunning = metrics.gauge('airflow_triggers_running');
    this.rowsProcessed = metrics.counter('pipewatch_pipeline_rows_processed_total');
    this.dqPassed = metrics.counter('pipewatch_dq_checks_passed_total');
    this.dqFailed = metrics.counter('pipewatch_dq_checks_failed_total');
    this.dqCompleteness = metrics.gauge('pipewatch_dq_completeness_ratio');
    this.dqSchemaViolations = metrics.counter('pipewatch_dq_schema_violations_total');
    this.datalakeSpace = metrics.gauge('pipewatch_datalake_space_used_bytes');
    this.datalakeAccesses = metrics.counter('pipewatch_datalake_accesses_total');
    this.warehouseResponse = metrics.histogram('pipewatch_warehouse_response_time_seconds');
    this.warehouseRecords = metrics.counter('pipewatch_warehouse_records_processed_total');
    this.businessKpi = metrics.gauge('pipewatch_business_kpi_value');
    this.lastSuccessIntervalEnd = metrics.gauge('pipewatch_dag_last_success_interval_end_seconds');
    this.lastFinishedIntervalEnd = metrics.gauge('pipewatch_dag_last_finished_interval_end_seconds');
    this.lastRunFailed = metrics.gauge('pipewatch_dag_last_run_failed');
    this.runsFinished = metrics.counter('pipewatch_dag_runs_finished_total');
    this.runsActive = metrics.gauge('pipewatch_dag_runs_active');
    this.paused = metrics.gauge('pipewatch_dag_paused');
    this.taskRunningSince = metrics.gauge('pipewatch_task_running_since_seconds');
  }

  record(event: SimulationEvent): void {
    switch (event.kind) {
      case 'run_started':
        return this.runStarted(event);
      case 'task_finished':
        return this.taskFinished(event);
      case 'run_finished':
        return this.runFinished(event);
      case 'heartbeats':
        this.schedulerHeartbeat.inc(this.schedulerHeartbeatLabels, event.scheduler);
        this.triggererHeartbeat.inc(event.triggerer);
        return;
    }
  }

  /** Sets every gauge from the model's current state. */
  publish(snapshot: SimulationSnapshot): void {
    // Only running tasks have a series: a finished task's disappears.
    this.taskRunningSince.reset();
    for (const dag of snapshot.dags) this.publishDag(dag);
    const { airflow, data } = snapshot;
    this.poolOpen.set({ pool: airflow.pool.name }, airflow.pool.open);
    this.poolRunning.set({ pool: airflow.pool.name }, airflow.pool.running);
    this.poolStarving.set({ pool: airflow.pool.name }, airflow.pool.starving);
    this.executorOpen.set(airflow.executor.open);
    this.executorQueued.set(airflow.executor.queued);
    this.executorRunning.set(airflow.executor.running);
    this.tasksExecutable.set(airflow.tasksExecutable);
    this.tasksStarving.set(airflow.tasksStarving);
    this.triggersRunning.set(airflow.triggersRunning);
    this.importErrors.set(airflow.importErrors);
    this.totalParseTime.set(airflow.totalParseTimeSeconds);
    for (const { dagFile, seconds } of airflow.dagFileSecondsAgo) this.dagFileLastRun.set({ dag_file: dagFile }, seconds);
    for (const { zone, bytes } of data.datalakeBytes) this.datalakeSpace.set({ zone }, bytes);
    for (const { kpi, value } of data.kpis) this.businessKpi.set({ kpi }, value);
  }

  /** The Airflow exporter's families for one DAG, timestamps in published pipeline time. */
  private publishDag(dag: DagRunSnapshot): void {
    const labels = { dag_id: dag.dagId };
    const seconds = (simMs: number) => this.clock.publishedTimestampMs(simMs) / 1000;
    if (dag.lastSuccess) {
      this.lastSuccessIntervalEnd.set(labels, seconds(dag.lastSuccess.scheduledAtMs));
    }
    if (dag.lastFinishedScheduledAtMs !== undefined) this.lastFinishedIntervalEnd.set(labels, seconds(dag.lastFinishedScheduledAtMs));
    this.lastRunFailed.set(labels, dag.lastRunFailed ? 1 : 0);
    const counted = this.countedRuns.get(dag.dagId) ?? { succeeded: 0, failed: 0 };
    this.runsFinished.inc({ ...labels, state: 'success' }, dag.succeeded - counted.succeeded);
    this.runsFinished.inc({ ...labels, state: 'failed' }, dag.failed - counted.failed);
    this.countedRuns.set(dag.dagId, { succeeded: dag.succeeded, failed: dag.failed });
    this.runsActive.set({ ...labels, state: 'running' }, dag.activeRun === 'running' ? 1 : 0);
    this.runsActive.set({ ...labels, state: 'queued' }, dag.activeRun === 'queued' ? 1 : 0);
    // The stale scenario stops runs without pausing the DAG (a forgotten DAG); nothing pauses one.
    this.paused.set(labels, 0);
    if (dag.runningTask) this.taskRunningSince.set({ ...labels, task_id: dag.runningTask.taskId }, seconds(dag.runningTask.sinceMs));
  }

  private runStarted(event: RunStarted): void {
    this.scheduleDelay.observe({ dag_id: event.dagId }, event.scheduleDelaySeconds);
    this.dependencyCheck.observe({ dag_id: event.dagId }, event.dependencyCheckSeconds);
  }

  private taskFinished(event: TaskFinished): void {
    this.tiFinish.inc({ dag_id: event.dagId, task_id: event.taskId, state: event.state });
    if (event.state === 'upstream_failed') return;
    this.taskDuration.observe({ dag_id: event.dagId, task_id: event.taskId }, event.durationSeconds);
    if (event.state === 'success') {
      this.tiSuccesses.inc();
      this.operatorSuccesses.inc({ operator: event.operator });
    } else {
      this.tiFailures.inc();
      this.operatorFailures.inc({ operator: event.operator });
    }
    this.datalakeAccesses.inc({ zone: DATALAKE_ZONES.read, operation: 'read' });
    if (event.warehouseQuerySeconds !== undefined) this.warehouseResponse.observe({ warehouse: WAREHOUSE }, event.warehouseQuerySeconds);
  }

  private runFinished({ run }: RunFinished): void {
    const dag = { dag_id: run.dagId };
    if (run.state === 'failed') {
      this.dagrunFailed.observe(dag, run.durationSeconds);
      return;
    }
    this.dagrunDuration.observe(dag, run.durationSeconds);
    this.rowsProcessed.inc(dag, run.rowsProcessed);
    this.warehouseRecords.inc({ warehouse: WAREHOUSE, table: run.dagId }, run.rowsProcessed);
    this.datalakeAccesses.inc({ zone: DATALAKE_ZONES.write, operation: 'write' });
    for (const result of run.dataQuality) {
      const check = { dag_id: run.dagId, check: result.check };
      const dataset = { dag_id: run.dagId, dataset: result.dataset };
      (result.passed ? this.dqPassed : this.dqFailed).inc(check);
      this.dqCompleteness.set(dataset, result.completeness);
      this.dqSchemaViolations.inc(dataset, result.schemaViolations);
    }
  }
}
