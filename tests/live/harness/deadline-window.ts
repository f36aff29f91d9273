import { ancestorsOf } from '../../../content/pipeline/lineage';
import { parseSchedule } from '../../../content/pipeline/schedule';
import { PipelineSpec } from '../../../content/pipeline/spec';

/**
 * PipelineDeadlineMissed computes the due time from the wall clock
 * (`time() - (time() - offset) % period`) and can only fire between
 * `deadline` and the next due time. A live test therefore picks a pipeline
 * whose window is open now and stays open long enough to see the
 * notification; pipelines without upstreams come first, as no upstream
 * alert can inhibit theirs.
 */
export interface DeadlineChoice {
  readonly spec: PipelineSpec;
  /** How long to wait before the window opens (0 when it is open now). */
  readonly waitMs: number;
}

/** Time the alert needs once the window is open: evaluation, group_wait (30s) and slack. */
export const WINDOW_NEEDED_MS = 4 * 60_000;
/** Margin past the deadline, so the first evaluation after the jump already sees it passed. */
const PAST_DEADLINE_MS = 30_000;

/** Milliseconds until the deadline window of `spec` is usable at `nowMs` (0 = usable now), or undefined without a deadline. */
export function msUntilUsable(spec: PipelineSpec, nowMs: number): number | undefined {
  const schedule = parseSchedule(spec.schedule);
  if (spec.deadline === undefined || schedule.kind !== 'periodic') return undefined;
  const period = schedule.periodSeconds * 1000;
  const offset = schedule.offsetSeconds * 1000;
  const opensAt = spec.deadline.toSeconds() * 1000 + PAST_DEADLINE_MS;
  const closesAt = period - WINDOW_NEEDED_MS;
  const sinceDue = (((nowMs - offset) % period) + period) % period;
  if (sinceDue >= opensAt && sinceDue <= closesAt) return 0;
  return sinceDue < opensAt ? opensAt - sinceDue : period - sinceDue + opensAt;
}

/** The pipeline to make late: usable now if any is (roots first), else the one usable soonest. */
export function chooseDeadlinePipeline(specs: readonly PipelineSpec[], nowMs: number): DeadlineChoice {
  const candidates = specs
    .map((spec) => ({ spec, waitMs: msUntilUsable(spec, nowMs), upstreams: ancestorsOf(spec.dagId, specs).length }))
    .filter((c): c is { spec: PipelineSpec; waitMs: number; upstreams: number } => c.waitMs !== undefined)
    .sort((a, b) => a.waitMs - b.waitMs || a.upstreams - b.upstreams);
  if (candidates.length === 0) throw new Error('no pipeline has a deadline');
  return { spec: candidates[0].spec, waitMs: candidates[0].waitMs };
}
