import { Duration } from '../../content/duration';
import { PipelineSpec } from '../../content/pipeline/spec';

/**
 * A catalog of `count` pipelines across `teams` teams, every optional
 * feature on (deadline, staleness, data-quality checks, SLO, upstream chains
 * of ten), so each pipeline brings its largest alert group.
 */
export function generatedCatalog(count: number, teams: number): PipelineSpec[] {
  return Array.from({ length: count }, (_, i) => ({
    dagId: `pipeline_${String(i).padStart(4, '0')}`,
    schedule: i % 2 === 0 ? '@hourly' : '15 3 * * *',
    ownerTeam: `team-${i % teams}`,
    description: `Generated pipeline ${i} of a ${count}-pipeline catalog`,
    expectedDuration: Duration.minutes(10),
    deadline: Duration.minutes(45),
    maxStaleness: Duration.hours(i % 2 === 0 ? 3 : 30),
    dataQualityChecks: [{ name: `rows_present_${i}`, dataset: `dataset_${i}`, minCompleteness: 0.95 }],
    slo: { successRatio: 0.99 },
    // Within a team, each pipeline reads from the one before it, in chains of ten.
    upstream: i >= teams && Math.floor(i / teams) % 10 !== 0 ? [`pipeline_${String(i - teams).padStart(4, '0')}`] : [],
    tasks: [
      { taskId: 'extract', expectedDuration: Duration.minutes(3) },
      { taskId: 'transform', expectedDuration: Duration.minutes(5) },
      { taskId: 'load', expectedDuration: Duration.minutes(2) },
    ],
  }));
}
