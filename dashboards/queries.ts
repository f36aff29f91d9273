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
 * Airflow reports successful and failed runs as two summaries; their `_count`
 * series count runs. Tagging each side with an `outcome` label before `or`
 * keeps both (their label sets would otherwise collide) so totals stay right
 * when a pipeline has only successes or only failures.
 */
export const runs = {
  succeeded: (selector: string, range: string) => `sum by (dag_id) (increase(${series(RUN_SERIES.succeeded, selector)}[${range}]))`,
  failed: (selector: string, range: string) => `sum by (dag_id) (increase(${series(RUN_SERIES.failed, selector)}[${range}]))`,
  total: (selector: string, range: string) =>
    `sum by (dag_id) (label_replace(increase(${series(RUN_SERIES.succeeded, selector)}[${range}]), "outcome", "success", "", "")` +
    ` or label_replace(increase(${series(RUN_SERIES.failed, selector)}[${range}]), "outcome", "failed", "", ""))`,
  /** Share of finished runs that succeeded; a pipeline with runs but no successes reads 0, not "no data". */
  successRatio: (selector: string, range: string) => `(${runs.succeeded(selector, range)} or ${runs.total(selector, range)} * 0) / ${runs.total(selector, range)}`,
  failureRatio: (selector: string, range: string) => `(${runs.failed(selector, range)} or ${runs.total(selector, range)} * 0) / ${runs.total(selector, range)}`,
  /** Mean duration of successful runs in the range. */
  meanDuration: (selector: string, range: string) =>
    `sum by (dag_id) (rate(${series(RUN_SERIES.succeededSecondsSum, selector)}[${range}])) / sum by (dag_id) (rate(${series(RUN_SERIES.succeeded, selector)}[${range}]))`,
};

/** Seconds since each pipeline last succeeded (its data's age). */
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
