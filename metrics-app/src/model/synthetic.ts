import { Duration } from '../../../content/duration';
import { DataQualityCheck, PipelineSpec, TaskSpec } from '../../../content/pipeline/spec';
import { Random } from '../random';

const TEAMS = ['data-platform', 'analytics', 'ml', 'finance'];

/**
 * `count` made-up but plausible pipelines (mostly hourly, some every 15
 * minutes, some daily; 2-5 tasks; a fifth with data-quality checks) for load
 * tests and benchmarks. The same count and seed give the same specs.
 */
export function syntheticPipelines(count: number, seed = 'synthetic'): PipelineSpec[] {
  const random = new Random(seed);
  const width = String(count).length;
  return Array.from({ length: count }, (_, i) => {
    const dagId = `synthetic_${String(i).padStart(width, '0')}`;
    const minute = random.int(0, 59);
    const cadence = random.next();
    const [schedule, intervalHours] = cadence < 0.7 ? [`${minute} * * * *`, 1] : cadence < 0.9 ? ['*/15 * * * *', 0.25] : [`${minute} ${random.int(0, 23)} * * *`, 24];
    const tasks: TaskSpec[] = Array.from({ length: random.int(2, 5) }, (__, t) => ({
      taskId: `step_${t + 1}`,
      expectedDuration: Duration.seconds(random.int(30, Math.round(intervalHours * 600))),
    }));
    const checks: DataQualityCheck[] = random.chance(0.2)
      ? Array.from({ length: random.int(1, 2) }, (__, c) => ({ name: `check_${c + 1}`, dataset: `${dagId}_table`, minCompleteness: 0.98 }))
      : [];
    const expectedSeconds = tasks.reduce((sum, t) => sum + t.expectedDuration.toSeconds(), 0);
    return {
      dagId,
      schedule,
      ownerTeam: random.pick(TEAMS),
      expectedDuration: Duration.seconds(expectedSeconds),
      maxStaleness: Duration.seconds(Math.round(intervalHours * 2 * 3600)),
      deadline: Duration.seconds(Math.round(intervalHours * 3600)),
      dataQualityChecks: checks,
      tasks,
    };
  });
}
