import { Duration } from '../content/duration';
import { PipelineSpec } from '../content/pipeline/spec';

const task = (taskId: string, minutes: number) => ({ taskId, expectedDuration: Duration.minutes(minutes) });

/** The example platform's pipelines: the DAGs in airflow/dags plus the data-lake and warehouse feeds they depend on. */
export const EXAMPLE_PIPELINES: readonly PipelineSpec[] = [
  {
    dagId: 'datalake_ingest',
    description: 'Lands raw order and customer files in the data lake',
    schedule: '@hourly',
    ownerTeam: 'data-platform',
    expectedDuration: Duration.minutes(6),
    maxStaleness: Duration.hours(2),
    deadline: Duration.minutes(30),
    tasks: [task('list_new_files', 1), task('copy_to_raw_zone', 4), task('register_partitions', 1)],
  },
  {
    dagId: 'example_etl',
    description: 'Extracts orders, transforms them and loads the warehouse',
    schedule: '15 * * * *',
    ownerTeam: 'analytics',
    expectedDuration: Duration.minutes(12),
    maxStaleness: Duration.hours(2),
    deadline: Duration.minutes(40),
    upstream: ['datalake_ingest'],
    tasks: [task('extract', 3), task('transform', 6), task('load', 3)],
  },
  {
    dagId: 'data_quality',
    description: 'Checks completeness and schema of the warehouse tables',
    schedule: '45 * * * *',
    ownerTeam: 'analytics',
    expectedDuration: Duration.minutes(4),
    maxStaleness: Duration.hours(3),
    upstream: ['example_etl'],
    dataQualityChecks: [
      { name: 'orders_not_null', dataset: 'warehouse_orders', minCompleteness: 0.98 },
      { name: 'customers_unique', dataset: 'warehouse_customers', minCompleteness: 0.99 },
    ],
    tasks: [task('check_orders', 2), task('check_customers', 2)],
  },
  {
    dagId: 'ml_pipeline',
    description: 'Trains and scores the churn model',
    schedule: '0 2 * * *',
    ownerTeam: 'ml',
    expectedDuration: Duration.minutes(45),
    maxStaleness: Duration.hours(26),
    deadline: Duration.hours(3),
    upstream: ['example_etl'],
    severity: { runFailed: 'warning' },
    tasks: [task('build_features', 10), task('train', 25), task('score', 10)],
  },
];
