/**
 * Each pipeline's own targets (staleness limit, deadline, SLO, expected
 * durations, checked datasets) read from the threshold series the pipelines
 * rule file records (content/pipeline/thresholds.ts), so one query judges
 * every pipeline against its own numbers and its text stays the same
 * whatever the catalog holds. A selector narrows them like the metrics,
 * e.g. `dag_id=~"$dag_id"`.
 */
import { DEFAULT_SLO, PipelineSpec } from '../content/pipeline/spec';
import { THRESHOLD_SERIES as T } from '../content/pipeline/thresholds';
import { RUN_SERIES } from '../content/metrics/catalog';
import { dataAgeSeconds, runs, series } from './queries';

/** A threshold series reduced to its identifying labels (the text labels dropped). */
const threshold = (metric: string, selector = '', by = 'dag_id') => `max by (${by}) (${series(metric, selector)})`;

export const maxStalenessSeconds = (selector = '') => threshold(T.maxStaleness, selector);
export const expectedRunSeconds = (selector = '') => threshold(T.expectedDuration, selector);
export const expectedTaskSeconds = (selector = '') => threshold(T.taskExpectedDuration, selector, 'dag_id, task_id');
/** The dataset each declared check covers (value 1): the failure counters carry only the check name. */
export const checkDatasets = (selector = '') => threshold(T.dataQualityCheck, selector, 'dag_id, check, dataset');
export const completenessMinimums = (selector = '') => threshold(T.minCompleteness, selector, 'dag_id, dataset');

/** Data age as a share of the pipeline's staleness limit: 1 means the limit is reached. */
export function stalenessBudgetUsed(selector = ''): string {
  return `(${dataAgeSeconds(selector)}) / on(dag_id) ${maxStalenessSeconds(selector)}`;
}

/**
 * Seconds until the deadline of the interval after the last successful one
 * (negative once overdue), as the deadline alert judges it: that interval is
 * due at its data interval end (last success + one period) plus the deadline.
 * Shown only once that interval is scheduled, i.e. while a run is owed.
 */
export function timeLeftBeforeDeadline(selector = ''): string {
  const lastSuccess = `max by (dag_id) (${series(RUN_SERIES.lastSuccess, selector)})`;
  const period = threshold(T.period, selector);
  return `${lastSuccess} + on(dag_id) ${period} + on(dag_id) ${threshold(T.deadline, selector)} - time() unless on(dag_id) (${lastSuccess} + on(dag_id) ${period} > time())`;
}

/** Allowed failure share per pipeline (1 - its SLO success ratio). */
export const errorBudgets = (selector = '') => `(1 - ${threshold(T.sloSuccessRatio, selector)})`;

/** How fast each pipeline spends its error budget over the range: 1 spends it exactly over the SLO window. */
export function errorBudgetBurnRate(selector: string, range: string): string {
  return `(${runs.failureRatio(selector, range)}) / on(dag_id) ${errorBudgets(selector)}`;
}

/** The SLO windows the catalog uses: a PromQL range must be a literal, so the remaining-budget query has one term per window. */
export function sloWindows(specs: readonly PipelineSpec[]): string[] {
  return [...new Set(specs.map((s) => (s.slo?.window ?? DEFAULT_SLO.window).toPromDuration()))];
}

/** Share of the error budget left over each pipeline's own SLO window (below 0: SLO missed). */
export function errorBudgetRemaining(windows: readonly string[], selector = ''): string | undefined {
  if (windows.length === 0) return undefined;
  return windows
    .map((w) => `(1 - (${runs.failureRatio(selector, w)}) / on(dag_id) (1 - ${threshold(T.sloSuccessRatio, [selector, `window="${w}"`].filter(Boolean).join(', '))}))`)
    .join(' or ');
}
