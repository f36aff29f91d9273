import { AlloyBlock, ref } from './alloy-syntax';

export interface LogShippingModel {
  readonly environment: string;
  /** Loki push URL, e.g. http://loki:3100/loki/api/v1/push. */
  readonly lokiPushUrl: string;
  /** Docker socket the shipper discovers containers through. */
  readonly dockerHost: string;
  /** Directory where Airflow's task logs are mounted in the shipper. @default - no task logs */
  readonly airflowLogsDir?: string;
}

/** Airflow 3's default task log path: dag_id=…/run_id=…/task_id=…/[map_index=…/]attempt=N.log */
const TASK_LOG_PATH = '.*/dag_id=(?P<dag_id>[^/]+)/run_id=(?P<run_id>[^/]+)/task_id=(?P<task_id>[^/]+)/(?:map_index=[^/]+/)?attempt=(?P<attempt>[0-9]+)\\.log';

/**
 * Container logs of this environment (job="containers", by container and
 * service) and Airflow task logs (job="airflow-tasks", by dag_id and task_id;
 * run_id and attempt travel as structured metadata to keep label cardinality low).
 */
export function logShippingConfig(m: LogShippingModel): AlloyBlock[] {
  return [...containerLogs(m), ...(m.airflowLogsDir ? airflowTaskLogs(m.airflowLogsDir, m.environment) : []), {
    name: 'loki.write',
    label: 'default',
    blocks: [{ name: 'endpoint', attributes: { url: m.lokiPushUrl } }],
  }];
}

const write = ref('loki.write.default.receiver');
const rule = (attributes: Record<string, string | string[]>): AlloyBlock => ({ name: 'rule', attributes });

function containerLogs(m: LogShippingModel): AlloyBlock[] {
  return [
    {
      name: 'discovery.docker',
      label: 'containers',
      attributes: { host: m.dockerHost },
      blocks: [{ name: 'filter', attributes: { name: 'label', values: [`pipewatch.environment=${m.environment}`] } }],
    },
    {
      name: 'discovery.relabel',
      label: 'containers',
      attributes: { targets: ref('discovery.docker.containers.targets') },
      blocks: [
        rule({ source_labels: ['__meta_docker_container_name'], regex: '/(.*)', target_label: 'container' }),
        rule({ source_labels: ['__meta_docker_container_label_pipewatch_service'], target_label: 'service' }),
      ],
    },
    {
      name: 'loki.source.docker',
      label: 'containers',
      attributes: {
        host: m.dockerHost,
        targets: ref('discovery.docker.containers.targets'),
        relabel_rules: ref('discovery.relabel.containers.rules'),
        labels: { job: 'containers', environment: m.environment },
        forward_to: [write],
      },
    },
  ];
}

function airflowTaskLogs(dir: string, environment: string): AlloyBlock[] {
  return [
    {
      name: 'local.file_match',
      label: 'airflow_tasks',
      attributes: { path_targets: [{ __path__: `${dir}/**/*.log`, job: 'airflow-tasks', environment }] },
    },
    {
      name: 'discovery.relabel',
      label: 'airflow_tasks',
      attributes: { targets: ref('local.file_match.airflow_tasks.targets') },
      blocks: [
        rule({ source_labels: ['__path__'], regex: TASK_LOG_PATH, target_label: 'dag_id', replacement: '$1' }),
        rule({ source_labels: ['__path__'], regex: TASK_LOG_PATH, target_label: 'task_id', replacement: '$3' }),
      ],
    },
    {
      name: 'loki.source.file',
      label: 'airflow_tasks',
      attributes: { targets: ref('discovery.relabel.airflow_tasks.output'), forward_to: [ref('loki.process.airflow_tasks.receiver')] },
    },
    {
      name: 'loki.process',
      label: 'airflow_tasks',
      attributes: { forward_to: [write] },
      blocks: [
        { name: 'stage.regex', attributes: { source: 'filename', expression: TASK_LOG_PATH } },
        { name: 'stage.structured_metadata', attributes: { values: { run_id: '', attempt: '' } } },
      ],
    },
  ];
}
