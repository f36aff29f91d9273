import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { PipelineSpec } from '../content/pipeline/spec';
import { barGaugePanel, DashboardOptions, dagIdVariable, pipewatchDashboard, promQuery, runbookLink, statPanel, thresholds, timeseriesPanel, UNIT } from './common';
import { layoutSections, PlaceablePanel, section } from './layout';
import { DAG_FILTER, meanTaskDuration, series } from './queries';
import { PIPELINE_ALERTS } from '../content/pipeline/alert-names';
import { expectedTaskSeconds } from './targets';

/** cAdvisor also reports cgroups that are not containers; those have an empty name. */
const CONTAINERS = 'name!=""';

/** `used / (used + free)`, per `by` label when given. */
function saturation(used: string, free: string, by?: string): string {
  const sum = by ? `sum by (${by})` : 'sum';
  return `${sum} (${used}) / (${sum} (${used}) + ${sum} (${free}))`;
}

function taskPanels(options: DashboardOptions): PlaceablePanel[] {
  return [
    barGaugePanel({
      title: 'Slowest tasks',
      description: 'The ten tasks with the longest mean duration in the time range.',
      unit: UNIT.seconds,
      queries: [promQuery(`topk(10, ${meanTaskDuration(DAG_FILTER, '$__range')})`, { legend: '{{dag_id}}.{{task_id}}', instant: true })],
    }),
    barGaugePanel({
      title: 'Bottlenecks: tasks slower than expected',
      description: 'Mean task duration divided by the duration its spec expects, for tasks running above plan.',
      unit: UNIT.ratio,
      queries: [promQuery(`(${meanTaskDuration(DAG_FILTER, '$__range')} / on(dag_id, task_id) ${expectedTaskSeconds(DAG_FILTER)}) > 1`, { legend: '{{dag_id}}.{{task_id}}', instant: true })],
      thresholds: thresholds.higherIsWorse(1.5, 2),
      links: [runbookLink(PIPELINE_ALERTS.taskLongRunning, options)],
    }),
    timeseriesPanel({
      title: 'Mean task duration (rolling 1 h)',
      unit: UNIT.seconds,
      queries: [promQuery(meanTaskDuration(DAG_FILTER, '1h'), { legend: '{{dag_id}}.{{task_id}}' })],
    }),
    timeseriesPanel({
      title: 'Task failures by operator (past hour)',
      unit: UNIT.count,
      queries: [promQuery('sum by (operator) (increase(airflow_operator_failures[1h]))', { legend: '{{operator}}' })],
      thresholds: thresholds.anyIsBad(),
    }),
  ];
}

function executorAndPoolPanels(): PlaceablePanel[] {
  return [
    timeseriesPanel({
      title: 'Executor slots',
      unit: UNIT.count,
      queries: [
        promQuery('sum(airflow_executor_running_tasks)', { legend: 'running' }),
        promQuery('sum(airflow_executor_queued_tasks)', { legend: 'queued' }),
        promQuery('sum(airflow_executor_open_slots)', { legend: 'open' }),
      ],
    }),
    timeseriesPanel({
      title: 'Executor saturation',
      description: 'Running tasks as a share of all executor slots.',
      unit: UNIT.ratio,
      queries: [promQuery(saturation('airflow_executor_running_tasks', 'airflow_executor_open_slots'), { legend: 'executor' })],
      thresholds: thresholds.higherIsWorse(0.8, 0.95),
    }).max(1),
    barGaugePanel({
      title: 'Pool saturation',
      description: 'Slots taken by running tasks as a share of each pool.',
      unit: UNIT.ratio,
      queries: [promQuery(saturation('airflow_pool_running_slots', 'airflow_pool_open_slots', 'pool'), { legend: '{{pool}}', instant: true })],
      thresholds: thresholds.higherIsWorse(0.8, 0.95),
    })
      .min(0)
      .max(1),
    timeseriesPanel({
      title: 'Starving tasks',
      description: 'Tasks that cannot start for lack of pool slots.',
      unit: UNIT.count,
      queries: [promQuery('sum by (pool) (airflow_pool_starving_tasks)', { legend: '{{pool}}' })],
      thresholds: thresholds.anyIsBad(),
    }),
  ];
}

function schedulerPanels(): PlaceablePanel[] {
  return [
    statPanel({
      title: 'Scheduler heartbeats per minute',
      description: 'The scheduler loop beats every few seconds; a drop means the loop is stuck or slow.',
      unit: UNIT.count,
      queries: [promQuery('sum(rate(airflow_scheduler_heartbeat[$__rate_interval])) * 60', { instant: true })],
      thresholds: thresholds.lowerIsWorse(1, 6),
      width: 6,
    }),
    timeseriesPanel({
      title: 'Scheduler loop',
      description: 'Tasks the scheduler found ready and tasks it could not schedule, with the loop’s heartbeat rate.',
      unit: UNIT.count,
      queries: [
        promQuery('sum(airflow_scheduler_tasks_executable)', { legend: 'executable' }),
        promQuery('sum(airflow_scheduler_tasks_starving)', { legend: 'starving' }),
        promQuery('sum(rate(airflow_scheduler_heartbeat[$__rate_interval])) * 60', { legend: 'heartbeats / min' }),
      ],
      width: 18,
    }),
    timeseriesPanel({
      title: 'DAG parse time',
      description: 'Seconds to parse every DAG file once.',
      unit: UNIT.seconds,
      queries: [promQuery('max(airflow_dag_processing_total_parse_time)', { legend: 'total parse time' })],
      thresholds: thresholds.higherIsWorse(30, 60),
    }),
    timeseriesPanel({
      title: 'Schedule delay',
      description: 'Mean delay between scheduled and actual run start (rolling 1 h).',
      unit: UNIT.seconds,
      queries: [
        promQuery(
          `sum by (dag_id) (rate(${series('airflow_dagrun_schedule_delay_sum', DAG_FILTER)}[1h])) / sum by (dag_id) (rate(${series('airflow_dagrun_schedule_delay_count', DAG_FILTER)}[1h]))`,
          { legend: '{{dag_id}}' },
        ),
      ],
    }),
  ];
}

function containerPanels(): PlaceablePanel[] {
  return [
    timeseriesPanel({
      title: 'CPU by container',
      unit: UNIT.cores,
      description: 'CPU cores used (CPU-seconds per second).',
      queries: [promQuery(`sum by (name) (rate(${series('container_cpu_usage_seconds_total', CONTAINERS)}[$__rate_interval]))`, { legend: '{{name}}' })],
    }),
    timeseriesPanel({
      title: 'Memory by container',
      unit: UNIT.bytes,
      queries: [promQuery(`sum by (name) (${series('container_memory_working_set_bytes', CONTAINERS)})`, { legend: '{{name}}' })],
    }),
    barGaugePanel({
      title: 'Memory against limit',
      description: 'Working set as a share of the memory limit, for containers that have one.',
      unit: UNIT.ratio,
      queries: [
        promQuery(`sum by (name) (${series('container_memory_working_set_bytes', CONTAINERS)}) / sum by (name) (${series('container_spec_memory_limit_bytes', CONTAINERS)} > 0)`, {
          legend: '{{name}}',
          instant: true,
        }),
      ],
      thresholds: thresholds.higherIsWorse(0.8, 0.95),
    })
      .min(0)
      .max(1),
    barGaugePanel({
      title: 'Filesystem usage',
      unit: UNIT.ratio,
      queries: [
        promQuery(`sum by (name) (${series('container_fs_usage_bytes', CONTAINERS)}) / sum by (name) (${series('container_fs_limit_bytes', CONTAINERS)} > 0)`, {
          legend: '{{name}}',
          instant: true,
        }),
      ],
      thresholds: thresholds.higherIsWorse(0.8, 0.95),
    })
      .min(0)
      .max(1),
  ];
}

export function performanceDashboard(specs: readonly PipelineSpec[], options: DashboardOptions = {}): dashboard.DashboardBuilder {
  const builder = pipewatchDashboard(
    'performance',
    'Performance',
    'Where time goes: slow tasks and bottlenecks, executor and pool saturation, the scheduler loop and container resources.',
    ['platform'],
  ).withVariable(dagIdVariable(specs, { multi: true }));
  return layoutSections(builder, [
    section('Tasks', taskPanels(options)),
    section('Executor and pools', executorAndPoolPanels()),
    section('Scheduler', schedulerPanels()),
    section('Containers', containerPanels()),
  ]);
}
