import { RUN_SERIES } from '../metrics/catalog';
import { RuleGroup, RecordingRule } from './types';

/** Windows the average successful-run duration is recorded over. */
export const RUN_DURATION_WINDOWS = ['1h', '1d', '7d'] as const;
export type RunDurationWindow = (typeof RUN_DURATION_WINDOWS)[number];

/** Windows of a day or more change slowly and read much data: evaluated less often, in their own group. */
const LONG_WINDOWS: readonly string[] = ['1d', '7d'];

export const runDurationRecord = (w: RunDurationWindow) => `dag_id:pipewatch_run_duration_seconds:avg${w}`;

function durationRule(w: RunDurationWindow): RecordingRule {
  return {
    record: runDurationRecord(w),
    expr: `sum by (dag_id) (increase(${RUN_SERIES.succeededSecondsSum}[${w}])) / (sum by (dag_id) (increase(${RUN_SERIES.succeededDurationCount}[${w}])) > 0)`,
  };
}

/**
 * Per-DAG recording rules the duration alert builds on; they cover all DAGs,
 * declared or not. The SLO alerts need none: each reads its own lookback of
 * pipewatch_dag_runs_finished_total, two expressions per pipeline.
 */
export function pipelineRecordingGroups(): RuleGroup[] {
  const rules = RUN_DURATION_WINDOWS.map(durationRule);
  const isLong = (r: RecordingRule) => LONG_WINDOWS.some((w) => r.record.endsWith(w));
  return [
    { name: 'pipewatch-pipeline-records', rules: rules.filter((r) => !isLong(r)) },
    { name: 'pipewatch-pipeline-records-long', interval: '1m', rules: rules.filter(isLong) },
  ];
}
