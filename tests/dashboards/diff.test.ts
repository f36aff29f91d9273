import { codeSpan, DashboardSet, diffDashboards, diffToMarkdown } from '../../dashboards/diff';
import { DashboardJson } from '../../content/grafana/dashboard-json';
import { exampleDashboard, panels as nonRowPanels, panelTitled } from './fixtures';

type Json = Record<string, any>;

const FILE = 'pipewatch-pipeline-overview.json';

function set(dashboard?: DashboardJson): DashboardSet {
  return new Map(dashboard ? [[FILE, dashboard]] : []);
}

function markdownBetween(base: DashboardJson | undefined, head: DashboardJson | undefined): string {
  return diffToMarkdown(diffDashboards(set(base), set(head)));
}

describe('GIVEN the same dashboards on both sides', () => {
  test('WHEN diffed THEN the review says there are no dashboard changes', () => {
    expect(markdownBetween(exampleDashboard('pipelineOverview'), exampleDashboard('pipelineOverview'))).toBe('No dashboard changes.\n');
  });
});

describe('GIVEN a dashboard that exists on one side only', () => {
  const panelCount = nonRowPanels(exampleDashboard('pipelineOverview')).length;

  test('WHEN it is new THEN the review lists it as a new dashboard with its panel count', () => {
    expect(markdownBetween(undefined, exampleDashboard('pipelineOverview'))).toContain(`#### Pipeline Overview (\`pipewatch-pipeline-overview.json\`)\n\n- New dashboard with ${panelCount} panels`);
  });

  test('WHEN it is gone THEN the review lists it as removed', () => {
    expect(markdownBetween(exampleDashboard('pipelineOverview'), undefined)).toContain(`- Dashboard removed (it had ${panelCount} panels)`);
  });
});

describe('GIVEN a panel inserted above others', () => {
  test('WHEN diffed THEN only the insertion is reported, not the panels it pushed down', () => {
    const base = exampleDashboard('pipelineOverview');
    const head = exampleDashboard('pipelineOverview');
    const panels = head.panels as Json[];
    for (const p of panels) p.gridPos.y += 4;
    panels.unshift({ ...structuredClone(panelTitled(head, 'Tasks queued')), id: 99, title: 'Tasks deferred', gridPos: { x: 0, y: 0, w: 4, h: 4 } });
    const [diff] = diffDashboards(set(base), set(head));
    expect(diff.changes).toEqual([{ kind: 'added', panel: 'Tasks deferred', row: undefined }]);
  });
});

describe('GIVEN a panel renamed without touching its queries', () => {
  test('WHEN diffed THEN it is one rename, not a removal and an addition', () => {
    const head = exampleDashboard('pipelineOverview');
    panelTitled(head, 'Tasks queued').title = 'Queued tasks';
    expect(markdownBetween(exampleDashboard('pipelineOverview'), head)).toContain('- Renamed panel **Tasks queued** to **Queued tasks**\n');
  });
});

describe('GIVEN two panels that swap places in a row', () => {
  test('WHEN diffed THEN one of them is reported as moved within the row', () => {
    const head = exampleDashboard('pipelineOverview');
    const a = panelTitled(head, 'Failed runs');
    const b = panelTitled(head, 'Run success rate');
    [a.gridPos, b.gridPos] = [b.gridPos, a.gridPos];
    const [diff] = diffDashboards(set(exampleDashboard('pipelineOverview')), set(head));
    expect(diff.changes.map((c) => [c.kind, c.panel])).toEqual([['moved', 'Failed runs']]);
  });
});

describe('GIVEN panel settings beyond queries, units and thresholds', () => {
  test('WHEN a description changes THEN the review names the setting', () => {
    const head = exampleDashboard('pipelineOverview');
    panelTitled(head, 'Tasks queued').description = 'Waiting for a worker.';
    expect(markdownBetween(exampleDashboard('pipelineOverview'), head)).toContain('- Other settings changed in **Tasks queued**: `description`\n');
  });

  test('WHEN a dashboard variable changes THEN the review names the dashboard setting', () => {
    const head = exampleDashboard('pipelineOverview');
    (head.templating as Json).list[0].label = 'DAG';
    expect(markdownBetween(exampleDashboard('pipelineOverview'), head)).toContain('- Dashboard settings changed: `templating`\n');
  });
});

describe('GIVEN text with backticks and line breaks', () => {
  test('WHEN put in a code span THEN the fence is longer than any backtick run and the text stays on one line', () => {
    expect(codeSpan('label_replace(x, "a", `b`,\n  "", "")')).toBe('``label_replace(x, "a", `b`, "", "")``');
    expect(codeSpan('`raw`')).toBe('`` `raw` ``');
  });
});
