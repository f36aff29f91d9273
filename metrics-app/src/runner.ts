import { Logger } from '../../service-kit/log';
import { SimulationClock } from './clock';
import { RestoredRunState, toHistoryRow, RunHistory } from './history/types';
import { Simulation } from './model/simulation';
import { MetricsRecorder } from './recorder';

/** Most pipeline time one fast-forward may skip: a week covers the longest staleness windows. */
export const MAX_FAST_FORWARD_SECONDS = 7 * 86_400;

/**
 * Moves the model to the simulation clock's time, then hands what happened to
 * the metrics and the run history. `step` is the whole loop body, so tests
 * drive it with a manual clock instead of timers.
 */
export class SimulationRunner {
  private timer: NodeJS.Timeout | undefined;
  private steps = 0;

  constructor(
    private readonly simulation: Simulation,
    private readonly clock: SimulationClock,
    private readonly recorder: MetricsRecorder,
    private readonly history: RunHistory,
    private readonly simulationId: string,
    private readonly log: Logger,
  ) {}

  /** Plays the model up to now; returns how many events happened. */
  step(): number {
    const events = this.simulation.advanceTo(this.clock.nowMs());
    for (const event of events) {
      this.recorder.record(event);
      if (event.kind === 'run_finished') {
        const recordedAt = new Date(this.clock.publishedTimestampMs(event.run.finishedAtMs));
        this.history.record(toHistoryRow(this.simulationId, event.run, recordedAt));
        this.log.debug('run finished', { dagId: event.run.dagId, runId: event.run.runId, state: event.run.state, durationSeconds: event.run.durationSeconds });
      }
    }
    this.recorder.publish(this.simulation.snapshot());
    this.steps++;
    return events.length;
  }

  /**
   * Continues where the history left off: pipeline time resumes its lead over
   * the wall clock (so published timestamps keep their values across a
   * restart) and every DAG its finished-run state. Only before the first step.
   */
  restore(restored: RestoredRunState): void {
    if (this.started) throw new Error('run state can only be restored before the first step');
    this.clock.fastForward(Math.max(0, restored.clockLeadMs - this.clock.leadMs()));
    this.simulation.restore(restored.dags, this.clock.nowMs());
  }

  /** Jumps pipeline time ahead and plays everything in between. */
  fastForward(seconds: number): number {
    if (!(seconds > 0 && seconds <= MAX_FAST_FORWARD_SECONDS)) {
      throw new RangeError(`seconds must be greater than 0 and at most ${MAX_FAST_FORWARD_SECONDS} (7 days), got ${seconds}`);
    }
    this.clock.fastForward(seconds * 1000);
    return this.step();
  }

  /** Whether the model has published at least once. */
  get started(): boolean {
    return this.steps > 0;
  }

  get simulatedNowMs(): number {
    return this.simulation.nowMs;
  }

  start(tickMs: number): void {
    this.step();
    this.timer = setInterval(() => {
      // A failing step is logged and retried on the next tick; /metrics keeps serving the last good state.
      try {
        this.step();
      } catch (error) {
        this.log.error('simulation step failed', { error: error as Error });
      }
    }, tickMs);
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }
}
