import { spawnSync } from 'child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { Duration } from '../../content/duration';
import { PipelineSpec } from '../../content/pipeline/spec';
import { allDashboards } from '../../dashboards/index';
import { panelsOf } from '../../dashboards/panels';
import { generatedFiles } from '../../dashboards/serialize';
import { syntheticCatalog } from '../support/synthetic-catalog';

/** Lines `diff` reports as removed or added between the generated files of two catalogs. */
function changedLines(before: readonly PipelineSpec[], after: readonly PipelineSpec[]): number {
  const dir = mkdtempSync(join(tmpdir(), 'pipewatch-dashboard-scale-'));
  try {
    for (const [name, specs] of [['before', before], ['after', after]] as const) {
      spawnSync('mkdir', [join(dir, name)]);
      for (const [file, text] of generatedFiles(specs)) writeFileSync(join(dir, name, file), text);
    }
    const result = spawnSync('diff', ['-r', 'before', 'after'], { cwd: dir, encoding: 'utf8' });
    if (result.status === 2) throw new Error(`diff failed: ${result.stderr}`);
    return result.stdout.split('\n').filter((l) => l.startsWith('< ') || l.startsWith('> ')).length;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const hundred = syntheticCatalog(101);
const oneMore = (spec: Partial<PipelineSpec>): PipelineSpec => ({ ...hundred[100], dagId: 'billing_export', ...spec });

describe('GIVEN a catalog of a thousand pipelines', () => {
  const sizes = allDashboards(syntheticCatalog(1000)).map((d) => {
    const panels = panelsOf(d.json);
    return { uid: d.uid, panels: panels.length, queries: panels.reduce((n, p) => n + p.queries.length, 0) };
  });

  test('WHEN every dashboard is rendered THEN the largest has at most 40 panels and 60 queries', () => {
    console.log(`largest dashboard at 1,000 pipelines: ${Math.max(...sizes.map((s) => s.panels))} panels, ${Math.max(...sizes.map((s) => s.queries))} queries`);
    expect(sizes.filter((s) => s.panels > 40 || s.queries > 60)).toEqual([]);
  });

  test('WHEN compared with ten pipelines THEN no dashboard has one panel or query more', () => {
    const small = allDashboards(syntheticCatalog(10)).map((d) => ({ uid: d.uid, panels: panelsOf(d.json).length, queries: panelsOf(d.json).reduce((n, p) => n + p.queries.length, 0) }));
    expect(sizes).toEqual(small);
  });
});

describe('GIVEN the generated dashboards of a hundred pipelines', () => {
  const base = hundred.slice(0, 100);

  test('WHEN a pipeline of an existing team is added THEN the generated files change by at most 2 lines', () => {
    expect(changedLines(base, [...base, oneMore({})])).toBeLessThanOrEqual(2);
  });

  test('WHEN a pipeline of a new team with its own SLO window is added THEN at most 8 lines change (the team choice and one remaining-budget term)', () => {
    const added = oneMore({ ownerTeam: 'finance-reporting', slo: { successRatio: 0.95, window: Duration.days(7) } });
    expect(changedLines(base, [...base, added])).toBeLessThanOrEqual(8);
  });
});
