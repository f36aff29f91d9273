import { AnnotationMetadataEntryType, Testing, TerraformStack } from 'cdktf';
import { Duration } from '../../content/duration';
import { PipelineMonitor } from '../../constructs/pipeline/pipeline-monitor';
import { DEFAULT_PIPELINES_FILE, loadPipelineCatalog } from '../../content/pipeline/catalog';

const EXAMPLE_PIPELINES = loadPipelineCatalog(DEFAULT_PIPELINES_FILE);

const stack = () => new TerraformStack(Testing.app(), 'Stack');
const etl = EXAMPLE_PIPELINES.find((s) => s.dagId === 'example_etl')!;

describe('PipelineMonitor', () => {
  it('GIVEN example_etl and its catalog WHEN constructed THEN it exposes its thresholds, team and lineage inhibition', () => {
    const monitor = new PipelineMonitor(stack(), 'Etl', { spec: etl, catalog: EXAMPLE_PIPELINES });
    const byName = (series: string) => monitor.thresholds.filter((s) => s.series === series).map((s) => `${s.value} ${JSON.stringify(s.labels)}`);
    expect(byName('dag_id:pipewatch_pipeline_info:spec')).toEqual(['1 {"dag_id":"example_etl","team":"analytics"}']);
    expect(byName('dag_id:pipewatch_deadline_seconds:spec')).toEqual(['2400 {"dag_id":"example_etl","deadline":"40m","schedule":"15 * * * *"}']);
    expect(byName('dag_id:pipewatch_task_expected_duration_seconds:spec')).toHaveLength(3);
    // Default severities publish nothing: only a spec's own policy does.
    expect(byName('dag_id:pipewatch_alert_severity:spec')).toEqual([]);
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
