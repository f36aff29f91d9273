import { AnnotationMetadataEntryType, Testing, TerraformStack } from 'cdktf';
import { Duration } from '../../content/duration';
import { PipelineMonitor } from '../../constructs/pipeline/pipeline-monitor';
import { isAlertingRule } from '../../content/rules/types';
import { DEFAULT_PIPELINES_FILE, loadPipelineCatalog } from '../../content/pipeline/catalog';

const EXAMPLE_PIPELINES = loadPipelineCatalog(DEFAULT_PIPELINES_FILE);

const stack = () => new TerraformStack(Testing.app(), 'Stack');
const etl = EXAMPLE_PIPELINES.find((s) => s.dagId === 'example_etl')!;

describe('PipelineMonitor', () => {
  it('GIVEN example_etl and its catalog WHEN constructed THEN it exposes its alert group, team and lineage inhibition', () => {
    const monitor = new PipelineMonitor(stack(), 'Etl', { spec: etl, catalog: EXAMPLE_PIPELINES, grafanaUrl: 'https://grafana.example.com' });
    const alerts = monitor.ruleGroup.rules.filter(isAlertingRule);
    expect(monitor.ruleGroup.name).toBe('pipewatch-pipeline-example_etl');
    expect(new Set(alerts.map((a) => a.alert))).toEqual(
      new Set(['PipelineRunFailed', 'PipelineDeadlineMissed', 'PipelineDataStale', 'PipelineDurationRegression', 'PipelineTaskLongRunning', 'PipelineMetricsAbsent', 'PipelineErrorBudgetBurnFast', 'PipelineErrorBudgetBurnSlow']),
    );
    expect(alerts.every((a) => a.labels.team === 'analytics' && a.labels.dag_id === 'example_etl')).toBe(true);
    expect(alerts[0].annotations.dashboard_url).toBe('https://grafana.example.com/d/pipewatch-pipeline-detail?var-dag_id=example_etl');
    expect(monitor.team).toBe('analytics');
    expect(monitor.inhibitRule?.target_matchers).toContain('dag_id="example_etl"');
  });

  it('GIVEN a daily pipeline whose 99% SLO allows under one failed run WHEN constructed THEN a synth warning names the fix; an hourly one gets none', () => {
    const ml = EXAMPLE_PIPELINES.find((s) => s.dagId === 'ml_pipeline')!;
    const daily = new PipelineMonitor(stack(), 'Ml', { spec: ml, catalog: EXAMPLE_PIPELINES });
    const warnings = (m: PipelineMonitor) => m.node.metadata.filter((e) => e.type === AnnotationMetadataEntryType.WARN).map((e) => String(e.data));
    expect(warnings(daily)).toEqual([expect.stringMatching(/^ml_pipeline: slo 99% over 28d allows 0\.28 failed runs .* Choose a target ≤ 96\.4%/)]);
    expect(warnings(new PipelineMonitor(stack(), 'Etl', { spec: etl, catalog: EXAMPLE_PIPELINES }))).toEqual([]);
  });

  it('GIVEN a pipeline without upstreams WHEN constructed THEN it has no inhibit rule', () => {
    const ingest = EXAMPLE_PIPELINES.find((s) => s.dagId === 'datalake_ingest')!;
    expect(new PipelineMonitor(stack(), 'Ingest', { spec: ingest, catalog: EXAMPLE_PIPELINES }).inhibitRule).toBeUndefined();
  });

  it('GIVEN an invalid spec WHEN constructed THEN the error names the construct path', () => {
    const spec = { ...etl, upstream: [], deadline: Duration.hours(2) };
    expect(() => new PipelineMonitor(stack(), 'Etl', { spec })).toThrow(/^Stack\/Etl: invalid deadline "2h"/);
  });

  it('GIVEN an upstream missing from the catalog WHEN constructed THEN the error names the construct path and the id', () => {
    expect(() => new PipelineMonitor(stack(), 'Etl', { spec: etl })).toThrow(/^Stack\/Etl: invalid upstream\[0\] "datalake_ingest"/);
  });
});
