import { Duration } from '../../content/duration';
import { PipewatchValidationError } from '../../content/validation';
import { PipelineSpec } from '../../content/pipeline/spec';
import { findLineageCycle, validatePipelineCatalog, validatePipelineSpec } from '../../content/pipeline/validate';
import { DEFAULT_PIPELINES_FILE, loadPipelineCatalog } from '../../content/pipeline/catalog';

const EXAMPLE_PIPELINES = loadPipelineCatalog(DEFAULT_PIPELINES_FILE);

const base: PipelineSpec = {
  dagId: 'orders',
  schedule: '@hourly',
  ownerTeam: 'analytics',
  expectedDuration: Duration.minutes(5),
  tasks: [{ taskId: 'load', expectedDuration: Duration.minutes(5) }],
};
const check = (overrides: Partial<PipelineSpec>) => () => validatePipelineSpec({ ...base, ...overrides }, 'Stack/Orders');

describe('validatePipelineSpec', () => {
  it('GIVEN the example pipelines WHEN validated as a catalog THEN they pass', () => {
    expect(() => validatePipelineCatalog(EXAMPLE_PIPELINES, (i) => `pipelines[${i}]`)).not.toThrow();
  });

  it.each<[string, Partial<PipelineSpec>]>([
    ['a dotted dag id', { dagId: 'finance.daily_revenue' }],
    ['a dag id of dashes, dots and digits', { dagId: 'team-a.v2.orders_2' }],
    ['a task inside a TaskGroup', { tasks: [{ taskId: 'load.write_parquet', expectedDuration: Duration.minutes(5) }] }],
    ['a dotted check and dataset', { dataQualityChecks: [{ name: 'orders.not_null', dataset: 'warehouse.orders' }] }],
  ])('GIVEN %s (Airflow allows it) WHEN validated THEN it passes', (_, overrides) => {
    expect(check(overrides)).not.toThrow();
  });

  it.each<[string, Partial<PipelineSpec>, RegExp]>([
    ['a dag id with a slash', { dagId: 'sales/orders' }, /Stack\/Orders: invalid dagId "sales\/orders"\. Use 1 to 250 ASCII letters, digits, "_", "-" and "\." \(Airflow's rule for dag and task ids\)/],
    ['a dag id with a space', { dagId: 'sales orders' }, /invalid dagId "sales orders"\. Use 1 to 250 ASCII letters/],
    ['a dag id with an accent', { dagId: 'ventes.année' }, /invalid dagId "ventes\.année"\. Use 1 to 250 ASCII letters/],
    ['a dag id of 251 characters', { dagId: 'a'.repeat(251) }, /invalid dagId "a{251}"\. Use 1 to 250/],
    ['an unparsable schedule', { schedule: '0 2 * *' }, /invalid schedule "0 2 \* \*"\. a cron expression has 5 fields/],
    ['a deadline on an irregular schedule', { schedule: '0 9 * * 1-5', deadline: Duration.hours(1) }, /invalid deadline "1h"\. .*set maxStaleness instead/],
    ['a deadline as long as the period', { deadline: Duration.hours(1) }, /invalid deadline "1h"\. A deadline must end before the next run is due/],
    ['a deadline shorter than a normal run', { deadline: Duration.minutes(2) }, /invalid deadline "2m"\. .*at least 5m/],
    ['a staleness shorter than one period', { maxStaleness: Duration.minutes(30) }, /invalid maxStaleness "30m"\. .*at least 1h5m/],
    ['a zero expected duration', { expectedDuration: Duration.seconds(0) }, /invalid expectedDuration "0s"/],
    ['an SLO of 100%', { slo: { successRatio: 1 } }, /invalid slo.successRatio 1\. .*strictly between 0 and 1/],
    ['a check name with a colon', { dataQualityChecks: [{ name: 'orders:not_null', dataset: 'orders' }] }, /invalid dataQualityChecks\[0\]\.name "orders:not_null"\. Use 1 to 250 ASCII letters/],
    ['a completeness above 1', { dataQualityChecks: [{ name: 'complete', dataset: 'orders', minCompleteness: 98 }] }, /minCompleteness 98\. Use a ratio in \(0, 1\]/],
    ['a duplicated task id', { tasks: [base.tasks[0], base.tasks[0]] }, /invalid tasks\[1\]\.taskId "load"\. Each task id may appear once/],
    ['an upper-case team', { ownerTeam: 'Analytics' }, /invalid ownerTeam "Analytics"/],
    ['itself as upstream', { upstream: ['orders'] }, /invalid upstream\[0\] "orders"\. A pipeline cannot be its own upstream/],
  ])('GIVEN %s WHEN validated THEN the error names the path, the value and the fix', (_, overrides, message) => {
    expect(check(overrides)).toThrow(PipewatchValidationError);
    expect(check(overrides)).toThrow(message);
  });
});

describe('validatePipelineCatalog', () => {
  const where = (i: number) => `pipelines.yaml: pipelines[${i}]`;

  it('GIVEN an upstream that no pipeline declares WHEN validated THEN the error lists the known dag ids', () => {
    expect(() => validatePipelineCatalog([{ ...base, upstream: ['raw'] }], where)).toThrow(/pipelines\[0\]: invalid upstream\[0\] "raw"\. .*Known dag_ids: orders/);
  });

  it('GIVEN two pipelines with one dag id WHEN validated THEN the second is rejected naming the first', () => {
    expect(() => validatePipelineCatalog([base, base], where)).toThrow(/pipelines\[1\]: invalid dagId "orders"\. pipelines.yaml: pipelines\[0\] already declares/);
  });

  it('GIVEN pipelines that depend on each other in a cycle WHEN validated THEN the cycle is named', () => {
    const a = { ...base, dagId: 'a', upstream: ['c'] };
    const b = { ...base, dagId: 'b', upstream: ['a'] };
    const c = { ...base, dagId: 'c', upstream: ['b'] };
    expect(findLineageCycle([a, b, c])).toEqual(['a', 'c', 'b', 'a']);
    expect(() => validatePipelineCatalog([a, b, c], where)).toThrow(/invalid upstream "a -> c -> b -> a"/);
  });

  describe('GIVEN a catalog that passed (each catalog is checked in full only when it is not that one plus one pipeline)', () => {
    const up = { ...base, dagId: 'up' };
    const down = { ...base, dagId: 'down', upstream: ['up'] };
    beforeEach(() => validatePipelineCatalog([up, down], where));

    it('WHEN the same pipelines come again in another order THEN they pass', () => {
      expect(() => validatePipelineCatalog([down, up], where)).not.toThrow();
    });

    it('WHEN one of its pipelines comes twice instead of the other THEN the duplicate dag id is rejected', () => {
      expect(() => validatePipelineCatalog([up, up], where)).toThrow(/pipelines\[1\]: invalid dagId "up"\. pipelines.yaml: pipelines\[0\] already declares/);
    });

    it('WHEN the pipeline another reads from is left out THEN the missing upstream is rejected', () => {
      expect(() => validatePipelineCatalog([down], where)).toThrow(/pipelines\[0\]: invalid upstream\[0\] "up"\. No pipeline with that dag_id/);
    });

    it('WHEN a pipeline is added under a dag id it already has THEN the added one is rejected', () => {
      expect(() => validatePipelineCatalog([up, down, { ...base, dagId: 'down' }], where)).toThrow(/pipelines\[2\]: invalid dagId "down"/);
    });

    it('WHEN a pipeline is added reading from one that does not exist THEN it is rejected', () => {
      expect(() => validatePipelineCatalog([up, down, { ...base, dagId: 'late', upstream: ['nowhere'] }], where)).toThrow(/pipelines\[2\]: invalid upstream\[0\] "nowhere"/);
    });

    it('WHEN two pipelines are added that read from each other THEN the cycle is named', () => {
      const x = { ...base, dagId: 'x', upstream: ['y'] };
      const y = { ...base, dagId: 'y', upstream: ['x'] };
      expect(() => validatePipelineCatalog([up, down, x, y], where)).toThrow(/invalid upstream "x -> y -> x"/);
    });

    it('WHEN an invalid pipeline is added THEN its own error names it', () => {
      expect(() => validatePipelineCatalog([up, down, { ...base, dagId: 'bad', schedule: '0 2 * *' }], where)).toThrow(/pipelines\[2\]: invalid schedule "0 2 \* \*"/);
    });
  });

  it('GIVEN a diamond-shaped lineage WHEN checked THEN it has no cycle', () => {
    const specs = [base, { ...base, dagId: 'l', upstream: ['orders'] }, { ...base, dagId: 'r', upstream: ['orders'] }, { ...base, dagId: 'j', upstream: ['l', 'r'] }];
    expect(findLineageCycle(specs)).toBeUndefined();
  });
});
