import { PipelineSpec } from '../../../content/pipeline/spec';
import { Random } from '../random';
import { AirflowPlatformSimulation, AirflowPlatformSnapshot } from './airflow-platform';
import { DataPlatformSimulation, DataPlatformSnapshot } from './data-platform';
import { SimulationEvent } from './events';
import { PipelineSimulation, ScenarioLookup } from './pipeline';
import { DagRunSnapshot, FinishedRunsState } from './run-state';

export interface SimulationOptions {
  readonly pipelines: readonly PipelineSpec[];
  readonly seed: string;
  /** Pipeline time the simulation starts at. */
  readonly startMs: number;
  readonly scenarios: ScenarioLookup;
}

export interface SimulationSnapshot {
  readonly nowMs: number;
  readonly dags: readonly DagRunSnapshot[];
  readonly airflow: AirflowPlatformSnapshot;
  readonly data: DataPlatformSnapshot;
}

/** Every pipeline plus the platform around them, stepped together through pipeline time. */
export class Simulation {
  private readonly pipelines: readonly PipelineSimulation[];
  private readonly airflow: AirflowPlatformSimulation;
  private readonly data: DataPlatformSimulation;
  private currentMs: number;

  constructor(options: SimulationOptions) {
    const duplicates = options.pipelines.map((p) => p.dagId).filter((id, i, ids) => ids.indexOf(id) !== i);
    if (duplicates.length > 0) throw new Error(`duplicate dagId(s) ${[...new Set(duplicates)].join(', ')}: every pipeline needs its own dag id`);
    const random = new Random(options.seed);
    this.pipelines = options.pipelines.map(
      (spec) => new PipelineSimulation(spec, random.fork(`pipeline/${spec.dagId}`), options.scenarios, options.startMs),
    );
    this.airflow = new AirflowPlatformSimulation(random.fork('airflow'), options.pipelines.map((p) => p.dagId), options.startMs);
    this.data = new DataPlatformSimulation(random.fork('data-platform'));
    this.currentMs = options.startMs;
    this.data.advanceTo(options.startMs);
  }

  get nowMs(): number {
    return this.currentMs;
  }

  /**
   * Starts again at `startMs` from the finished runs of the run history (by
   * dag id). Only before the first step: the time skipped to reach `startMs`
   * was not lived by this model, so it sends no heartbeats for it.
   */
  restore(history: ReadonlyMap<string, FinishedRunsState>, startMs: number): void {
    for (const pipeline of this.pipelines) pipeline.restore(history.get(pipeline.dagId), startMs);
    this.airflow.advanceTo(startMs);
    this.data.advanceTo(startMs);
    this.currentMs = Math.max(this.currentMs, startMs);
  }

  /** Plays pipeline time forward to `toMs` and returns what happened, in per-pipeline order. Earlier times are ignored. */
  advanceTo(toMs: number): SimulationEvent[] {
    if (toMs <= this.currentMs) return [];
    const events: SimulationEvent[] = [];
    for (const pipeline of this.pipelines) pipeline.advanceTo(toMs, events);
    for (const event of events) if (event.kind === 'run_finished') this.data.recordRun(event.run);
    const heartbeats = this.airflow.advanceTo(toMs);
    if (heartbeats) events.push(heartbeats);
    this.data.advanceTo(toMs);
    this.currentMs = toMs;
    return events;
  }

  snapshot(): SimulationSnapshot {
    let runningTasks = 0;
    for (const pipeline of this.pipelines) if (pipeline.isRunningTaskAt(this.currentMs)) runningTasks++;
    return {
      nowMs: this.currentMs,
      dags: this.pipelines.map((p) => p.snapshot(this.currentMs)),
      airflow: this.airflow.snapshot(runningTasks),
      data: this.data.snapshot(),
    };
  }
}
