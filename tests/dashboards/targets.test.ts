import { Duration } from '../../content/duration';
import { PipelineSpec } from '../../content/pipeline/spec';
import { errorBudgetRemaining, expectedTaskSeconds, sloWindows, timeLeftBeforeDeadline } from '../../dashboards/targets';

function spec(dagId: string, schedule: string, extra: Partial<PipelineSpec> = {}): PipelineSpec {
  return { dagId, schedule, ownerTeam: 't', expectedDuration: Duration.minutes(5), tasks: [], ...extra };
}

describe('GIVEN the per-pipeline targets dashboards read', () => {
  test('WHEN a target is queried THEN it reads the recorded threshold series, narrowed by the selector, not numbers from the specs', () => {
    expect(expectedTaskSeconds('dag_id="$dag_id"')).toBe('max by (dag_id, task_id) (dag_id:pipewatch_task_expected_duration_seconds:spec{dag_id="$dag_id"})');
    expect(timeLeftBeforeDeadline()).toContain('dag_id:pipewatch_deadline_seconds:spec');
  });

  test('WHEN pipelines share SLO windows THEN the remaining-budget query has one term per distinct window, not per pipeline', () => {
    const specs = [
      spec('a', '@hourly'),
      spec('b', '@hourly', { slo: { successRatio: 0.95 } }),
      spec('c', '@daily', { slo: { successRatio: 0.9, window: Duration.days(7) } }),
    ];
    expect(sloWindows(specs)).toEqual(['28d', '7d']);
    const query = errorBudgetRemaining(sloWindows(specs)) as string;
    expect(query.split(' or ')).toHaveLength(2);
    expect(query).toContain('dag_id:pipewatch_slo_success_ratio:spec{window="7d"}');
    expect(errorBudgetRemaining([])).toBeUndefined();
  });
});
