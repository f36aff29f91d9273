import { Duration } from '../duration';
import { Schedule } from './schedule';
import { DEFAULT_SLO, PipelineSpec } from './spec';

/**
 * Error-budget alerts for batch pipelines. A batch pipeline runs a few times
 * an hour at most, so the request-stream burn rates (14.4x over 1h, …) see one
 * run per short window: "the budget burns fast" degenerates into "the last run
 * failed". Here the budget is counted in runs over the SLO window, and an
 * alert needs enough runs in its lookback to mean something.
 */

/** No SLO alert fires on fewer finished runs than this in its lookback. */
export const MIN_RUNS = 10;

export type BudgetSpeed = 'fast' | 'slow';

/** The numbers behind one pipeline's SLO alerts; the docs' worked examples come from here. */
export interface BatchSlo {
  readonly successRatio: number;
  readonly window: Duration;
  /** b = 1 − target. */
  readonly budget: number;
  /** N = window / period: runs expected in the window. */
  readonly expectedRuns: number;
  /** B = b · N: failed runs the window allows. */
  readonly budgetRuns: number;
}

/** One alert tier: page (fast) or ticket (slow). */
export interface BudgetTier {
  readonly speed: BudgetSpeed;
  /** L: max(W/28 or W/4, MIN_RUNS · period). */
  readonly lookback: Duration;
  /** Burn that spends the whole budget within a quarter of the window (fast) or within the window (slow). */
  readonly burn: number;
  /** Failure ratio over the lookback at or above which the tier fires: b · burn. */
  readonly ratio: number;
  /** At this burn the budget is gone within W/4 (fast) or W (slow). */
  readonly spentWithin: Duration;
}

const tidy = (n: number) => Number(n.toPrecision(6));

export function batchSlo(spec: PipelineSpec, periodSeconds: number): BatchSlo {
  const successRatio = spec.slo?.successRatio ?? DEFAULT_SLO.successRatio;
  const window = spec.slo?.window ?? DEFAULT_SLO.window;
  const budget = tidy(1 - successRatio);
  const expectedRuns = tidy(window.toSeconds() / periodSeconds);
  return { successRatio, window, budget, expectedRuns, budgetRuns: tidy(budget * expectedRuns) };
}

/**
 * The fast tier looks back W/28 (a day of a 28-day window) and pages at the
 * burn that would spend the budget within W/4; the slow tier looks back W/4
 * and tickets at burn 1 (the budget is gone before the window ends). Both
 * lookbacks hold at least MIN_RUNS periods. A tier whose ratio exceeds 1 can
 * never fire and is left out; the slow tier is left out too when its lookback
 * equals the fast one's, since the fast tier then fires whenever it would.
 */
export function budgetTiers(slo: BatchSlo, periodSeconds: number): BudgetTier[] {
  const w = slo.window.toSeconds();
  const lookback = (fraction: number) => Duration.seconds(Math.max(Math.ceil(w / fraction), MIN_RUNS * periodSeconds));
  const fastLookback = lookback(28);
  const fastBurn = tidy(w / (4 * fastLookback.toSeconds()));
  const tiers: BudgetTier[] = [
    { speed: 'fast', lookback: fastLookback, burn: fastBurn, ratio: tidy(slo.budget * fastBurn), spentWithin: Duration.seconds(w / 4) },
    { speed: 'slow', lookback: lookback(4), burn: 1, ratio: slo.budget, spentWithin: Duration.seconds(w) },
  ];
  return tiers.filter((t, i) => t.ratio <= 1 && !(i === 1 && t.lookback.toSeconds() === fastLookback.toSeconds() && tiers[0].ratio <= t.ratio));
}

/**
 * Synth-time warnings about SLOs the run count cannot support: where the
 * budget is under one run, every failure exhausts it. Each names the fix.
 */
export function sloWarnings(spec: PipelineSpec, schedule: Schedule): string[] {
  if (schedule.kind !== 'periodic') return [];
  const slo = batchSlo(spec, schedule.periodSeconds);
  if (slo.budgetRuns >= 1) return [];
  const highest = Math.floor((1 - 1 / slo.expectedRuns) * 1000) / 10;
  return [
    `${spec.dagId}: slo ${percentOf(slo.successRatio)} over ${slo.window} allows ${slo.budgetRuns} failed runs of the ${slo.expectedRuns} a "${spec.schedule}" schedule runs in that window, so every failure exhausts the error budget. ` +
      `Choose a target ≤ ${highest}% (one failed run per window), or a longer slo.window.`,
  ];
}

export const percentOf = (ratio: number) => `${Number((ratio * 100).toPrecision(4))}%`;
