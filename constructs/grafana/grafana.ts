import { Construct } from 'constructs';
import { toYaml } from '../../content/yaml';
import { SERVICE_NAMES, SERVICE_PORTS } from '../../content/endpoints';
import { wgetProbe } from '../core/healthchecks';
import { webExternalUrl } from '../../content/links';
import { Platform } from '../core/platform';
import { GeneratedSecret, SECRETS_DIR } from '../core/secrets';
import { ServiceContainer } from '../core/service-container';
import { invalid } from '../../content/validation';
import { DatabaseLogin } from '../postgres/postgres';
import { DashboardJson } from '../../content/grafana/dashboard-json';
import { dashboardsProvisioning, datasourcesProvisioning } from '../../content/grafana/provisioning';

export interface GrafanaProps {
  readonly platform: Platform;
  readonly prometheusUrl: string;
  /** @default - no Loki datasource (the stack runs without logs) */
  readonly lokiUrl?: string;
  /** Jaeger's query API. @default - no Jaeger datasource (traces off) */
  readonly jaegerUrl?: string;
  readonly alertmanagerUrl: string;
  /** Prometheus' scrape interval, the datasource's smallest query step (`timeInterval`). */
  readonly prometheusScrapeIntervalSeconds: number;
  /** Read-only login to the run-history database. */
  readonly historyReader: DatabaseLogin;
  /** Folder the dashboards are provisioned into. @default 'Pipewatch' */
  readonly folder?: string;
  /** @default 3000 */
  readonly hostPort?: number;
  /** URL people open Grafana at (its links and redirects use it). @default `http://localhost:<hostPort>` */
  readonly rootUrl?: string;
}


const DASHBOARDS_DIR = '/etc/grafana/dashboards/pipewatch';
const PROVISIONING_DIR = '/etc/grafana/provisioning';

/**
 * Grafana with provisioned datasources and dashboards. The admin password is
 * generated and read from a file; sign-up and anonymous access are off.
 */
export class Grafana extends Construct {
  readonly service: ServiceContainer;
  readonly adminPassword: GeneratedSecret;
  private readonly dashboardUids = new Set<string>();

  constructor(scope: Construct, id: string, props: GrafanaProps) {
    super(scope, id);
    this.adminPassword = new GeneratedSecret(this, 'AdminPassword');
    const reader = props.historyReader;
    const readerPasswordFile = `${SECRETS_DIR}/grafana_history_reader_password`;
    const datasources = datasourcesProvisioning({
      prometheusUrl: props.prometheusUrl,
      lokiUrl: props.lokiUrl,
      jaegerUrl: props.jaegerUrl,
      alertmanagerUrl: props.alertmanagerUrl,
      scrapeIntervalSeconds: props.prometheusScrapeIntervalSeconds,
      postgres: { hostPort: `${reader.host}:${reader.port}`, database: reader.database, user: reader.user, passwordFile: readerPasswordFile },
    });
    this.service = new ServiceContainer(this, 'Resource', {
      platform: props.platform,
      service: SERVICE_NAMES.grafana,
      image: 'grafana',
      env: {
        GF_SECURITY_ADMIN_USER: 'admin',
        GF_SECURITY_ADMIN_PASSWORD__FILE: `${SECRETS_DIR}/grafana_admin_password`,
        GF_USERS_ALLOW_SIGN_UP: 'false',
        GF_AUTH_ANONYMOUS_ENABLED: 'false',
        GF_ANALYTICS_REPORTING_ENABLED: 'false',
        GF_ANALYTICS_CHECK_FOR_UPDATES: 'false',
        GF_SERVER_ROOT_URL: webExternalUrl(this, props.rootUrl, props.hostPort ?? SERVICE_PORTS.grafana, 'rootUrl'),
      },
      ports: [{ internal: SERVICE_PORTS.grafana, external: props.hostPort }],
      mounts: [{ volume: props.platform.volume(this, 'Data', 'grafana-data'), containerPath: '/var/lib/grafana' }],
      configFiles: [
        { path: `${PROVISIONING_DIR}/datasources/pipewatch.yml`, content: toYaml(datasources) },
        { path: `${PROVISIONING_DIR}/dashboards/pipewatch.yml`, content: toYaml(dashboardsProvisioning(props.folder ?? 'Pipewatch', DASHBOARDS_DIR)) },
      ],
      secretFiles: [this.adminPassword.asFile('grafana_admin_password'), { path: readerPasswordFile, content: reader.password.value }],
      healthcheck: wgetProbe(`http://127.0.0.1:${SERVICE_PORTS.grafana}/api/health`),
      dependsOn: [reader.provisionedBy],
    });
  }

  /** Provisions a dashboard file; `render` runs at synth, so it sees everything added to the stack. */
  addDashboard(uid: string, render: () => DashboardJson): void {
    if (!/^[a-zA-Z0-9_-]{1,40}$/.test(uid)) invalid(this, 'dashboard uid', uid, 'Use up to 40 letters, digits, dashes or underscores.');
    if (this.dashboardUids.has(uid)) invalid(this, 'dashboard uid', uid, 'Each dashboard needs its own uid.');
    this.dashboardUids.add(uid);
    this.service.addConfigFile({
      path: `${DASHBOARDS_DIR}/${uid}.json`,
      content: () => {
        const json = render();
        if (json.uid !== uid) invalid(this, `dashboard ${uid} uid`, json.uid, 'The rendered dashboard must keep the uid it was added with.');
        return JSON.stringify(json, null, 2);
      },
    });
  }
}
