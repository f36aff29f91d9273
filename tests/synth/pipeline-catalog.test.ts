import { Testing } from 'cdktf';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { parse } from 'yaml';
import { Duration } from '../../content/duration';
import { DEFAULT_PIPELINES_FILE, parsePipelineCatalog } from '../../content/pipeline/catalog';
import { SIMULATOR_PIPELINES_FILE } from '../../constructs/metrics-app/metrics-app';
import { PipelineMonitor } from '../../constructs/pipeline/pipeline-monitor';
import { thresholdRecords } from '../../content/pipeline/thresholds';
import { buildApp } from '../../stacks/app';
import { LocalDockerStack } from '../../stacks/local-docker';
import { container, synthLocal, synthToFiles, uploaded } from '../support/synth';

const billing = {
  dagId: 'billing_export',
  schedule: '30 * * * *',
  ownerTeam: 'finance',
  expectedDuration: Duration.minutes(8),
  tasks: [{ taskId: 'export', expectedDuration: Duration.minutes(8) }],
};

describe('GIVEN a stack with a pipeline added by addPipeline() after construction', () => {
  const { json } = synthLocal({}, (stack) => stack.monitoring.addPipeline(billing));
  const simulator = container(json, 'dev-metrics-app');

  test('THEN the simulator is told where its pipeline catalog is mounted', () => {
    expect(simulator.env).toContain(`SIM_PIPELINES_FILE=${SIMULATOR_PIPELINES_FILE}`);
  });

  test('THEN the catalog mounted into the simulator holds the monitored pipelines, the late one included', () => {
    const catalog = parsePipelineCatalog(uploaded(simulator, SIMULATOR_PIPELINES_FILE), SIMULATOR_PIPELINES_FILE);
    expect(catalog.map((s) => s.dagId)).toEqual(['datalake_ingest', 'example_etl', 'data_quality', 'ml_pipeline', 'finance.daily_revenue', 'billing_export']);
    expect(catalog[5].expectedDuration.toSeconds()).toBe(8 * 60);
  });
});

/** The synthesized stack of `buildApp()` (what main.ts runs) for the environment given. */
function synthesizedLocalStack(env: NodeJS.ProcessEnv): any {
  const app = buildApp({ ...env, PIPEWATCH_ENV: 'ci' }, Testing.app());
  return synthToFiles(app.node.findChild('local-ci') as LocalDockerStack).json;
}

const alertRules = (stack: any) => parse(uploaded(container(stack, 'ci-prometheus'), '/etc/prometheus/rules/pipelines.yml')).groups.flatMap((g: any) => g.rules);

describe('GIVEN a copy of pipelines.yaml that PIPEWATCH_PIPELINES points at', () => {
  let dir: string;
  let file: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'pipewatch-catalog-'));
    file = join(dir, 'pipelines.yaml');
    copyFileSync(DEFAULT_PIPELINES_FILE, file);
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  test('WHEN a deadline is changed in the copy THEN the synthesized deadline threshold the alert joins holds the new deadline', () => {
    const deadlineOf = (stack: any) => alertRules(stack).find((r: any) => r.record === 'dag_id:pipewatch_deadline_seconds:spec' && r.labels.dag_id === 'example_etl');
    const before = deadlineOf(synthesizedLocalStack({ PIPEWATCH_PIPELINES: file }));
    writeFileSync(file, readFileSync(file, 'utf8').replace('deadline: 40m', 'deadline: 50m'));
    const after = deadlineOf(synthesizedLocalStack({ PIPEWATCH_PIPELINES: file }));
    expect(before).toEqual(expect.objectContaining({ expr: 'vector(2400)', labels: expect.objectContaining({ deadline: '40m' }) }));
    expect(after).toEqual(expect.objectContaining({ expr: 'vector(3000)', labels: expect.objectContaining({ deadline: '50m' }) }));
  });

  test('WHEN a pipeline is added to the copy THEN the synthesized rules get its thresholds', () => {
    const monitored = (stack: any) => alertRules(stack).filter((r: any) => r.record === 'dag_id:pipewatch_pipeline_info:spec').map((r: any) => r.labels.dag_id);
    writeFileSync(
      file,
      `${readFileSync(file, 'utf8')}
  - dagId: billing_export
    schedule: "30 * * * *"
    ownerTeam: finance
    expectedDuration: 8m
    tasks: [{ taskId: export, expectedDuration: 8m }]
`,
    );
    expect(monitored(synthesizedLocalStack({ PIPEWATCH_PIPELINES: file }))).toContain('billing_export');
    expect(monitored(synthesizedLocalStack({}))).not.toContain('billing_export');
  });

  test('WHEN the copy has a misspelt field THEN building the app fails naming the file, pipeline and field', () => {
    writeFileSync(file, readFileSync(file, 'utf8').replace('deadline: 40m', 'deadlnie: 40m'));
    expect(() => buildApp({ PIPEWATCH_PIPELINES: file }, Testing.app())).toThrow(`${file}: pipelines[1] (example_etl): deadlnie: unknown field; did you mean deadline?`);
  });
});

describe('GIVEN the stack and the monitors of its pipelines', () => {
  const { json, stack } = synthLocal({}, (s) => s.monitoring.addPipeline(billing));
  const rendered = parse(uploaded(container(json, 'dev-prometheus'), '/etc/prometheus/rules/pipelines.yml')).groups;

  test("THEN pipelines.yml holds each pipeline's thresholds as its PipelineMonitor built them, in one group with the alerts", () => {
    const monitors = stack.monitoring.node.findChild('Pipelines').node.children as PipelineMonitor[];
    expect(monitors.map((m) => m.spec.dagId)).toEqual(['datalake_ingest', 'example_etl', 'data_quality', 'ml_pipeline', 'finance.daily_revenue', 'billing_export']);
    const group = rendered.find((g: any) => g.name === 'pipewatch-pipelines');
    const records = group.rules.filter((r: any) => r.record !== undefined);
    expect(records).toEqual(JSON.parse(JSON.stringify(thresholdRecords(monitors.flatMap((m) => m.thresholds)))));
    // Thresholds first: an alert reads the ones written in the same evaluation.
    expect(group.rules.findIndex((r: any) => r.alert !== undefined)).toBe(records.length);
  });
});
