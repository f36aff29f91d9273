import { join } from 'path';
import { PipewatchValidationError } from '../../content/validation';
import { PipelineSpec } from '../../content/pipeline/spec';
import { loadPipelineCatalog, parsePipelineCatalog } from '../../content/pipeline/catalog';
import { EXAMPLE_PIPELINES } from '../../stacks/pipelines';

/** Durations as seconds, so specs from YAML and TypeScript compare as plain data. */
const plain = (specs: readonly PipelineSpec[]) => JSON.parse(JSON.stringify(specs, (_, v) => (v && typeof v.toSeconds === 'function' ? v.toSeconds() : v)));

const minimal = (extra = '') => `pipelines:
  - dagId: orders
    schedule: "@hourly"
    ownerTeam: analytics
    expectedDuration: 5m
    tasks: [{ taskId: load, expectedDuration: 5m }]
${extra}`;

describe('the YAML pipeline catalog', () => {
  it('GIVEN pipelines.yaml at the repository root WHEN loaded THEN it equals EXAMPLE_PIPELINES', () => {
    expect(plain(loadPipelineCatalog(join(__dirname, '..', '..', 'pipelines.yaml')))).toEqual(plain(EXAMPLE_PIPELINES));
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

  it('GIVEN an unknown field WHEN parsed THEN it is rejected instead of ignored', () => {
    expect(() => parsePipelineCatalog(minimal().replace('ownerTeam', 'owner: x\n    ownerTeam'), 'p.yaml')).toThrow(/Unrecognized key\(s\) in object: 'owner'/);
  });

  it('GIVEN a spec that is well-formed but invalid WHEN parsed THEN the semantic error names the catalog location and dag id', () => {
    const text = minimal().replace('schedule: "@hourly"', 'schedule: "@hourly"\n    deadline: 2h');
    expect(() => parsePipelineCatalog(text, 'p.yaml')).toThrow(/p\.yaml: pipelines\[0\] \(orders\): invalid deadline "2h"/);
  });
});
