import { Severity } from '../pipeline/spec';

/** Labels every pipewatch alert carries; `dag_id` and the like are added where they apply. */
export interface AlertLabels {
  /** `none` marks alerts that never notify a person (the Watchdog). */
  readonly severity: Severity | 'none';
  /** Team that owns the alert and receives its notifications. */
  readonly team: string;
  readonly [label: string]: string;
}

/** Annotations every pipewatch alert carries once its links are added. */
export interface AlertAnnotations {
  readonly summary: string;
  /** May use `{{ $labels.x }}` and `{{ $value }}`. */
  readonly description: string;
  readonly runbook_url: string;
  readonly dashboard_url: string;
  readonly [annotation: string]: string;
}

/** One Prometheus alerting rule, shaped like its YAML. */
export interface AlertingRule {
  readonly alert: string;
  readonly expr: string;
  /** Prometheus duration the condition must hold before firing. @default - fires on first evaluation */
  readonly for?: string;
  /** Absent where the expression brings severity and team itself (pipeline alerts join them from their threshold series). */
  readonly labels?: AlertLabels;
  readonly annotations: AlertAnnotations;
}

/** One Prometheus recording rule; `record` follows level:metric:operation. */
export interface RecordingRule {
  readonly record: string;
  readonly expr: string;
  readonly labels?: Readonly<Record<string, string>>;
}

export type Rule = AlertingRule | RecordingRule;

export interface RuleGroup {
  readonly name: string;
  /** Prometheus duration. @default - the global evaluation interval */
  readonly interval?: string;
  readonly rules: readonly Rule[];
}

/** A rule file the Prometheus construct mounts: its file name and groups. */
export interface RuleFile {
  readonly name: string;
  readonly groups: readonly RuleGroup[];
}

export function isAlertingRule(rule: Rule): rule is AlertingRule {
  return 'alert' in rule;
}

export function isRecordingRule(rule: Rule): rule is RecordingRule {
  return 'record' in rule;
}
