import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { dashboardChangesMarkdown } from '../../dashboards/diff-cli';
import { DashboardJson } from '../../content/grafana/dashboard-json';
import { stableJson } from '../../dashboards/serialize';
import { exampleDashboard, panelTitled } from './fixtures';

type Json = Record<string, any>;

const FILE = 'dashboards/generated/pipewatch-pipeline-overview.json';

/** The fixture repository's own identity, so commits work on machines without a global git config. */
const IDENTITY = ['-c', 'user.name=pipewatch tests', '-c', 'user.email=tests@pipewatch.invalid'];

function git(repo: string, ...args: string[]): string {
  return execFileSync('git', [...IDENTITY, ...args], { cwd: repo, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

function write(repo: string, dashboard: DashboardJson): void {
  fs.mkdirSync(path.join(repo, path.dirname(FILE)), { recursive: true });
  fs.writeFileSync(path.join(repo, FILE), stableJson(dashboard));
}

function commit(repo: string, message: string): void {
  git(repo, 'add', '-A');
  git(repo, 'commit', '-q', '-m', message);
}

/** v2 of the overview: one panel added, one removed, a query, a unit and thresholds changed, one panel moved to another row. */
function secondRevision(v1: DashboardJson): DashboardJson {
  const v2 = structuredClone(v1);
  const panels = v2.panels as Json[];
  const bottom = Math.max(...panels.map((p) => p.gridPos.y + p.gridPos.h));

  const added: Json = { ...structuredClone(panelTitled(v2, 'Tasks queued')), id: 100, title: 'Runs waiting to start', gridPos: { x: 12, y: panelTitled(v2, 'Success rate (rolling 6 h)').gridPos.y + 8, w: 12, h: 8 } };
  added.targets[0].expr = 'sum(airflow_scheduler_tasks_executable)';
  panels.push(added);

  v2.panels = panels.filter((p) => p.title !== 'Tasks queued');
  panelTitled(v2, 'Failed runs').targets[0].expr = 'sum(increase(airflow_dagrun_failed_count{dag_id=~"$dag_id"}[$__range])) or vector(0)';
  panelTitled(v2, 'Mean run duration (rolling 6 h)').fieldConfig.defaults.unit = 'dtdurations';
  panelTitled(v2, 'Run success rate').fieldConfig.defaults.thresholds.steps = [
    { value: null, color: 'red' },
    { value: 0.9, color: 'orange' },
    { value: 0.98, color: 'green' },
  ];
  panelTitled(v2, 'Tasks running and queued').gridPos = { x: 0, y: bottom, w: 12, h: 8 };
  return v2;
}

describe('GIVEN a repository with two committed revisions of a dashboard', () => {
  let repo: string;
  let v1: DashboardJson;
  let v2: DashboardJson;

  beforeAll(() => {
    repo = fs.mkdtempSync(path.join(os.tmpdir(), 'pipewatch-diff-'));
    git(repo, 'init', '-q', '-b', 'main');
    v1 = exampleDashboard('pipelineOverview');
    v2 = secondRevision(v1);
    write(repo, v1);
    commit(repo, 'v1');
    write(repo, v2);
    commit(repo, 'v2');
  });

  afterAll(() => fs.rmSync(repo, { recursive: true, force: true }));

  test('WHEN the review diff runs between them THEN the Markdown names each change once, in order, with queries in code spans', () => {
    const oldFailedRuns = panelTitled(v1, 'Failed runs').targets[0].expr;
    const moved = panelTitled(v1, 'Tasks running and queued').gridPos;
    const bottom = panelTitled(v2, 'Tasks running and queued').gridPos.y;
    expect(dashboardChangesMarkdown(repo, 'HEAD~1', 'HEAD')).toBe(
      [
        '### Dashboard changes',
        '',
        '1 dashboard changed.',
        '',
        '#### Pipeline Overview (`pipewatch-pipeline-overview.json`)',
        '',
        '- Added panel **Runs waiting to start** in row *Runs*',
        '- Removed panel **Tasks queued** from above the first row',
        `- Thresholds changed in **Run success rate**: base red, 0.95 orange, 0.99 green → base red, 0.9 orange, 0.98 green`,
        `- Query A changed in **Failed runs**: \`${oldFailedRuns}\` → \`sum(increase(airflow_dagrun_failed_count{dag_id=~"$dag_id"}[$__range])) or vector(0)\``,
        '- Unit changed in **Mean run duration (rolling 6 h)**: `s` → `dtdurations`',
        `- Moved panel **Tasks running and queued**: row *Runs* at x=${moved.x} y=${moved.y}, 12×8 → row *Recent runs* at x=0 y=${bottom}, 12×8`,
        '',
      ].join('\n'),
    );
  });

  test('WHEN the head is left out THEN the working tree is compared with the base', () => {
    const edited = structuredClone(v2);
    panelTitled(edited, 'Active pipelines').title = 'Pipelines with activity';
    write(repo, edited);
    try {
      expect(dashboardChangesMarkdown(repo, 'HEAD')).toContain('- Renamed panel **Active pipelines** to **Pipelines with activity**');
      expect(dashboardChangesMarkdown(repo, 'HEAD', 'HEAD')).toBe('No dashboard changes.\n');
    } finally {
      write(repo, v2);
    }
  });

  test('WHEN the base revision predates the generated folder THEN every dashboard counts as new', () => {
    const empty = git(repo, 'commit-tree', git(repo, 'mktree').trim(), '-m', 'empty').trim();
    expect(dashboardChangesMarkdown(repo, empty, 'HEAD')).toContain('- New dashboard with');
  });

  test('WHEN a revision does not exist THEN the error names it and how to pass one', () => {
    expect(() => dashboardChangesMarkdown(repo, 'no-such-branch')).toThrow('"no-such-branch" is not a commit');
  });
});
