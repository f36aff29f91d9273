/** Wall-clock time in milliseconds; injected so the model and the retry loop run without real time in tests. */
export interface Clock {
  nowMs(): number;
}

export const systemClock: Clock = { nowMs: () => Date.now() };

/** A clock that only moves when told to. */
export class ManualClock implements Clock {
  constructor(private currentMs: number) {}

  nowMs(): number {
    return this.currentMs;
  }

  advance(ms: number): void {
    this.currentMs += ms;
  }
}

/**
 * Pipeline time: starts at the wall clock and runs `timeScale` times faster
 * (60 = one pipeline hour per real minute); `fastForward` jumps it ahead.
 */
export class SimulationClock {
  private readonly startWallMs: number;
  private fastForwardMs = 0;

  constructor(
    private readonly wall: Clock,
    private readonly timeScale: number,
  ) {
    this.startWallMs = wall.nowMs();
  }

  nowMs(): number {
    return this.startWallMs + (this.wall.nowMs() - this.startWallMs) * this.timeScale + this.fastForwardMs;
  }

  /** How far pipeline time is ahead of the wall clock. */
  leadMs(): number {
    return this.nowMs() - this.wall.nowMs();
  }

  fastForward(ms: number): void {
    this.fastForwardMs += ms;
  }

  /**
   * Publishes a pipeline-time instant as a wall-clock timestamp that keeps its
   * age in pipeline time, so `time() - metric` in a Prometheus rule measures
   * pipeline time whatever the scale.
   */
  publishedTimestampMs(simMs: number): number {
    return this.wall.nowMs() - (this.nowMs() - simMs);
  }
}
