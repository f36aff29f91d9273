import { readFileSync } from 'fs';
import { join } from 'path';
import { DBT_METRICS } from '../../content/metrics/catalog';

/** Family names dbt/dags/dbt_metrics.py declares in its HELP table: the only ones it can push. */
const pushed = [...readFileSync(join(__dirname, '../../dbt/dags/dbt_metrics.py'), 'utf8').matchAll(/^\s+"(dbt_[a-z_]+)": \(/gm)].map((m) => m[1]).sort();

describe('GIVEN the dbt metric families', () => {
  it('WHEN the pusher and the metric catalog are compared THEN they list the same dbt families', () => {
    const catalogued = DBT_METRICS.filter((f) => f.name.startsWith('dbt_')).map((f) => f.name).sort();
    expect(pushed.length).toBeGreaterThanOrEqual(13);
    expect(pushed).toEqual(catalogued);
  });
});
