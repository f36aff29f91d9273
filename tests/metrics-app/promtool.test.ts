import { spawnSync } from 'child_process';
import { AIRFLOW_METRICS } from '../../content/metrics/catalog';
import { testTool } from '../support/tools';
import { populatedApp } from './support/app';

/**
 * promtool `check metrics` (linting by default) exits 1 on malformed
 * exposition and 3 on lint problems. Airflow's counters keep their real names
 * (no _total), so that one lint finding is expected for exactly those names.
 */
const COMPATIBLE_COUNTERS = new Set(AIRFLOW_METRICS.filter((f) => f.type === 'counter' && !f.name.endsWith('_total')).map((f) => f.name));

interface PromtoolCheck {
  readonly exitCode: number | null;
  readonly problems: string[];
}

function promtoolCheckMetrics(exposition: string): PromtoolCheck {
  const result = spawnSync(testTool('promtool'), ['check', 'metrics'], { input: exposition, encoding: 'utf8' });
  if (result.error) throw new Error(`promtool could not run: ${result.error.message}`);
  const problems = `${result.stdout}${result.stderr}`.split('\n').filter((line) => line.trim() !== '');
  return { exitCode: result.status, problems };
}

function unexpectedProblems(check: PromtoolCheck): string[] {
  return check.problems.filter((line) => {
    const lint = /^(\S+) counter metrics should have "_total" suffix$/.exec(line);
    return !(lint && COMPATIBLE_COUNTERS.has(lint[1]));
  });
}

describe('promtool check metrics', () => {
  test('GIVEN a populated simulator WHEN promtool checks /metrics THEN it parses, and the only lint findings are Airflow counter names kept for compatibility', async () => {
    const check = promtoolCheckMetrics(await populatedApp().app.metrics.render());
    expect(unexpectedProblems(check)).toEqual([]);
    expect([0, 3]).toContain(check.exitCode);
    expect(check.problems.length).toBeGreaterThan(0);
  });

  test('GIVEN malformed exposition WHEN promtool checks it THEN the same check rejects it', () => {
    const check = promtoolCheckMetrics('# TYPE broken counter\nbroken{dag_id="x" 1\n');
    expect(check.exitCode).toBe(1);
    expect(unexpectedProblems(check).join('\n')).toMatch(/parsing error/);
  });
});
