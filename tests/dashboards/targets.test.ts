import { Duration } from '../../content/duration';
import { PipelineSpec } from '../../content/pipeline/spec';
import { lastScheduledRunExpr } from '../../dashboards/schedule';
import { constantVector, perPipeline } from '../../dashboards/spec-vectors';
import { deadlinesWithoutFixedSchedule, errorBudgets, sloSummary, timeLeftBeforeDeadline } from '../../dashboards/targets';

function spec(dagId: string, schedule: string, extra: Partial<PipelineSpec> = {}): PipelineSpec {
  return { dagId, schedule, ownerTeam: 't', expectedDuration: Duration.minutes(5), tasks: [], ...extra };
}

describe('GIVEN a pipeline schedule', () => {
  test.each([
    ['@hourly', '(time() - time() % 3600)'],
    ['15 * * * *', '(time() - (time() - 900) % 3600)'],
    ['@daily', '(time() - time() % 86400)'],
    ['30 2 * * *', '(time() - (time() - 9000) % 86400)'],
    ['*/15 * * * *', '(time() - time() % 900)'],
    ['0 */2 * * *', '(time() - time() % 7200)'],
    ['0 6 * * 1', '(time() - (time() - 367200) % 604800)'],
  ])('WHEN it is %s THEN the last scheduled run is %s', (schedule, expr) => {
    expect(lastScheduledRunExpr(schedule)).toBe(expr);
  });

  test.each(['0 2 * * 1-5', '*/7 * * * *', '0 0 1 * *', '@monthly', '61 * * * *', 'not a cron'])('WHEN it is %s (no fixed period) THEN there is no expression', (schedule) => {
    expect(lastScheduledRunExpr(schedule)).toBeUndefined();
  });
});

describe('GIVEN pipelines with their own targets', () => {
  const specs = [
    spec('hourly_feed', '@hourly', { deadline: Duration.minutes(30), slo: { successRatio: 0.95 } }),
    spec('monthly_report', '0 6 1 * *', { deadline: Duration.hours(2) }),
    spec('no_deadline', '@daily'),
  ];

  test('WHEN turned into a constant vector THEN each pipeline is one sample labelled with its dag_id', () => {
    expect(perPipeline(specs, (s) => (s.deadline ? s.deadline.toSeconds() : undefined))).toBe(
      '(label_replace(vector(1800), "dag_id", "hourly_feed", "", "") or label_replace(vector(7200), "dag_id", "monthly_report", "", ""))',
    );
  });

  test('WHEN no pipeline has the value THEN there is no vector to query', () => {
    expect(perPipeline(specs, () => undefined)).toBeUndefined();
    expect(constantVector([])).toBeUndefined();
  });

  test('WHEN a label value holds quotes THEN they are escaped inside the PromQL string', () => {
    expect(constantVector([{ labels: { dataset: 'a"b' }, value: 1 }])).toBe('(label_replace(vector(1), "dataset", "a\\"b", "", ""))');
  });

  test('WHEN computing time left before deadlines THEN only fixed-period schedules with a deadline take part', () => {
    const expr = timeLeftBeforeDeadline(specs)!;
    expect(expr).toContain('"hourly_feed"');
    expect(expr).toContain('label_replace(vector(5400), "dag_id", "hourly_feed", "", "")');
    expect(expr).not.toContain('monthly_report');
    expect(expr).not.toContain('no_deadline');
    expect(deadlinesWithoutFixedSchedule(specs)).toEqual(['monthly_report']);
  });

  test('WHEN computing error budgets THEN each pipeline gets 1 - its SLO, 0.99 by default, without float noise', () => {
    expect(errorBudgets(specs)).toBe(
      '(label_replace(vector(0.05), "dag_id", "hourly_feed", "", "") or label_replace(vector(0.01), "dag_id", "monthly_report", "", "") or label_replace(vector(0.01), "dag_id", "no_deadline", "", ""))',
    );
    expect(sloSummary(specs)).toBe('hourly_feed 95% over 28d; monthly_report 99% over 28d; no_deadline 99% over 28d');
  });
});
