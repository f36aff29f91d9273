import { mkdirSync, rmSync, writeFileSync } from 'fs';
import { join } from 'path';
import { NOTIFICATION_TEMPLATES, TEMPLATE_FILE } from '../content/alertmanager/templates';
import { airflowChartValues } from '../content/kubernetes/airflow-values';
import { alertmanagerConfigs } from '../content/kubernetes/alertmanager-config';
import { dashboardConfigMaps, datasourceConfigMap, FOLDER_ANNOTATION } from '../content/kubernetes/grafana';
import { defaultExporterTargets, ExporterTarget, exporterMonitor } from '../content/kubernetes/monitors';
import { KubeObject, objectName, ObjectScope } from '../content/kubernetes/objects';
import { prometheusRules } from '../content/kubernetes/prometheus-rules';
import { loadPipelineCatalog } from '../content/pipeline/catalog';
import { lineageInhibitRules } from '../content/pipeline/lineage';
import { PipelineSpec } from '../content/pipeline/spec';
import { requireDnsLabel } from '../content/validation';
import { toYaml } from '../content/yaml';
import { MonitoringStackProps } from '../constructs/monitoring-stack';
import { allDashboards } from '../dashboards/index';
import { environmentName, pipelinesFile } from './environments';

/** Receivers, routes and runbook links as the Docker stacks take them. */
type SharedAlertingProps = Pick<MonitoringStackProps, 'receivers' | 'teamRoutes' | 'defaultReceiver' | 'watchdogReceiver' | 'runbookBaseUrl'>;

export interface KubernetesTargetProps extends SharedAlertingProps {
  /** Names every object (`pipewatch-<env>-...`) and labels it `pipewatch.io/environment`. */
  readonly environment: string;
  readonly pipelines: readonly PipelineSpec[];
  /** Namespace of the Prometheus Operator's Prometheus, Alertmanager and Grafana; every object goes there. @default 'monitoring' */
  readonly namespace?: string;
  /** Labels the operator's rule, monitor and AlertmanagerConfig selectors look for. @default { release: 'kube-prometheus-stack' } */
  readonly selectorLabels?: Readonly<Record<string, string>>;
  /** The Airflow chart's release and namespace (its statsd-exporter Service carries `release: <release>`). @default { namespace: 'airflow', release: 'airflow' } */
  readonly airflow?: { readonly namespace: string; readonly release: string };
  /** Where the exporters run. @default defaultExporterTargets(airflow) */
  readonly exporters?: readonly ExporterTarget[];
  /** @default 30 */
  readonly scrapeIntervalSeconds?: number;
  /** The Secret (in `namespace`) whose keys hold the receivers' credentials, one key per secret name. @default `pipewatch-<env>-alertmanager` */
  readonly alertmanagerSecret?: string;
  /**
   * Dashboards (and their datasources) as ConfigMaps for the Grafana sidecar. Turn off to deliver them with
   * the grafana-<env> stack instead, which large catalogs need (a dashboard over the object budget is refused). @default true
   */
  readonly dashboards?: boolean;
  /** Grafana folder of the dashboards. @default 'pipewatch' */
  readonly grafanaFolder?: string;
  /** Where alerts' dashboard links point. @default 'http://localhost:3000' */
  readonly grafanaUrl?: string;
  /** In-cluster URLs Grafana reaches Prometheus and Alertmanager at. @default kube-prometheus-stack's Services in `namespace` */
  readonly prometheusUrl?: string;
  readonly alertmanagerUrl?: string;
  /** In-cluster URL of a Loki holding the Airflow task logs. @default - none: no Loki datasource, no Logs dashboard, no LokiDown alert */
  readonly lokiUrl?: string;
}

/** What the k8s target produces: the objects to apply, and values for the two Helm charts it works with. */
export interface KubernetesTarget {
  readonly objects: readonly KubeObject[];
  readonly airflowValues: object;
  readonly kubePrometheusStackValues: object;
}

/**
 * pipewatch on a cluster with the Prometheus Operator (kube-prometheus-stack)
 * and the Airflow Helm chart: the rules, routes and dashboards of the Docker
 * stacks, rendered by the same content functions, as plain manifests
 * (docs/kubernetes.md says why not provider resources).
 */
export function kubernetesTarget(props: KubernetesTargetProps): KubernetesTarget {
  const namespace = requireDnsLabel('k8s target', 'namespace', props.namespace ?? 'monitoring');
  const scope: ObjectScope = { environment: requireDnsLabel('k8s target', 'environment', props.environment), namespace, selectorLabels: props.selectorLabels ?? { release: 'kube-prometheus-stack' } };
  const airflow = props.airflow ?? { namespace: 'airflow', release: 'airflow' };
  const links = { grafanaUrl: props.grafanaUrl, runbookBaseUrl: props.runbookBaseUrl };
  const logs = props.lokiUrl !== undefined;
  const scrapeIntervalSeconds = props.scrapeIntervalSeconds ?? 30;
  const objects: KubeObject[] = [
    ...prometheusRules(scope, props.pipelines, { ...links, logs }),
    ...alertmanagerConfigs(
      scope,
      {
        receivers: props.receivers ?? [],
        teamRoutes: props.teamRoutes ?? [],
        inhibitRules: lineageInhibitRules(props.pipelines),
        defaultReceiver: props.defaultReceiver,
        watchdogReceiver: props.watchdogReceiver,
      },
      props.alertmanagerSecret ?? objectName('alertmanagerSecret', scope, 'alertmanager'),
    ),
    ...(props.exporters ?? defaultExporterTargets(airflow)).map((t) => exporterMonitor(scope, t, scrapeIntervalSeconds)),
  ];
  if (props.dashboards ?? true) {
    objects.push(
      ...dashboardConfigMaps(scope, allDashboards(props.pipelines, links).filter((d) => logs || d.key !== 'logs'), props.grafanaFolder ?? 'pipewatch'),
      datasourceConfigMap(scope, {
        prometheusUrl: props.prometheusUrl ?? `http://kube-prometheus-stack-prometheus.${namespace}:9090`,
        alertmanagerUrl: props.alertmanagerUrl ?? `http://kube-prometheus-stack-alertmanager.${namespace}:9093`,
        lokiUrl: props.lokiUrl,
        scrapeIntervalSeconds,
      }),
    );
  }
  return {
    objects,
    airflowValues: airflowChartValues(),
    kubePrometheusStackValues: {
      alertmanager: {
        // AlertmanagerConfig routes otherwise only match alerts whose `namespace` label is the config's own namespace.
        alertmanagerSpec: { alertmanagerConfigMatcherStrategy: { type: 'None' } },
        // The receivers' titles and bodies use pipewatch's templates.
        templateFiles: { [TEMPLATE_FILE]: NOTIFICATION_TEMPLATES },
      },
      // The dashboard sidecar files each dashboard in the folder its ConfigMap's annotation names.
      grafana: { sidecar: { dashboards: { folderAnnotation: FOLDER_ANNOTATION, provider: { foldersFromFilesStructure: true } } } },
    },
  };
}

/** Writes the target to `dir` (emptied first): manifests/ with one file per object and a kustomization.yaml, and helm/ values. */
export function writeKubernetesTarget(dir: string, target: KubernetesTarget): void {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, 'manifests'), { recursive: true });
  mkdirSync(join(dir, 'helm'));
  const files = target.objects.map((o) => {
    const file = `${o.kind.toLowerCase()}-${o.metadata.name}.yaml`;
    writeFileSync(join(dir, 'manifests', file), toYaml(o));
    return file;
  });
  writeFileSync(join(dir, 'manifests', 'kustomization.yaml'), toYaml({ apiVersion: 'kustomize.config.k8s.io/v1beta1', kind: 'Kustomization', resources: files }));
  writeFileSync(join(dir, 'helm', 'airflow-values.yaml'), toYaml(target.airflowValues));
  writeFileSync(join(dir, 'helm', 'kube-prometheus-stack-values.yaml'), toYaml(target.kubePrometheusStackValues));
}

/**
 * The `k8s-<env>` target of `npm run synth`: the environment's pipeline catalog, written under `<outdir>/k8s-<env>`.
 * PIPEWATCH_K8S_DASHBOARDS=false leaves the dashboards to the grafana-<env> stack.
 */
export function synthKubernetesTarget(outdir: string, env: NodeJS.ProcessEnv = process.env): string {
  const environment = environmentName(env);
  const dir = join(outdir, `k8s-${environment}`);
  const dashboards = env.PIPEWATCH_K8S_DASHBOARDS ?? 'true';
  if (!['true', 'false'].includes(dashboards)) throw new Error(`PIPEWATCH_K8S_DASHBOARDS: invalid value ${JSON.stringify(dashboards)}. Use true (the default) or false.`);
  writeKubernetesTarget(dir, kubernetesTarget({ environment, pipelines: loadPipelineCatalog(pipelinesFile(env)), dashboards: dashboards === 'true' }));
  return dir;
}
