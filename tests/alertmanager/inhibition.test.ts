import { InhibitRule } from '../../content/alertmanager/config';
import { severityInhibitRules } from '../../content/alertmanager/inhibitions';
import { dbtLineageInhibitRule } from '../../content/dbt/lineage';
import { lineageInhibitRules } from '../../content/pipeline/lineage';
import { DEFAULT_PIPELINES_FILE, loadPipelineCatalog } from '../../content/pipeline/catalog';

const EXAMPLE_PIPELINES = loadPipelineCatalog(DEFAULT_PIPELINES_FILE);

type Labels = Readonly<Record<string, string>>;

/** Alertmanager's matcher semantics for `label="v"` and `label=~"regex"` (anchored; a missing label is ""). */
function matches(labels: Labels, matcher: string): boolean {
  const m = /^(\w+)(=~|=)(".*")$/.exec(matcher);
  if (!m) throw new Error(`matcher not understood by the test: ${matcher}`);
  const value = labels[m[1]] ?? '';
  const wanted = JSON.parse(m[3]) as string;
  return m[2] === '=' ? value === wanted : new RegExp(`^(?:${wanted})$`).test(value);
}

/** Whether any firing source mutes the target under the rules, as Alertmanager's inhibitor decides. */
function inhibited(target: Labels, firing: readonly Labels[], rules: readonly InhibitRule[]): boolean {
  return rules.some(
    (rule) =>
      rule.target_matchers.every((m) => matches(target, m)) &&
      firing.some((source) => source !== target && rule.source_matchers.every((m) => matches(source, m)) && (rule.equal ?? []).every((l) => (source[l] ?? '') === (target[l] ?? ''))),
  );
}

const rules = [...severityInhibitRules(), ...lineageInhibitRules(EXAMPLE_PIPELINES), dbtLineageInhibitRule()];
const alert = (alertname: string, dag_id: string, severity = 'warning'): Labels => ({ alertname, dag_id, severity });

describe('inhibition', () => {
  it('GIVEN datalake_ingest fails WHEN example_etl goes stale THEN the stale alert is muted', () => {
    expect(inhibited(alert('PipelineDataStale', 'example_etl'), [alert('PipelineRunFailed', 'datalake_ingest', 'critical')], rules)).toBe(true);
  });

  it('GIVEN datalake_ingest is stale WHEN data_quality, two hops downstream, goes stale THEN it is muted too', () => {
    expect(inhibited(alert('PipelineDataStale', 'data_quality'), [alert('PipelineDataStale', 'datalake_ingest')], rules)).toBe(true);
  });

  it('GIVEN example_etl misses its deadline WHEN ml_pipeline misses its own THEN the downstream deadline alert is muted', () => {
    expect(inhibited(alert('PipelineDeadlineMissed', 'ml_pipeline', 'critical'), [alert('PipelineDeadlineMissed', 'example_etl', 'critical')], rules)).toBe(true);
  });

  it('GIVEN an upstream failure WHEN the downstream run itself fails THEN the downstream failure still notifies', () => {
    expect(inhibited(alert('PipelineRunFailed', 'example_etl', 'critical'), [alert('PipelineRunFailed', 'datalake_ingest', 'critical')], rules)).toBe(false);
  });

  it('GIVEN a downstream pipeline fails WHEN its upstream goes stale THEN the upstream alert is not muted (lineage points one way)', () => {
    expect(inhibited(alert('PipelineDataStale', 'datalake_ingest'), [alert('PipelineRunFailed', 'example_etl', 'critical')], rules)).toBe(false);
  });

  it('GIVEN a sibling pipeline fails WHEN another goes stale THEN nothing is muted', () => {
    expect(inhibited(alert('PipelineDataStale', 'data_quality'), [alert('PipelineRunFailed', 'ml_pipeline', 'critical')], rules)).toBe(false);
  });

  it('GIVEN a critical and a warning alert of one name and pipeline WHEN both fire THEN the warning is muted', () => {
    const warning = alert('PipelineTaskLongRunning', 'example_etl');
    expect(inhibited(warning, [alert('PipelineTaskLongRunning', 'example_etl', 'critical')], rules)).toBe(true);
    expect(inhibited(warning, [alert('PipelineTaskLongRunning', 'ml_pipeline', 'critical')], rules)).toBe(false);
  });

  it('GIVEN the example lineage WHEN rules are generated THEN there is one per pipeline with upstreams, listing all its ancestors', () => {
    expect(lineageInhibitRules(EXAMPLE_PIPELINES).map((r) => [r.target_matchers[1], r.source_matchers[1]])).toEqual([
      ['dag_id="example_etl"', 'dag_id=~"datalake_ingest"'],
      ['dag_id="data_quality"', 'dag_id=~"datalake_ingest|example_etl"'],
      ['dag_id="ml_pipeline"', 'dag_id=~"datalake_ingest|example_etl"'],
    ]);
  });

  describe('dbt', () => {
    const shop = { project: 'shop', target: 'prod' };
    const modelFailed: Labels = { ...shop, alertname: 'DbtModelFailed', severity: 'critical', model: 'stg_orders' };
    const testFailed = (test: string, severity: string, extra: Labels = {}): Labels => ({ ...shop, alertname: 'DbtTestFailed', severity, model: 'fct_orders', test, ...extra });

    it('GIVEN a failed model WHEN a test on a model downstream of it fails THEN the test alert is muted', () => {
      expect(inhibited(testFailed('unique_fct_orders_order_id', 'critical', { upstream_failed: 'true' }), [modelFailed], rules)).toBe(true);
    });

    it('GIVEN a failed model WHEN a test whose models all built fails THEN it still notifies', () => {
      expect(inhibited(testFailed('unique_fct_orders_order_id', 'critical'), [modelFailed], rules)).toBe(false);
    });

    it('GIVEN a failed model of another target WHEN a downstream test fails here THEN it still notifies', () => {
      expect(inhibited(testFailed('unique_fct_orders_order_id', 'critical', { upstream_failed: 'true' }), [{ ...modelFailed, target: 'dev' }], rules)).toBe(false);
    });

    it('GIVEN a critical test failure WHEN another test only warns THEN the warning still notifies, as does a stale source beside another', () => {
      expect(inhibited(testFailed('accepted_values_status', 'warning'), [testFailed('unique_fct_orders_order_id', 'critical')], rules)).toBe(false);
      const freshness = (table: string, severity: string): Labels => ({ ...shop, alertname: 'DbtSourceFreshness', severity, source: 'shop', table });
      expect(inhibited(freshness('customers', 'warning'), [freshness('payments', 'critical')], rules)).toBe(false);
      expect(inhibited(testFailed('accepted_values_status', 'warning'), [testFailed('accepted_values_status', 'critical')], rules)).toBe(true);
    });
  });
});
