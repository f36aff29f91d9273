/**
 * The pipeline alerts by the names the alert rules give them
 * (content/pipeline/alerts.ts). Panels that show what an alert watches link
 * to its runbook section (runbookUrl), so this list must follow the rules.
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
