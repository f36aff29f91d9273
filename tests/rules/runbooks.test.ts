import { readFileSync } from 'fs';
import { join } from 'path';
import { Duration } from '../../content/duration';
import { dbtRuleGroups } from '../../content/dbt/rules';
import { warehouseRuleGroups } from '../../content/warehouse/rules';
import { DEFAULT_STREAMING_FILE, loadStreamingCatalog } from '../../content/streaming/catalog';
import { streamingRuleGroups } from '../../content/streaming/rules';
import { pipewatchRuleFiles } from '../../content/rules/rule-set';
import { isAlertingRule } from '../../content/rules/types';
import { DEFAULT_PIPELINES_FILE, loadPipelineCatalog } from '../../content/pipeline/catalog';

const EXAMPLE_PIPELINES = loadPipelineCatalog(DEFAULT_PIPELINES_FILE);

const sections = readFileSync(join(__dirname, '..', '..', 'docs', 'runbooks.md'), 'utf8')
  .split('\n')
  .filter((line) => line.startsWith('## '))
  .map((line) => line.slice(3).trim());

const ruleGroups = [
  ...pipewatchRuleFiles(EXAMPLE_PIPELINES).flatMap((f) => f.groups),
  ...dbtRuleGroups([{ project: 'shop', path: 'dbt/shop', target: 'dev', ownerTeam: 'analytics' }]),
  ...streamingRuleGroups(loadStreamingCatalog(DEFAULT_STREAMING_FILE, EXAMPLE_PIPELINES.map((p) => p.dagId)), { knownDagIds: EXAMPLE_PIPELINES.map((p) => p.dagId) }),
  ...warehouseRuleGroups({ replicationLagBound: Duration.minutes(5), kpis: [{ kpi: 'conversion_rate', direction: 'higher-is-better', maxChangeVsLastWeek: 0.05, ownerTeam: 'analytics' }] }),
];
const alertNames = [...new Set(ruleGroups.flatMap((g) => g.rules.filter(isAlertingRule).map((r) => r.alert)))];

describe('docs/runbooks.md', () => {
  it('GIVEN every generated alert WHEN the runbook is read THEN it has a "## AlertName" section', () => {
    expect(alertNames.filter((name) => !sections.includes(name))).toEqual([]);
  });

  it('GIVEN the runbook sections WHEN compared to the alerts THEN none describes an alert that no longer exists', () => {
    expect(sections.filter((name) => !alertNames.includes(name))).toEqual([]);
  });
});
