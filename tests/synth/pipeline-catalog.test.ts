import { Testing } from 'cdktf';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { parse } from 'yaml';
import { Duration } from '../../content/duration';
import { DEFAULT_PIPELINES_FILE, parsePipelineCatalog } from '../../content/pipeline/catalog';
import { SIMULATOR_PIPELINES_FILE } from '../../constructs/metrics-app/metrics-app';
import { PipelineMonitor } from '../../constructs/pipeline/pipeline-monitor';
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

  test('WHEN a deadline is changed in the copy THEN the synthesized deadline alert uses the new deadline', () => {
    const deadlineOf = (stack: any) => alertRules(stack).find((r: any) => r.alert === 'PipelineDeadlineMissed' && r.labels.dag_id === 'example_etl');
    const before = deadlineOf(synthesizedLocalStack({ PIPEWATCH_PIPELINES: file }));
    writeFileSync(file, readFileSync(file, 'utf8').replace('deadline: 40m', 'deadline: 50m'));
    const after = deadlineOf(synthesizedLocalStack({ PIPEWATCH_PIPELINES: file }));
    expect(before.expr).toContain(String(40 * 60));
    expect(after.expr).toContain(String(50 * 60));
    expect(after.expr).not.toContain(String(40 * 60));
  });

  test('WHEN a pipeline is added to the copy THEN the synthesized rules get its alert group', () => {
    const groups = (stack: any) => parse(uploaded(container(stack, 'ci-prometheus'), '/etc/prometheus/rules/pipelines.yml')).groups.map((g: any) => g.name);
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
    expect(groups(synthesizedLocalStack({ PIPEWATCH_PIPELINES: file }))).toContain('pipewatch-pipeline-billing_export');
    expect(groups(synthesizedLocalStack({}))).not.toContain('pipewatch-pipeline-billing_export');
  });

  test('WHEN the copy has a misspelt field THEN building the app fails naming the file, pipeline and field', () => {
    writeFileSync(file, readFileSync(file, 'utf8').replace('deadline: 40m', 'deadlnie: 40m'));
    expect(() => buildApp({ PIPEWATCH_PIPELINES: file }, Testing.app())).toThrow(`${file}: pipelines[1] (example_etl): deadlnie: unknown field; did you mean deadline?`);
  });
});

describe('GIVEN the stack and the monitors of its pipelines', () => {
  const { json, stack } = synthLocal({}, (s) => s.monitoring.addPipeline(billing));
  const rendered = parse(uploaded(container(json, 'dev-prometheus'), '/etc/prometheus/rules/pipelines.yml')).groups;

  test("THEN each pipeline's alert group in pipelines.yml is the one its PipelineMonitor built", () => {
    const monitors = stack.monitoring.node.findChild('Pipelines').node.children as PipelineMonitor[];
    expect(monitors.map((m) => m.spec.dagId)).toEqual(['datalake_ingest', 'example_etl', 'data_quality', 'ml_pipeline', 'finance.daily_revenue', 'billing_export']);
    for (const monitor of monitors) {
      expect(rendered.find((g: any) => g.name === monitor.ruleGroup.name)).toEqual(JSON.parse(JSON.stringify(monitor.ruleGroup)));
    }
  });
});
