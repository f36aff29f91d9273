/**
 * PromQL building blocks over the raw catalog metrics, shared by the
 * dashboards so "a run", "a failure" or "freshness" means the same everywhere.
 * A selector is the inside of `{…}`, e.g. `dag_id=~"$dag_id"`; empty selects all.
 */
import { RUN_SERIES } from '../content/metrics/catalog';

/** Filter on the dashboard's `dag_id` variable (single value or regex from a multi-select). */
export const DAG_FILTER = 'dag_id=~"$dag_id"';

export function series(metric: string, selector = ''): string {
  return selector === '' ? metric : `${metric}{${selector}}`;
}

/**
 * Runs come from the metadata-database exporter's counters, which exist from
 * 0 for both states of every DAG and survive exporter restarts, so a pipeline
 * with only successes or only failures still has both sides.
 */
const finished = (selector: string, state?: string) => series(RUN_SERIES.finished, [selector, state && `state="${state}"`].filter(Boolean).join(', '));

export const runs = {
  succeeded: (selector: string, range: string) => `sum by (dag_id) (increase(${finished(selector, 'success')}[${range}]))`,
  failed: (selector: string, range: string) => `sum by (dag_id) (increase(${finished(selector, 'failed')}[${range}]))`,
  total: (selector: string, range: string) => `sum by (dag_id) (increase(${finished(selector)}[${range}]))`,
  /** Share of finished runs that succeeded; no finished run in the range reads "no data", not 0/0. */
  successRatio: (selector: string, range: string) => `${runs.succeeded(selector, range)} / (${runs.total(selector, range)} > 0)`,
  failureRatio: (selector: string, range: string) => `${runs.failed(selector, range)} / (${runs.total(selector, range)} > 0)`,
  /** Mean duration of successful runs in the range (StatsD run-duration summary). */
  meanDuration: (selector: string, range: string) =>
    `sum by (dag_id) (rate(${series(RUN_SERIES.succeededSecondsSum, selector)}[${range}])) / sum by (dag_id) (rate(${series(RUN_SERIES.succeededDurationCount, selector)}[${range}]))`,
};

/** Seconds since the data interval of each pipeline's latest successful run ended (its data's age). */
export function dataAgeSeconds(selector = ''): string {
  return `time() - max by (dag_id) (${series(RUN_SERIES.lastSuccess, selector)})`;
}

/** Mean task duration per DAG and task over the range. */
export function meanTaskDuration(selector: string, range: string): string {
  return (
    `sum by (dag_id, task_id) (rate(${series('airflow_task_duration_sum', selector)}[${range}]))` +
    ` / sum by (dag_id, task_id) (rate(${series('airflow_task_duration_count', selector)}[${range}]))`
  );
}

/** Data-quality checks that ran (passed or failed), by DAG and check. */
export function dqChecksRun(selector: string, range: string): string {
  return (
    `sum by (dag_id, check) (label_replace(increase(${series('pipewatch_dq_checks_passed_total', selector)}[${range}]), "outcome", "passed", "", "")` +
    ` or label_replace(increase(${series('pipewatch_dq_checks_failed_total', selector)}[${range}]), "outcome", "failed", "", ""))`
  );
}

export function dqChecksFailed(selector: string, range: string): string {
  return `sum by (dag_id, check) (increase(${series('pipewatch_dq_checks_failed_total', selector)}[${range}]))`;
}

export function dqPassRatio(selector: string, range: string): string {
  const passed = `sum by (dag_id, check) (increase(${series('pipewatch_dq_checks_passed_total', selector)}[${range}]))`;
  return `(${passed} or ${dqChecksRun(selector, range)} * 0) / ${dqChecksRun(selector, range)}`;
}
