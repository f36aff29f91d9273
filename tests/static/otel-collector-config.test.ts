import { mkdtempSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { container, synthLocal, uploaded } from '../support/synth';
import { run, testTool } from '../support/tools';

describe("GIVEN the log shipper's config as the local stack synthesizes it", () => {
  const config = uploaded(container(synthLocal().json, 'dev-otel-collector'), '/etc/otelcol-contrib/config.yaml');
  let dir: string;
  beforeAll(() => (dir = mkdtempSync(join(tmpdir(), 'pipewatch-otelcol-'))));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('WHEN the collector built from tools/otelcol validates it THEN every component and setting is accepted', () => {
    const file = join(dir, 'config.yaml');
    writeFileSync(file, config);
    expect(() => run(testTool('otelcol'), ['validate', `--config=${file}`])).not.toThrow();
  });

  test('WHEN a setting is misspelt THEN the same validation rejects it, naming the key', () => {
    const file = join(dir, 'typo.yaml');
    writeFileSync(file, config.replace('retry_on_failure:', 'retry_on_failures:'));
    expect(() => run(testTool('otelcol'), ['validate', `--config=${file}`])).toThrow(/retry_on_failures/);
  });
});
