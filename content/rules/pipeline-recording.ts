import { RUN_SERIES } from '../metrics/catalog';
import { RuleGroup, RecordingRule } from './types';

/** Windows the run-failure ratio is recorded over: the multi-window burn-rate alerts pick from these. */
export const FAILURE_RATIO_WINDOWS = ['5m', '30m', '1h', '2h', '6h', '1d', '3d'] as const;
export type FailureRatioWindow = (typeof FAILURE_RATIO_WINDOWS)[number];

/** Windows the average successful-run duration is recorded over. */
export const RUN_DURATION_WINDOWS = ['1h', '1d', '7d'] as const;
export type RunDurationWindow = (typeof RUN_DURATION_WINDOWS)[number];

/** Windows of a day or more change slowly and read much data: evaluated less often, in their own group. */
const LONG_WINDOWS: readonly string[] = ['1d', '3d', '7d'];

export const failedRunsRecord = (w: FailureRatioWindow) => `dag_id:pipewatch_dagrun_failed:increase${w}`;
export const succeededRunsRecord = (w: FailureRatioWindow) => `dag_id:pipewatch_dagrun_succeeded:increase${w}`;
export const failureRatioRecord = (w: FailureRatioWindow) => `dag_id:pipewatch_run_failure_ratio:ratio_rate${w}`;
export const runDurationRecord = (w: RunDurationWindow) => `dag_id:pipewatch_run_duration_seconds:avg${w}`;

const SUCCEEDED = RUN_SERIES.succeeded;
const FAILED = RUN_SERIES.failed;

/**
 * Runs per outcome, zero-filled from the other outcome: a DAG that never
 * failed has no failed-count series at all, and without the fill its ratio
 * would be missing instead of 0 (and one that never succeeded would have no
 * denominator). `or vector(0)` would not do: it carries no dag_id.
 */
function outcomeRules(w: FailureRatioWindow): RecordingRule[] {
  const runs = (metric: string) => `sum by (dag_id) (increase(${metric}[${w}]))`;
  return [
    { record: failedRunsRecord(w), expr: `${runs(FAILED)} or 0 * ${runs(SUCCEEDED)}` },
    { record: succeededRunsRecord(w), expr: `${runs(SUCCEEDED)} or 0 * ${runs(FAILED)}` },
    {
      record: failureRatioRecord(w),
      // `> 0` drops windows without finished runs (paused pipeline, daily DAG between runs): no 0/0 NaN series.
      expr: `${failedRunsRecord(w)} / (${failedRunsRecord(w)} + ${succeededRunsRecord(w)} > 0)`,
    },
  ];
}

function durationRule(w: RunDurationWindow): RecordingRule {
  return {
    record: runDurationRecord(w),
    expr: `sum by (dag_id) (increase(${RUN_SERIES.succeededSecondsSum}[${w}])) / (sum by (dag_id) (increase(${SUCCEEDED}[${w}])) > 0)`,
  };
}

/** Per-DAG recording rules every pipeline alert builds on; they cover all DAGs, declared or not. */
export function pipelineRecordingGroups(): RuleGroup[] {
  const rules = [...FAILURE_RATIO_WINDOWS.flatMap(outcomeRules), ...RUN_DURATION_WINDOWS.map(durationRule)];
  const isLong = (r: RecordingRule) => LONG_WINDOWS.some((w) => r.record.endsWith(w));
  return [
    { name: 'pipewatch-pipeline-records', rules: rules.filter((r) => !isLong(r)) },
    { name: 'pipewatch-pipeline-records-long', interval: '1m', rules: rules.filter(isLong) },
  ];
}
