/**
 * Writes a catalog file of `count` synthetic pipelines (in the format of pipelines.yaml) for
 * PIPEWATCH_PIPELINES, so the stacks can be synthesized, planned and deployed at scale.
 *
 *   ts-node --transpile-only tests/support/synthetic-catalog.ts COUNT FILE
 */
import { writeFileSync } from 'fs';
import { Duration } from '../../content/duration';
import { renderPipelineCatalog } from '../../content/pipeline/catalog';
import { PipelineSpec } from '../../content/pipeline/spec';

const TEAMS = ['data-platform', 'analytics', 'ml', 'finance'];

/**
 * Hourly pipelines of two tasks, spread over the hour and four teams; every fifth has a data-quality
 * check and every tenth an upstream (the pipeline before it). The same count gives the same catalog.
 */
export function syntheticCatalog(count: number): PipelineSpec[] {
  const width = String(count).length;
  const dagId = (i: number) => `synthetic_${String(i).padStart(width, '0')}`;
  return Array.from({ length: count }, (_, i) => ({
    dagId: dagId(i),
    schedule: `${i % 60} * * * *`,
    ownerTeam: TEAMS[i % TEAMS.length],
    expectedDuration: Duration.minutes(10),
    maxStaleness: Duration.hours(2),
    deadline: Duration.minutes(40),
    ...(i % 5 === 0 ? { dataQualityChecks: [{ name: 'rows_not_null', dataset: `${dagId(i)}_table`, minCompleteness: 0.98 }] } : {}),
    ...(i % 10 === 9 ? { upstream: [dagId(i - 1)] } : {}),
    tasks: [
      { taskId: 'extract', expectedDuration: Duration.minutes(4) },
      { taskId: 'load', expectedDuration: Duration.minutes(6) },
    ],
  }));
}

export function writeSyntheticCatalog(count: number, file: string): void {
  writeFileSync(file, renderPipelineCatalog(syntheticCatalog(count)));
}

if (require.main === module) {
  const [count, file] = process.argv.slice(2);
  if (!/^\d+$/.test(count ?? '') || !file) {
    console.error('usage: synthetic-catalog.ts COUNT FILE');
    process.exit(2);
  }
  writeSyntheticCatalog(Number(count), file);
}
