import { Fn, TerraformOutput, TerraformStack, TerraformVariable } from 'cdktf';
import { Construct } from 'constructs';
import { DashboardKey } from '../content/links';
import { invalid, requireHttpUrl } from '../content/validation';
import { Dashboard, DataSource, Folder, GrafanaProvider } from '../constructs/grafana-provider';
import { PipelineSpec } from '../content/pipeline/spec';
import { DashboardOptions } from '../dashboards/common';
import { ALERTMANAGER_DATASOURCE, ALERTMANAGER_SETTINGS, LOKI_DATASOURCE, PipewatchDatasource, PROMETHEUS_DATASOURCE, prometheusSettings } from '../content/grafana/datasources';
import { allDashboards } from '../dashboards/index';
import { stableJson } from '../dashboards/serialize';

export type DatasourceKind = 'prometheus' | 'loki' | 'alertmanager';

export interface GrafanaFolderProps {
  readonly title: string;
  /** @default 'pipewatch' */
  readonly uid?: string;
}

export interface GrafanaStackProps {
  /** Root URL of the Grafana to deliver to (Grafana Cloud or self-hosted), e.g. `https://example.grafana.net`. */
  readonly grafanaUrl: string;
  /** Where the dashboards live in Grafana. @default { title: 'pipewatch', uid: 'pipewatch' } */
  readonly folder?: GrafanaFolderProps;
  /** URLs Grafana's server uses to reach each backend (not the browser's view of them). */
  readonly datasourceUrls: Readonly<Record<DatasourceKind, string>>;
  /**
   * Basic-auth user per datasource that needs one (e.g. a Grafana Cloud instance id);
   * its password comes from the sensitive variable `<kind>_basic_auth_password`.
   * @default - no basic auth
   */
  readonly datasourceBasicAuthUsers?: Readonly<Partial<Record<DatasourceKind, string>>>;
  /** The pipelines whose dashboards are delivered. */
  readonly pipelines: readonly PipelineSpec[];
  /** @default - runbooks at DEFAULT_RUNBOOK_BASE_URL */
  readonly dashboardOptions?: DashboardOptions;
}

/** The Terraform variable that carries the Grafana token; set it with TF_VAR_grafana_auth. */
export const GRAFANA_AUTH_VARIABLE = 'grafana_auth';
const DEFAULT_FOLDER: Required<GrafanaFolderProps> = { title: 'pipewatch', uid: 'pipewatch' };

/** Grafana's uid rule: up to 40 letters, digits, dashes and underscores. */
const GRAFANA_UID = /^[A-Za-z0-9_-]{1,40}$/;

/** Plugin settings per datasource; the existing Prometheus' scrape interval is not known here, so no timeInterval. */
const DATASOURCES: Readonly<Record<DatasourceKind, { readonly ref: PipewatchDatasource; readonly jsonData: Readonly<Record<string, unknown>> }>> = {
  prometheus: { ref: PROMETHEUS_DATASOURCE, jsonData: { ...prometheusSettings(), prometheusType: 'Prometheus' } },
  loki: { ref: LOKI_DATASOURCE, jsonData: { maxLines: 1000 } },
  alertmanager: { ref: ALERTMANAGER_DATASOURCE, jsonData: { ...ALERTMANAGER_SETTINGS } },
};

const GRAFANA_URL_EXAMPLE = '"https://example.grafana.net" or "http://prometheus:9090"';

/**
 * Delivers pipewatch's datasources and dashboards to an existing Grafana
 * (Grafana Cloud or self-hosted) through the Grafana Terraform provider. The
 * token comes from a sensitive variable, so no secret enters the synthesized JSON.
 */
export class GrafanaStack extends TerraformStack {
  readonly folder: Folder;
  readonly datasources: Readonly<Record<DatasourceKind, DataSource>>;
  readonly dashboards: Readonly<Partial<Record<DashboardKey, Dashboard>>>;

  constructor(scope: Construct, id: string, props: GrafanaStackProps) {
    super(scope, id);
    const grafanaUrl = requireHttpUrl(this, 'grafanaUrl', props.grafanaUrl, GRAFANA_URL_EXAMPLE);
    const folderProps = { ...DEFAULT_FOLDER, ...props.folder };
    if (!GRAFANA_UID.test(folderProps.uid)) {
      invalid(this, 'folder.uid', folderProps.uid, 'Use 1-40 letters, digits, dashes or underscores, e.g. "pipewatch".');
    }

    const auth = new TerraformVariable(this, GRAFANA_AUTH_VARIABLE, {
      type: 'string',
      sensitive: true,
      description: `Service-account token (or user:password) for ${grafanaUrl}. Set TF_VAR_${GRAFANA_AUTH_VARIABLE}; never commit it.`,
    });
    new GrafanaProvider(this, 'grafana', { url: grafanaUrl, auth: auth.stringValue });

    this.folder = new Folder(this, 'folder', { title: folderProps.title, uid: folderProps.uid });
    this.datasources = {
      prometheus: this.datasource('prometheus', props),
      loki: this.datasource('loki', props),
      alertmanager: this.datasource('alertmanager', props),
    };

    const dashboards: Partial<Record<DashboardKey, Dashboard>> = {};
    for (const rendered of allDashboards(props.pipelines, props.dashboardOptions)) {
      dashboards[rendered.key] = new Dashboard(this, `dashboard-${rendered.uid}`, {
        configJson: stableJson(rendered.json),
        folder: this.folder.uid,
        // The uids are pipewatch's own; taking over a same-uid copy made by hand is the intent.
        overwrite: true,
        message: 'Delivered by pipewatch',
        dependsOn: Object.values(this.datasources),
      });
    }
    this.dashboards = dashboards;

    new TerraformOutput(this, 'dashboard_urls', {
      description: 'Where each delivered dashboard opens in Grafana.',
      value: Object.fromEntries(Object.entries(dashboards).map(([key, d]) => [key, d.url])),
    });
  }

  private datasource(kind: DatasourceKind, props: GrafanaStackProps): DataSource {
    const { ref, jsonData } = DATASOURCES[kind];
    const url = requireHttpUrl(this, `datasourceUrls.${kind}`, props.datasourceUrls[kind], GRAFANA_URL_EXAMPLE);
    const basicAuthUser = props.datasourceBasicAuthUsers?.[kind];
    const password =
      basicAuthUser === undefined
        ? undefined
        : new TerraformVariable(this, `${kind}_basic_auth_password`, {
            type: 'string',
            sensitive: true,
            description: `Basic-auth password (or API token) Grafana uses for the ${kind} datasource.`,
          });
    return new DataSource(this, `datasource-${kind}`, {
      type: ref.type,
      name: ref.name,
      uid: ref.uid,
      url,
      accessMode: 'proxy',
      jsonDataEncoded: JSON.stringify(jsonData),
      ...(password && {
        basicAuthEnabled: true,
        basicAuthUsername: basicAuthUser,
        secureJsonDataEncoded: Fn.jsonencode({ basicAuthPassword: password.stringValue }),
      }),
    });
  }
}
