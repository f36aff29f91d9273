import { readFileSync } from 'fs';
import { closestMatch, editDistance } from '../../content/edit-distance';
import { DEFAULT_PIPELINES_FILE, loadPipelineCatalog, parsePipelineCatalog, renderPipelineCatalog, UnknownFieldError } from '../../content/pipeline/catalog';
import { PipelineSpec } from '../../content/pipeline/spec';
import { PipewatchValidationError } from '../../content/validation';

/** Durations as seconds, so specs compare as plain data. */
const plain = (specs: readonly PipelineSpec[]) => JSON.parse(JSON.stringify(specs, (_, v) => (v && typeof v.toSeconds === 'function' ? v.toSeconds() : v)));

const minimal = (extra = '') => `pipelines:
  - dagId: orders
    schedule: "@hourly"
    ownerTeam: analytics
    expectedDuration: 5m
    tasks: [{ taskId: load, expectedDuration: 5m }]
${extra}`;

describe('the YAML pipeline catalog', () => {
  it('GIVEN pipelines.yaml at the repository root WHEN loaded THEN it holds the example platform with Durations', () => {
    const catalog = loadPipelineCatalog(DEFAULT_PIPELINES_FILE);
    expect(catalog.map((s) => s.dagId)).toEqual(['datalake_ingest', 'example_etl', 'data_quality', 'ml_pipeline', 'finance.daily_revenue']);
    expect(catalog[1].deadline?.toSeconds()).toBe(40 * 60);
  });

  it('GIVEN the catalog WHEN rendered and parsed again THEN the specs are unchanged', () => {
    const catalog = loadPipelineCatalog(DEFAULT_PIPELINES_FILE);
    expect(plain(parsePipelineCatalog(renderPipelineCatalog(catalog), 'rendered.yaml'))).toEqual(plain(catalog));
  });

  it('GIVEN a duration written as "1h30m" WHEN parsed THEN it becomes a Duration of 5400 s', () => {
    const [spec] = parsePipelineCatalog(minimal('    maxStaleness: 1h30m'), 'p.yaml');
    expect(spec.maxStaleness?.toSeconds()).toBe(5400);
  });

  it('GIVEN a malformed duration WHEN parsed THEN the error names the file, the field path, the value and the format', () => {
    const text = minimal().replace('expectedDuration: 5m\n    tasks', 'expectedDuration: 5 minutes\n    tasks');
    expect(() => parsePipelineCatalog(text, 'p.yaml')).toThrow(PipewatchValidationError);
    expect(() => parsePipelineCatalog(text, 'p.yaml')).toThrow(/p\.yaml: pipelines\[0\]\.expectedDuration: invalid value "5 minutes"\. .*90s, 5m, 1h30m or 28d/);
  });

  it('GIVEN a spec that is well-formed but invalid WHEN parsed THEN the semantic error names the catalog location and dag id', () => {
    const text = minimal().replace('schedule: "@hourly"', 'schedule: "@hourly"\n    deadline: 2h');
    expect(() => parsePipelineCatalog(text, 'p.yaml')).toThrow(/p\.yaml: pipelines\[0\] \(orders\): invalid deadline "2h"/);
  });
});

describe('unknown fields in the catalog', () => {
  const yaml = readFileSync(DEFAULT_PIPELINES_FILE, 'utf8');

  it('GIVEN pipelines.yaml with a misspelt field in its second pipeline WHEN loaded THEN the error names the file, pipeline, field and the field meant', () => {
    const typo = yaml.replace('expectedDuration: 12m', 'expectedDuraton: 12m');
    expect(() => parsePipelineCatalog(typo, 'pipelines.yaml')).toThrow(UnknownFieldError);
    expect(() => parsePipelineCatalog(typo, 'pipelines.yaml')).toThrow(
      'pipelines.yaml: pipelines[1] (example_etl): expectedDuraton: unknown field; did you mean expectedDuration?',
    );
  });

  it('GIVEN a misspelt field inside a task WHEN loaded THEN the error gives the path to the task field', () => {
    const typo = minimal().replace('{ taskId: load, expectedDuration: 5m }', '{ taskId: load, expectedDuratoin: 5m }');
    expect(() => parsePipelineCatalog(typo, 'p.yaml')).toThrow('p.yaml: pipelines[0] (orders): tasks[0].expectedDuratoin: unknown field; did you mean expectedDuration?');
  });

  it('GIVEN a field like no known one WHEN loaded THEN the error lists the fields that are allowed there', () => {
    expect(() => parsePipelineCatalog(minimal('    colour: blue'), 'p.yaml')).toThrow(
      /^p\.yaml: pipelines\[0\] \(orders\): colour: unknown field; remove it; known fields here: dagId, schedule, ownerTeam, .*description$/,
    );
  });

  it('GIVEN a misspelt top-level key WHEN loaded THEN the error says so without a pipeline', () => {
    expect(() => parsePipelineCatalog(minimal().replace('pipelines:', 'pipeline:'), 'p.yaml')).toThrow('p.yaml: (top level): pipeline: unknown field; did you mean pipelines?');
  });

  it('GIVEN words WHEN compared THEN the edit distance counts single-letter edits and only close words match', () => {
    expect(editDistance('expectedDuraton', 'expectedDuration')).toBe(1);
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(closestMatch('owner', ['ownerTeam', 'dagId'])).toBeUndefined();
    expect(closestMatch('schedul', ['schedule', 'severity'])).toBe('schedule');
  });
});
