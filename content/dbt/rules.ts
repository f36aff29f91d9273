import { Duration } from '../duration';
import { Severity } from '../pipeline/spec';
import { AlertDraft, AlertLinkOptions, withLinks } from '../rules/alert-links';
import { RuleGroup } from '../rules/types';
import { assertRuleGroupsValid } from '../rules/validate-rules';
import { ANOMALY_Z, BASELINE_WEEKS, dataObservabilityGroup, FRESHNESS, SCHEMA_CHANGES, VOLUME } from './observability';
import { dbtSelectionArgs } from './selection';
import { DbtProjectSpec, DbtSeverityPolicy } from './spec';
import { validateDbtProjects } from './validate';

export const DBT_RULE_FILE = 'dbt.yml';

export const DBT_ALERTS = {
  modelFailed: 'DbtModelFailed',
  testFailed: 'DbtTestFailed',
  sourceFreshness: 'DbtSourceFreshness',
  durationRegression: 'DbtModelDurationRegression',
  volumeAnomaly: 'DbtModelVolumeAnomaly',
  freshnessAnomaly: 'DbtSourceFreshnessAnomaly',
  schemaChanged: 'DbtModelSchemaChanged',
} as const;

/**
 * Pushgateway series stay until the next push, so a scrape gap is the only
 * thing to bridge: state is read through last_over_time over this range.
 */
export const DBT_STATE_LOOKBACK = '10m';
/** Models whose own statement or an upstream model's failed: read by the test alerts' lineage label. */
export const UPSTREAM_FAILED_RECORD = 'project_model:dbt_upstream_failed:max';
/** Label the test alert carries while an upstream model fails; the lineage inhibition matches on it. */
export const UPSTREAM_FAILED_LABEL = 'upstream_failed';
export const DEFAULT_DURATION_REGRESSION_FACTOR = 1.5;
export const DEFAULT_MIN_REGRESSION_DURATION = Duration.minutes(1);

const DEFAULT_SEVERITY: Readonly<Record<keyof DbtSeverityPolicy, Severity>> = {
  modelFailed: 'critical',
  testError: 'critical',
  testWarn: 'warning',
  sourceFreshnessError: 'critical',
  sourceFreshnessWarn: 'warning',
  durationRegression: 'warning',
  volumeAnomaly: 'warning',
  freshnessAnomaly: 'warning',
  schemaChanged: 'info',
};

const last = (series: string) => `last_over_time(${series}[${DBT_STATE_LOOKBACK}])`;
/** Every model, of every project, whose latest invocation failed to build it. */
const FAILED_MODELS = `max by (project, target, model) (${last('dbt_model_status{status="error"}')}) == 1`;

/**
 * Lineage as data: dbt_model_upstream carries every (model, upstream) pair of
 * the manifest, so one rule serves every project, however many models it has.
 */
function upstreamFailedRule(): RuleGroup {
  const viaUpstream =
    `max by (project, target, model) (${last('dbt_model_upstream')}` +
    ` * on (project, target, upstream) group_left () label_replace(${FAILED_MODELS}, "upstream", "$1", "model", "(.+)"))`;
  return { name: 'pipewatch-dbt-records', rules: [{ record: UPSTREAM_FAILED_RECORD, expr: `(${FAILED_MODELS}) or ${viaUpstream}` }] };
}

/** The alerts of one validated dbt project and target. */
class DbtAlertBuilder {
  private readonly selector: string;

  constructor(private readonly spec: DbtProjectSpec) {
    this.selector = `project="${spec.project}", target="${spec.target}"`;
  }

  /** With a selection, each alert says which part of the project the monitored runs cover. */
  drafts(): AlertDraft[] {
    const selection = dbtSelectionArgs(this.spec.selectors).join(' ');
    const scoped = (d: AlertDraft): AlertDraft => (selection ? { ...d, description: `${d.description} The monitored invocations run with ${selection}.` } : d);
    return [
      this.modelFailed(),
      this.testFailed('testError'),
      this.testFailed('testWarn'),
      this.sourceFreshness('error'),
      this.sourceFreshness('warn'),
      this.durationRegression(),
      this.volumeAnomaly(),
      this.freshnessAnomaly(),
      this.schemaChanged(),
    ].map(scoped);
  }

  private labels(kind: keyof DbtSeverityPolicy) {
    return { severity: this.spec.severity?.[kind] ?? DEFAULT_SEVERITY[kind], team: this.spec.ownerTeam, project: this.spec.project, target: this.spec.target };
  }

  private series(metric: string, extra = ''): string {
    return `${metric}{${this.selector}${extra ? `, ${extra}` : ''}}`;
  }

  private modelFailed(): AlertDraft {
    return {
      alert: DBT_ALERTS.modelFailed,
      expr: `max by (project, target, model, owner) (${last(this.series('dbt_model_status', 'status="error"'))}) == 1`,
      labels: this.labels('modelFailed'),
      summary: 'dbt model {{ $labels.model }} failed',
      description: `The latest invocation of dbt project {{ $labels.project }} (target {{ $labels.target }}) could not build model {{ $labels.model }} (model owner: {{ $labels.owner }}); models downstream of it were skipped and keep old data until it builds again.`,
      dashboard: 'dbt',
    };
  }

  /**
   * dbt's own severity decides the status: a `severity: warn` test that finds
   * rows ends as `warn`, a `severity: error` one as `fail` (or `error` when
   * its query cannot run). The value is the number of failing rows. While a
   * model the test reads (or the tested model itself) fails, the alert
   * carries upstream_failed="true" and the lineage inhibition mutes it.
   */
  private testFailed(kind: 'testError' | 'testWarn'): AlertDraft {
    const statuses = kind === 'testError' ? 'fail|error' : 'warn';
    const key = 'project, target, model, test';
    const failing =
      `max by (project, target, model, test, dbt_severity, owner) (${last(this.series('dbt_test_failures'))})` +
      ` and on (${key}) (max by (${key}) (${last(this.series('dbt_test_status', `status=~"${statuses}"`))}) == 1)`;
    const upstream = `on (project, target, model) ${UPSTREAM_FAILED_RECORD}`;
    return {
      alert: DBT_ALERTS.testFailed,
      expr: `((${failing}) unless ${upstream}) or label_replace((${failing}) and ${upstream}, "${UPSTREAM_FAILED_LABEL}", "true", "", "")`,
      labels: { ...this.labels(kind), outcome: kind === 'testError' ? 'fail' : 'warn' },
      summary: 'dbt test {{ $labels.test }} on {{ $labels.model }} failed',
      description:
        kind === 'testError'
          ? 'dbt test {{ $labels.test }} (severity error) on model {{ $labels.model }} of project {{ $labels.project }} found {{ $value }} failing rows, or could not run: models downstream of it were skipped.'
          : 'dbt test {{ $labels.test }} (severity warn) on model {{ $labels.model }} of project {{ $labels.project }} found {{ $value }} failing rows; dbt built on, so the rows reached the marts.',
      dashboard: 'dbt',
    };
  }

  /**
   * Age is judged now, from the newest loaded_at the latest check saw, not
   * at the check: a source that stops loading, or a check that stops
   * running, still ages into the alert. Thresholds are the source's own
   * warn_after/error_after, as series.
   */
  private sourceFreshness(level: 'error' | 'warn'): AlertDraft {
    const key = 'project, target, source, table';
    const age = `(time() - max by (${key}, owner) (${last(this.series('dbt_source_max_loaded_at_timestamp_seconds'))}))`;
    const over = (l: 'error' | 'warn') => `${age} > on (${key}) group_left () max by (${key}) (${last(this.series(`dbt_source_freshness_${l}_after_seconds`))})`;
    return {
      alert: DBT_ALERTS.sourceFreshness,
      expr: level === 'error' ? over('error') : `(${over('warn')}) unless on (${key}) (${over('error')})`,
      labels: { ...this.labels(level === 'error' ? 'sourceFreshnessError' : 'sourceFreshnessWarn'), freshness: level },
      summary: `dbt source {{ $labels.source }}.{{ $labels.table }} is past its ${level}_after`,
      description: `The newest row of source {{ $labels.source }}.{{ $labels.table }} (project {{ $labels.project }}, owner {{ $labels.owner }}) was loaded {{ $value | humanizeDuration }} ago, past the ${level}_after the source declares: the loader upstream of it stopped or fell behind.`,
      dashboard: 'dbt',
    };
  }

  private durationRegression(): AlertDraft {
    const factor = this.spec.durationRegressionFactor ?? DEFAULT_DURATION_REGRESSION_FACTOR;
    const min = (this.spec.minRegressionDuration ?? DEFAULT_MIN_REGRESSION_DURATION).toSeconds();
    const by = 'max by (project, target, model, owner)';
    const latest = `${by} (${last(this.series('dbt_model_duration_seconds'))})`;
    return {
      alert: DBT_ALERTS.durationRegression,
      expr: `(${latest} > ${factor} * ${by} (avg_over_time(${this.series('dbt_model_duration_seconds')}[7d]))) and ${latest} > ${min}`,
      labels: this.labels('durationRegression'),
      summary: 'dbt model {{ $labels.model }} runs slower than usual',
      description: `Model {{ $labels.model }} of project {{ $labels.project }} took {{ $value | humanizeDuration }} in its latest run, over ${factor}x its 7-day average and over ${min}s: more data, a lost index or a changed plan.`,
      dashboard: 'dbt',
    };
  }

  private volumeAnomaly(): AlertDraft {
    const z = this.series(VOLUME.zscore);
    return {
      alert: DBT_ALERTS.volumeAnomaly,
      expr: `${z} > ${ANOMALY_Z} or ${z} < -${ANOMALY_Z}`,
      labels: this.labels('volumeAnomaly'),
      summary: 'dbt model {{ $labels.model }} wrote an unusual number of rows',
      description: `Model {{ $labels.model }} of project {{ $labels.project }} wrote a row count {{ $value | printf "%.1f" }} spreads away from the same hour of the past ${BASELINE_WEEKS} weeks: a source that lost or duplicated data, or a changed filter.`,
      dashboard: 'dbt',
    };
  }

  /** Only later than usual: a source loaded earlier than its habit is no incident. */
  private freshnessAnomaly(): AlertDraft {
    return {
      alert: DBT_ALERTS.freshnessAnomaly,
      expr: `${this.series(FRESHNESS.zscore)} > ${ANOMALY_Z}`,
      labels: this.labels('freshnessAnomaly'),
      summary: 'dbt source {{ $labels.source }}.{{ $labels.table }} is later than usual',
      description: `Source {{ $labels.source }}.{{ $labels.table }} of project {{ $labels.project }} was last loaded longer ago than at the same hour of the past ${BASELINE_WEEKS} weeks (z-score {{ $value | printf "%.1f" }}), though maybe within its freshness thresholds: its loader is late.`,
      dashboard: 'dbt',
    };
  }

  private schemaChanged(): AlertDraft {
    return {
      alert: DBT_ALERTS.schemaChanged,
      expr: `${this.series(SCHEMA_CHANGES)} > 0`,
      labels: this.labels('schemaChanged'),
      summary: 'dbt model {{ $labels.model }} changed its columns',
      description: 'The columns of model {{ $labels.model }} of project {{ $labels.project }} changed {{ $value }} time(s) in the past hour (added, removed or retyped): consumers of the table may break.',
      dashboard: 'dbt',
    };
  }
}

export const dbtGroupName = (spec: DbtProjectSpec) => `pipewatch-dbt-${spec.project}-${spec.target}`;

/** The dbt rule file: the lineage record, then one alert group per project and target, validated as a set. */
export function dbtRuleGroups(specs: readonly DbtProjectSpec[], links: AlertLinkOptions = {}, whereOf?: (i: number) => string): RuleGroup[] {
  validateDbtProjects(specs, whereOf);
  const groups = [
    upstreamFailedRule(),
    dataObservabilityGroup(),
    ...specs.map((spec) => ({ name: dbtGroupName(spec), rules: new DbtAlertBuilder(spec).drafts().map((d) => withLinks(d, links)) })),
  ];
  assertRuleGroupsValid(groups, DBT_RULE_FILE);
  return groups;
}
