import { mkdtempSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { DEFAULT_PIPELINES_FILE, loadPipelineCatalog, renderPipelineCatalog } from '../../content/pipeline/catalog';
import { Duration } from '../../content/duration';
import { ConfigError } from '../../metrics-app/src/config';
import { testApp } from './support/app';

describe('the pipelines the simulator plays', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'pipewatch-sim-catalog-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  test('GIVEN a rendered catalog with a pipeline pipelines.yaml lacks WHEN the app is created from it THEN it simulates exactly that catalog', () => {
    const extra = { dagId: 'billing_export', schedule: '@hourly', ownerTeam: 'finance', expectedDuration: Duration.minutes(5), tasks: [{ taskId: 'export', expectedDuration: Duration.minutes(5) }] };
    const file = join(dir, 'simulator-pipelines.yaml');
    writeFileSync(file, renderPipelineCatalog([...loadPipelineCatalog(DEFAULT_PIPELINES_FILE), extra]));
    const { app } = testApp({ pipelines: file });
    expect(app.pipelines.map((p) => p.dagId)).toEqual(['datalake_ingest', 'example_etl', 'data_quality', 'ml_pipeline', 'finance.daily_revenue', 'billing_export']);
  });

  test('GIVEN SIM_PIPELINES_FILE pointing nowhere WHEN the app is created THEN a ConfigError names the variable and the path', () => {
    const missing = join(dir, 'missing.yaml');
    expect(() => testApp({ pipelines: missing })).toThrow(ConfigError);
    expect(() => testApp({ pipelines: missing })).toThrow(`invalid SIM_PIPELINES_FILE=${JSON.stringify(missing)}`);
  });
});
