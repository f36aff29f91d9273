import { mkdtempSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { container, synthLocal, uploaded } from '../support/synth';
import { run, testTool } from '../support/tools';

const CONFIG = '/etc/otelcol-contrib/config.yaml';

describe("GIVEN the log shipper's config as the local stack synthesizes it", () => {
  const config = uploaded(container(synthLocal().json, 'dev-otel-collector'), CONFIG);
  const withTraces = uploaded(container(synthLocal({ traces: { enabled: true } }).json, 'dev-otel-collector'), CONFIG);
  let dir: string;
  beforeAll(() => (dir = mkdtempSync(join(tmpdir(), 'pipewatch-otelcol-'))));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('WHEN the collector built from tools/otelcol validates it THEN every component and setting is accepted', () => {
    const file = join(dir, 'config.yaml');
    writeFileSync(file, config);
    expect(() => run(testTool('otelcol'), ['validate', `--config=${file}`])).not.toThrow();
  });

  test('WHEN traces are on THEN the same validation accepts the config with its traces pipeline (otlp in, batch, otlphttp to Jaeger)', () => {
    const file = join(dir, 'traces.yaml');
    writeFileSync(file, withTraces);
    expect(withTraces).toContain('otlphttp/jaeger');
    expect(() => run(testTool('otelcol'), ['validate', `--config=${file}`])).not.toThrow();
  });

  test('WHEN the traces pipeline names a processor nobody defines THEN the validation rejects it', () => {
    const file = join(dir, 'traces-typo.yaml');
    writeFileSync(file, withTraces.replace(/- batch$/m, '- batched'));
    expect(() => run(testTool('otelcol'), ['validate', `--config=${file}`])).toThrow(/batched/);
  });

  test('WHEN a setting is misspelt THEN the same validation rejects it, naming the key', () => {
    const file = join(dir, 'typo.yaml');
    writeFileSync(file, config.replace('retry_on_failure:', 'retry_on_failures:'));
    expect(() => run(testTool('otelcol'), ['validate', `--config=${file}`])).toThrow(/retry_on_failures/);
  });
});
