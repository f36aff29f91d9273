/**
 * Static tier: Prometheus's own parser and evaluator. Lint's lezer grammar
 * checks syntax; promtool also checks types (a scalar where a vector is due)
 * and evaluates the trickiest query builders against known series.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { stringify } from 'yaml';
import { Duration } from '../../content/duration';
import { PipelineSpec } from '../../content/pipeline/spec';
import { panelsOf } from '../../dashboards/panels';
import { runs } from '../../dashboards/queries';
import { stalenessBudgetUsed, timeLeftBeforeDeadline } from '../../dashboards/targets';
import { pipelineRuleGroups } from '../../content/rules/rule-set';
import { renderRuleFile } from '../../content/rules/render';
import { substituteVariables } from '../../dashboards/template-variables';
import { run, testTool } from '../support/tools';
import { EXAMPLE_DASHBOARDS } from './fixtures';

let workdir: string;
beforeAll(() => {
  workdir = fs.mkdtempSync(path.join(os.tmpdir(), 'pipewatch-promtool-'));
});
afterAll(() => fs.rmSync(workdir, { recursive: true, force: true }));

function promtool(args: string[], file: string, content: unknown): string {
  const target = path.join(workdir, file);
  fs.writeFileSync(target, stringify(content));
  return run(testTool('promtool'), [...args, target], workdir);
}

describe('GIVEN every PromQL query of every dashboard', () => {
  test('WHEN promtool parses them as recording rules THEN all are valid, types included', () => {
    const rules = EXAMPLE_DASHBOARDS.flatMap((d) =>
      panelsOf(d.json).flatMap((p) => p.queries.filter((q) => q.language === 'promql').map((q) => ({ expr: substituteVariables(q.expr).text }))),
    ).map((rule, i) => ({ record: `dashboard:query_${i}:check`, ...rule }));
    expect(rules.length).toBeGreaterThan(100);
    expect(promtool(['check', 'rules'], 'queries.yml', { groups: [{ name: 'dashboard-queries', rules }] })).toContain(`SUCCESS: ${rules.length} rules found`);
  });
});

const hourly = (dagId: string): PipelineSpec => ({
  dagId,
  schedule: '@hourly',
  ownerTeam: 'data-platform',
  expectedDuration: Duration.minutes(5),
  deadline: Duration.minutes(30),
  maxStaleness: Duration.hours(2),
  tasks: [{ taskId: 'only', expectedDuration: Duration.minutes(5) }],
});

describe('GIVEN known series', () => {
  test('WHEN the query builders are evaluated over the thresholds the rules record THEN they compute what the panels claim', () => {
    fs.writeFileSync(path.join(workdir, 'pipelines.yml'), renderRuleFile(pipelineRuleGroups([hourly('late'), hourly('done')])));
    const tests = {
      rule_files: ['pipelines.yml'],
      evaluation_interval: '1m',
      tests: [
        {
          interval: '1m',
          input_series: [
            // only_failures never succeeded; always_ok never failed (the exporter publishes both states from 0).
            { series: 'pipewatch_dag_runs_finished_total{dag_id="only_failures", state="failed"}', values: '0+1x20' },
            { series: 'pipewatch_dag_runs_finished_total{dag_id="only_failures", state="success"}', values: '0x20' },
            { series: 'pipewatch_dag_runs_finished_total{dag_id="always_ok", state="success"}', values: '0+1x20' },
            { series: 'pipewatch_dag_runs_finished_total{dag_id="always_ok", state="failed"}', values: '0x20' },
          ],
          promql_expr_test: [
            {
              expr: runs.successRatio('', '10m'),
              eval_time: '15m',
              exp_samples: [
                { labels: '{dag_id="only_failures"}', value: 0 },
                { labels: '{dag_id="always_ok"}', value: 1 },
              ],
            },
          ],
        },
        {
          interval: '1m',
          input_series: [
            // late's last successful interval ended at t=0; done's at 60m, so done owes no run yet.
            { series: 'pipewatch_dag_last_success_interval_end_seconds{dag_id="late"}', values: '0x80' },
            { series: 'pipewatch_dag_last_success_interval_end_seconds{dag_id="done"}', values: '3600x80' },
          ],
          promql_expr_test: [
            {
              // At 70m the 60m run of "late" has 20 minutes left before its 30-minute deadline.
              expr: timeLeftBeforeDeadline(),
              eval_time: '70m',
              exp_samples: [{ labels: '{dag_id="late"}', value: 1200 }],
            },
            {
              // Data 70 minutes old against a 2-hour limit.
              expr: stalenessBudgetUsed('dag_id="late"'),
              eval_time: '70m',
              exp_samples: [{ labels: '{dag_id="late"}', value: 70 / 120 }],
            },
          ],
        },
      ],
    };
    expect(promtool(['test', 'rules'], 'query-builders.test.yml', tests)).toContain('SUCCESS');
  });
});
