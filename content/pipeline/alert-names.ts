/**
 * The names of the pipeline alerts: the rules (alerts.ts) are named from
 * here, and dashboard panels link to the runbook section of the alert they watch.
 */
export const PIPELINE_ALERTS = {
  runFailed: 'PipelineRunFailed',
  deadlineMissed: 'PipelineDeadlineMissed',
  dataStale: 'PipelineDataStale',
  dataQualityCheckFailed: 'PipelineDataQualityCheckFailed',
  dataCompletenessLow: 'PipelineDataCompletenessLow',
  durationRegression: 'PipelineDurationRegression',
  taskLongRunning: 'PipelineTaskLongRunning',
  metricsAbsent: 'PipelineMetricsAbsent',
  errorBudgetBurnFast: 'PipelineErrorBudgetBurnFast',
  errorBudgetBurnSlow: 'PipelineErrorBudgetBurnSlow',
} as const;
