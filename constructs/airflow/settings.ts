import STATSD_SETTINGS from '../../airflow/statsd-settings.json';
import { AIRFLOW_TRACES_SERVICE } from '../../content/traces/airflow-spans';
import { SECRETS_DIR, SecretFile } from '../core/secrets';

/** Airflow settings whose values are secrets: Airflow reads them by running `cat <file>` (the `_CMD` variants). */
export interface AirflowSecrets {
  readonly sqlAlchemyConn: string;
  readonly celeryResultBackend: string;
  readonly celeryBrokerUrl: string;
  readonly fernetKey: string;
  readonly apiSecretKey: string;
  readonly jwtSecret: string;
}

const SECRET_SETTINGS: Record<keyof AirflowSecrets, { setting: string; file: string }> = {
  sqlAlchemyConn: { setting: 'AIRFLOW__DATABASE__SQL_ALCHEMY_CONN', file: 'airflow_sql_alchemy_conn' },
  celeryResultBackend: { setting: 'AIRFLOW__CELERY__RESULT_BACKEND', file: 'airflow_celery_result_backend' },
  celeryBrokerUrl: { setting: 'AIRFLOW__CELERY__BROKER_URL', file: 'airflow_celery_broker_url' },
  fernetKey: { setting: 'AIRFLOW__CORE__FERNET_KEY', file: 'airflow_fernet_key' },
  apiSecretKey: { setting: 'AIRFLOW__API__SECRET_KEY', file: 'airflow_api_secret_key' },
  jwtSecret: { setting: 'AIRFLOW__API_AUTH__JWT_SECRET', file: 'airflow_jwt_secret' },
};

export function secretFiles(secrets: AirflowSecrets): SecretFile[] {
  return (Object.keys(SECRET_SETTINGS) as (keyof AirflowSecrets)[]).map((key) => ({
    path: `${SECRETS_DIR}/${SECRET_SETTINGS[key].file}`,
    content: secrets[key],
  }));
}

export function secretCommandEnv(): Record<string, string> {
  return Object.fromEntries(Object.values(SECRET_SETTINGS).map(({ setting, file }) => [`${setting}_CMD`, `cat ${SECRETS_DIR}/${file}`]));
}

export interface AirflowSettingsModel {
  readonly statsdHost: string;
  readonly statsdPort: number;
  readonly apiServerUrl: string;
  readonly pauseDagsAtCreation: boolean;
  /** Where Airflow sends its OpenTelemetry traces (OTLP/HTTP); none: traces off. */
  readonly traces?: TracesTarget;
}

/** Host and port of an OTLP/HTTP receiver. */
export interface TracesTarget {
  readonly host: string;
  readonly port: number;
}

/** Airflow 3.1's `[traces]` settings: a span per DAG run and per task try, exported to `{host}:{port}/v1/traces`. */
function tracesEnv(traces: TracesTarget | undefined): Record<string, string> {
  if (!traces) return {};
  return {
    AIRFLOW__TRACES__OTEL_ON: 'True',
    AIRFLOW__TRACES__OTEL_HOST: traces.host,
    AIRFLOW__TRACES__OTEL_PORT: String(traces.port),
    AIRFLOW__TRACES__OTEL_SERVICE: AIRFLOW_TRACES_SERVICE,
  };
}

/** Non-secret settings shared by every Airflow component. */
export function airflowEnv(m: AirflowSettingsModel): Record<string, string> {
  return {
    AIRFLOW__CORE__EXECUTOR: 'CeleryExecutor',
    AIRFLOW__CORE__AUTH_MANAGER: 'airflow.providers.fab.auth_manager.fab_auth_manager.FabAuthManager',
    AIRFLOW__CORE__EXECUTION_API_SERVER_URL: `${m.apiServerUrl}/execution/`,
    AIRFLOW__CORE__LOAD_EXAMPLES: 'False',
    AIRFLOW__CORE__DAGS_ARE_PAUSED_AT_CREATION: m.pauseDagsAtCreation ? 'True' : 'False',
    AIRFLOW__SCHEDULER__ENABLE_HEALTH_CHECK: 'True',
    // StatsD with InfluxDB-style tags, as the statsd_exporter mapping expects (content/metrics/catalog.ts);
    // the DAG tests (airflow/tests/conftest.py) read the same file.
    ...STATSD_SETTINGS,
    AIRFLOW__METRICS__STATSD_HOST: m.statsdHost,
    AIRFLOW__METRICS__STATSD_PORT: String(m.statsdPort),
    ...tracesEnv(m.traces),
    ...secretCommandEnv(),
  };
}
