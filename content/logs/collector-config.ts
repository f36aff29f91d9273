/**
 * The OpenTelemetry Collector that ships the stack's logs to Loki: Docker's json-file
 * container logs and Airflow's task log files, read with the filelog receiver, exported
 * to Loki's native OTLP endpoint with otlphttp. Pure data: the stack renders it for the
 * container, the live tier for a process on loopback.
 */

/** Resource attribute every container's logs carry: the container's name (from Docker's `tag` log option). */
export const CONTAINER_NAME_ATTRIBUTES = ['service.name', 'container.name'] as const;
/** `service.name` of Airflow's task logs. */
export const TASK_LOG_SERVICE = 'airflow-tasks';
/**
 * Resource attributes parsed from an Airflow 3 task log path,
 * `dag_id=<id>/run_id=<id>/task_id=<id>/[map_index=<n>/]attempt=<n>.log`.
 */
export const TASK_LOG_PATH_ATTRIBUTES = ['dag_id', 'run_id', 'task_id', 'try_number'] as const;
/** Docker labels the stack's containers carry, written into every json-file line by the `labels` log option. */
export const ENVIRONMENT_LABEL = 'pipewatch.environment';

/** Docker's json-file options every container of the stack runs with, so the collector can name and filter its lines without the Docker socket. */
export function containerLogOptions(): Record<string, string> {
  return { tag: '{{.Name}}', labels: ENVIRONMENT_LABEL, 'max-size': '20m', 'max-file': '5' };
}

export interface CollectorConfigModel {
  readonly environment: string;
  /** Docker's container directory as mounted in the collector (…/<id>/<id>-json.log). */
  readonly dockerContainersDir: string;
  /** Airflow's logs directory as mounted in the collector. @default - container logs only */
  readonly airflowLogsDir?: string;
  /** Loki's OTLP endpoint, e.g. http://loki:3100/otlp (otlphttp appends /v1/logs). */
  readonly lokiOtlpEndpoint: string;
  /** Directory for the file_storage extension: filelog checkpoints and the export queue. */
  readonly storageDir: string;
  /** host:port of the health_check extension. */
  readonly healthEndpoint: string;
  /** Host and port of the collector's own Prometheus metrics. */
  readonly metrics: { readonly host: string; readonly port: number };
  /** Receive OTLP traces (Airflow's) and send them on to Jaeger. @default - no traces pipeline */
  readonly traces?: TracesRoute;
}

export interface TracesRoute {
  /** host:port the OTLP/HTTP receiver listens on. */
  readonly otlpHttpEndpoint: string;
  /** Jaeger's OTLP/HTTP base URL, e.g. http://jaeger:4318 (otlphttp appends /v1/traces). */
  readonly jaegerOtlpEndpoint: string;
}

/**
 * The health endpoint answers with a minimal valid configuration, so the collector binary itself
 * is the container's probe (`validate --config=http://…`): the official image has no shell, curl or wget.
 */
export const HEALTH_PROBE_BODY = '{receivers: {otlp: {protocols: {http: {}}}}, exporters: {debug: {}}, service: {pipelines: {logs: {receivers: [otlp], exporters: [debug]}}}}';

/**
 * Feature gates the shipper runs with. `stanza.synchronousLogEmitter` (alpha since v0.122, off by default):
 * without it a filelog receiver hands the lines it read to an in-memory batch (up to 100 lines, flushed
 * every 100 ms) while the poll's checkpoint already moves past them, so a kill -9 in that window loses
 * them. With it the lines are in the persistent export queue before the checkpoint is written.
 */
const COLLECTOR_FEATURE_GATES = ['stanza.synchronousLogEmitter'] as const;

/** A collector's command-line arguments: the stack's container, and the live and Airflow tiers' processes. */
export function collectorArgs(configFile: string): string[] {
  return [`--config=${configFile}`, `--feature-gates=${COLLECTOR_FEATURE_GATES.join(',')}`];
}

const STORAGE = 'file_storage';
const EXPORTER = 'otlphttp/loki';
const TRACES_EXPORTER = 'otlphttp/jaeger';

/**
 * Traces: OTLP in, batched, otlphttp out to Jaeger. Unlike the log lines, spans are not
 * checkpointed anywhere before the collector, so an in-memory batch is all they need;
 * the exporter's retries cover a Jaeger restart.
 */
function tracesParts(t: TracesRoute) {
  return {
    receivers: { otlp: { protocols: { http: { endpoint: t.otlpHttpEndpoint } } } },
    processors: { batch: { timeout: '1s' } },
    exporters: { [TRACES_EXPORTER]: { endpoint: t.jaegerOtlpEndpoint } },
    // The resource processor tags spans with deployment.environment, as it tags log lines.
    pipeline: { receivers: ['otlp'], processors: ['resource', 'batch'], exporters: [TRACES_EXPORTER] },
  };
}

export function renderCollectorConfig(m: CollectorConfigModel): object {
  const receivers: Record<string, object> = { 'filelog/containers': containerLogsReceiver(m) };
  if (m.airflowLogsDir) receivers['filelog/airflow_tasks'] = taskLogsReceiver(m.airflowLogsDir);
  const logReceivers = Object.keys(receivers);
  const traces = m.traces ? tracesParts(m.traces) : undefined;
  return {
    extensions: {
      [STORAGE]: { directory: m.storageDir, create_directory: true },
      health_check: { endpoint: m.healthEndpoint, response_body: { healthy: HEALTH_PROBE_BODY } },
    },
    receivers: { ...receivers, ...traces?.receivers },
    processors: {
      resource: { attributes: [{ key: 'deployment.environment', value: m.environment, action: 'upsert' }] },
      ...traces?.processors,
    },
    exporters: {
      [EXPORTER]: {
        endpoint: m.lokiOtlpEndpoint,
        // No batch processor in front: it would hold lines in memory after the filelog checkpoint
        // moved past them, so a crash would lose them. The queue persists each line first, then batches.
        sending_queue: {
          enabled: true,
          storage: STORAGE,
          queue_size: 100_000,
          sizer: 'items',
          batch: { flush_timeout: '1s', min_size: 1000, max_size: 5000 },
        },
        // max_elapsed_time 0: retry until Loki takes the batch; the persistent queue keeps it meanwhile.
        retry_on_failure: { enabled: true, initial_interval: '1s', max_interval: '30s', max_elapsed_time: 0 },
      },
      ...traces?.exporters,
    },
    service: {
      extensions: [STORAGE, 'health_check'],
      telemetry: {
        logs: { level: 'info' },
        metrics: { level: 'normal', readers: [{ pull: { exporter: { prometheus: { host: m.metrics.host, port: m.metrics.port, without_type_suffix: false } } } }] },
      },
      pipelines: {
        logs: { receivers: logReceivers, processors: ['resource'], exporters: [EXPORTER] },
        ...(traces ? { traces: traces.pipeline } : {}),
      },
    },
  };
}

/** Common to both receivers: read from the start the first time, then from the checkpoint in file_storage. */
const fileReceiver = (include: string[]) => ({ include, start_at: 'beginning', storage: STORAGE, poll_interval: '500ms' });

function containerLogsReceiver(m: CollectorConfigModel): object {
  return {
    ...fileReceiver([`${m.dockerContainersDir}/*/*-json.log`]),
    operators: [
      // Docker's json-file format: body, time, stream (log.iostream); joins lines Docker split at 16 KiB.
      { type: 'container', format: 'docker', add_metadata_from_filepath: false },
      // Other environments' (and unlabelled) containers on the same Docker host are not ours.
      { type: 'filter', expr: `attributes["attrs"]?.["${ENVIRONMENT_LABEL}"] != "${m.environment}"` },
      { type: 'copy', from: 'attributes["attrs"]["tag"]', to: 'resource["container.name"]' },
      { type: 'move', from: 'attributes["attrs"]["tag"]', to: 'resource["service.name"]' },
      { type: 'remove', field: 'attributes["attrs"]' },
      trimNewline,
    ],
  };
}

/** Docker keeps the line's newline in `log`. */
const trimNewline = { type: 'regex_replace', field: 'body', regex: '\\r?\\n$', replace_with: '' };

function taskLogsReceiver(dir: string): object {
  return {
    ...fileReceiver([`${dir}/dag_id=*/**/*.log`]),
    include_file_path: true,
    operators: [
      {
        type: 'regex_parser',
        parse_from: 'attributes["log.file.path"]',
        parse_to: 'resource',
        regex: '^.*/dag_id=(?P<dag_id>[^/]+)/run_id=(?P<run_id>[^/]+)/task_id=(?P<task_id>[^/]+)/(?:map_index=[^/]+/)?attempt=(?P<try_number>[0-9]+)\\.log$',
      },
      { type: 'add', field: 'resource["service.name"]', value: TASK_LOG_SERVICE },
      // Airflow 3 writes JSON lines: their own timestamp and level, so a re-read line keeps its time.
      {
        type: 'json_parser',
        if: 'body matches "^\\\\{"',
        parse_to: 'attributes["airflow"]',
        on_error: 'send_quiet',
        timestamp: { parse_from: 'attributes["airflow"]["timestamp"]', layout_type: 'gotime', layout: '2006-01-02T15:04:05.999999999Z07:00' },
        severity: { parse_from: 'attributes["airflow"]["level"]' },
      },
      { type: 'remove', field: 'attributes["airflow"]', if: 'attributes["airflow"] != nil' },
    ],
  };
}
