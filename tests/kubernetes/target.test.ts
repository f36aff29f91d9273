import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { parse } from 'yaml';
import { Receiver } from '../../content/alertmanager/receivers';
import { ANNOTATION_LIMIT_BYTES, KubeObject, OBJECT_BUDGET_BYTES, objectBytes } from '../../content/kubernetes/objects';
import { DEFAULT_PIPELINES_FILE, loadPipelineCatalog } from '../../content/pipeline/catalog';
import { kubernetesTarget, KubernetesTargetProps, synthKubernetesTarget } from '../../stacks/kubernetes';
import { container, synthLocal, uploaded } from '../support/synth';
import { generatedCatalog } from './generated-catalog';

const EXAMPLE_PIPELINES = loadPipelineCatalog(DEFAULT_PIPELINES_FILE);
const RECEIVERS: Receiver[] = [
  { kind: 'slack', name: 'analytics-slack', channel: '#analytics' },
  { kind: 'webhook', name: 'deadman', bearerTokenSecret: 'deadman_token' },
  { kind: 'email', name: 'ml-mail', to: 'ml@example.com', from: 'alerts@example.com', smarthost: 'smtp.example.com:587', authUsername: 'alerts' },
  { kind: 'pagerduty', name: 'platform-pager' },
];
const PROPS: KubernetesTargetProps = {
  environment: 'dev',
  pipelines: EXAMPLE_PIPELINES,
  receivers: RECEIVERS,
  teamRoutes: [
    { team: 'analytics', receiver: 'analytics-slack' },
    { team: 'platform', receiver: 'platform-pager', severities: ['critical'] },
  ],
  watchdogReceiver: 'deadman',
  defaultReceiver: 'ml-mail',
};
const target = kubernetesTarget(PROPS);
const ofKind = (kind: string, objects: readonly KubeObject[] = target.objects) => objects.filter((o) => o.kind === kind);
const named = (name: string) => {
  const found = target.objects.find((o) => o.metadata.name === name);
  if (!found) throw new Error(`no object ${name}; have ${target.objects.map((o) => o.metadata.name).join(', ')}`);
  return found as KubeObject & { spec: any };
};
const groupNames = (o: KubeObject) => (o.spec as any).groups.map((g: any) => g.name);

describe('GIVEN the example catalog on the k8s target', () => {
  test('THEN the rules are PrometheusRule objects: recording, platform, and one per owner team, each holding only its team\'s pipelines', () => {
    expect(ofKind('PrometheusRule').map((o) => o.metadata.name)).toEqual([
      'pipewatch-dev-recording-1',
      'pipewatch-dev-platform-1',
      'pipewatch-dev-pipelines-analytics-1',
      'pipewatch-dev-pipelines-data-platform-1',
      'pipewatch-dev-pipelines-ml-1',
    ]);
    expect(groupNames(named('pipewatch-dev-pipelines-analytics-1'))).toEqual(['pipewatch-pipeline-example_etl', 'pipewatch-pipeline-data_quality']);
    expect(groupNames(named('pipewatch-dev-pipelines-data-platform-1'))).toEqual(['pipewatch-pipeline-datalake_ingest']);
    expect(groupNames(named('pipewatch-dev-pipelines-ml-1'))).toEqual(['pipewatch-pipeline-ml_pipeline']);
    // Without a Loki the LokiDown alert would fire forever; the Docker-only container alerts stay out.
    expect(groupNames(named('pipewatch-dev-platform-1'))).toEqual(['pipewatch-airflow', 'pipewatch-datastores', 'pipewatch-monitoring', 'pipewatch-data-platform']);
    const platformAlerts = named('pipewatch-dev-platform-1').spec.groups.flatMap((g: any) => g.rules.map((r: any) => r.alert));
    expect(platformAlerts).not.toContain('LokiDown');
    expect(platformAlerts).toContain('Watchdog');
  });

  test('THEN every rule is the one the Docker stack loads: same alert, expression, labels and annotations', () => {
    const json = synthLocal().json;
    const docker = ['pipelines.yml', 'platform.yml'].flatMap((file) => parse(uploaded(container(json, 'dev-prometheus'), `/etc/prometheus/rules/${file}`)).groups);
    const dockerGroups = new Map(docker.map((g: any) => [g.name, g]));
    for (const group of ofKind('PrometheusRule').flatMap((o) => (o.spec as any).groups)) {
      const inDocker = dockerGroups.get(group.name) as any;
      // LokiDown and the log shipper's alerts are the rules the Docker stack (with Loki and its shipper) has
      // and this target (without) leaves out.
      const dockerOnly = ['LokiDown', 'LogShipperDroppingLogs', 'LogShipperExportStalled'];
      expect(group.rules).toEqual(inDocker.rules.filter((r: any) => !dockerOnly.includes(r.alert)));
    }
  });

  test('THEN each PrometheusRule carries the operator\'s selector label and pipewatch\'s own', () => {
    expect(named('pipewatch-dev-pipelines-ml-1').metadata).toEqual({
      name: 'pipewatch-dev-pipelines-ml-1',
      namespace: 'monitoring',
      labels: {
        'app.kubernetes.io/part-of': 'pipewatch',
        'app.kubernetes.io/managed-by': 'pipewatch',
        'pipewatch.io/environment': 'dev',
        release: 'kube-prometheus-stack',
        'pipewatch.io/rules': 'pipelines-ml',
      },
    });
  });
});

describe('GIVEN receivers with credentials on the k8s target', () => {
  const config = named('pipewatch-dev-routing');
  const secret = (key: string) => ({ name: 'pipewatch-dev-alertmanager', key });

  test('THEN one AlertmanagerConfig routes like the Docker stack: Watchdog first, then each team, with typed matchers', () => {
    expect(config.apiVersion).toBe('monitoring.coreos.com/v1alpha1');
    expect(config.spec.route).toEqual({
      receiver: 'ml-mail',
      // Only pipewatch's alerts (all labelled with a team), not the cluster's others.
      matchers: [{ name: 'team', matchType: '=~', value: '.+' }],
      groupBy: ['alertname', 'dag_id'],
      groupWait: '30s',
      groupInterval: '5m',
      repeatInterval: '4h',
      routes: [
        { receiver: 'deadman', matchers: [{ name: 'alertname', matchType: '=', value: 'Watchdog' }], groupWait: '0s', groupInterval: '1m', repeatInterval: '5m' },
        { receiver: 'analytics-slack', matchers: [{ name: 'team', matchType: '=', value: 'analytics' }], continue: true },
        { receiver: 'platform-pager', matchers: [{ name: 'team', matchType: '=', value: 'platform' }, { name: 'severity', matchType: '=~', value: 'critical' }], continue: true },
      ],
    });
  });

  test('THEN the severity and lineage inhibitions are there as sourceMatch/targetMatch', () => {
    expect(config.spec.inhibitRules[0]).toEqual({
      sourceMatch: [{ name: 'severity', matchType: '=', value: 'critical' }],
      targetMatch: [{ name: 'severity', matchType: '=~', value: 'warning|info' }],
      equal: ['alertname', 'dag_id', 'project', 'target', 'model', 'test', 'source', 'table'],
    });
    expect(config.spec.inhibitRules).toContainEqual({
      sourceMatch: [
        { name: 'alertname', matchType: '=~', value: 'PipelineRunFailed|PipelineDataStale|PipelineDeadlineMissed|PipelineMetricsAbsent' },
        { name: 'dag_id', matchType: '=~', value: 'datalake_ingest' },
      ],
      targetMatch: [
        { name: 'alertname', matchType: '=~', value: 'PipelineDataStale|PipelineDeadlineMissed' },
        { name: 'dag_id', matchType: '=', value: 'example_etl' },
      ],
    });
    expect(config.spec.inhibitRules).toHaveLength(1 + 3);
  });

  test('THEN every credential is a key of the Secret pipewatch-dev-alertmanager, never a value', () => {
    const receiver = (name: string) => config.spec.receivers.find((r: any) => r.name === name);
    expect(receiver('analytics-slack').slackConfigs[0].apiURL).toEqual(secret('analytics_slack_api_url'));
    expect(receiver('deadman').webhookConfigs[0]).toMatchObject({ urlSecret: secret('deadman_url'), httpConfig: { authorization: { type: 'Bearer', credentials: secret('deadman_token') } } });
    expect(receiver('ml-mail').emailConfigs[0]).toMatchObject({ authUsername: 'alerts', authPassword: secret('ml_mail_password'), requireTLS: true, headers: [{ key: 'Subject', value: '{{ template "pipewatch.title" . }}' }] });
    expect(receiver('platform-pager').pagerdutyConfigs[0].routingKey).toEqual(secret('platform_pager_routing_key'));
    expect(config.spec.receivers.map((r: any) => r.name)).toEqual(['null', 'analytics-slack', 'deadman', 'ml-mail', 'platform-pager']);
    expect(JSON.stringify(target)).not.toMatch(/(api_url|password|routing_key|url|credentials)_file|\/etc\/alertmanager\/secrets/);
  });

  test('THEN the kube-prometheus-stack values load pipewatch\'s templates and let the routes see every namespace\'s alerts', () => {
    const values = target.kubePrometheusStackValues as any;
    expect(values.alertmanager.alertmanagerSpec.alertmanagerConfigMatcherStrategy).toEqual({ type: 'None' });
    expect(values.alertmanager.templateFiles['pipewatch.tmpl']).toContain('define "pipewatch.title"');
    expect(values.grafana.sidecar.dashboards).toEqual({ folderAnnotation: 'grafana_folder', provider: { foldersFromFilesStructure: true } });
  });

  test('WHEN a route names a receiver that does not exist THEN it fails naming the AlertmanagerConfig and the fix', () => {
    expect(() => kubernetesTarget({ ...PROPS, teamRoutes: [{ team: 'ml', receiver: 'nobody' }] })).toThrow(
      'AlertmanagerConfig pipewatch-dev-routing: invalid route for team ml "nobody". No receiver has that name.',
    );
  });
});

describe('GIVEN the exporters on the k8s target', () => {
  test('THEN the Airflow chart\'s statsd-exporter Service gets a ServiceMonitor whose job label is the Docker stack\'s', () => {
    expect(named('pipewatch-dev-statsd-exporter')).toEqual({
      apiVersion: 'monitoring.coreos.com/v1',
      kind: 'ServiceMonitor',
      metadata: {
        name: 'pipewatch-dev-statsd-exporter',
        namespace: 'monitoring',
        labels: { 'app.kubernetes.io/part-of': 'pipewatch', 'app.kubernetes.io/managed-by': 'pipewatch', 'pipewatch.io/environment': 'dev', release: 'kube-prometheus-stack' },
      },
      spec: {
        selector: { matchLabels: { tier: 'airflow', component: 'statsd', release: 'airflow' } },
        namespaceSelector: { matchNames: ['airflow'] },
        endpoints: [{ port: 'statsd-scrape', path: '/metrics', interval: '30s', relabelings: [{ action: 'replace', targetLabel: 'job', replacement: 'statsd-exporter' }] }],
      },
    });
  });

  test('THEN the Airflow metadata exporter is a PodMonitor, PostgreSQL and Redis exporters ServiceMonitors', () => {
    expect(ofKind('PodMonitor').map((o) => [o.metadata.name, (o.spec as any).podMetricsEndpoints[0].port])).toEqual([['pipewatch-dev-airflow-exporter', 'metrics']]);
    expect(ofKind('ServiceMonitor').map((o) => o.metadata.name)).toEqual(['pipewatch-dev-statsd-exporter', 'pipewatch-dev-postgres-exporter', 'pipewatch-dev-redis-exporter']);
  });

  test('WHEN the Airflow release has another name THEN the statsd selector follows it', () => {
    const other = kubernetesTarget({ ...PROPS, airflow: { namespace: 'data', release: 'prod-airflow' } });
    const monitor = other.objects.find((o) => o.metadata.name === 'pipewatch-dev-statsd-exporter')!.spec as any;
    expect(monitor.selector.matchLabels.release).toBe('prod-airflow');
    expect(monitor.namespaceSelector.matchNames).toEqual(['data']);
  });
});

describe('GIVEN the dashboards on the k8s target', () => {
  const maps = ofKind('ConfigMap').filter((o) => o.metadata.labels.grafana_dashboard === '1');

  test('THEN each dashboard is a ConfigMap for the Grafana sidecar, in the pipewatch folder, the Logs one only with a Loki', () => {
    expect(maps.map((m) => m.metadata.name)).toEqual([
      'pipewatch-dev-dashboard-pipeline-overview',
      'pipewatch-dev-dashboard-pipeline-detail',
      'pipewatch-dev-dashboard-sla-freshness',
      'pipewatch-dev-dashboard-data-quality',
      'pipewatch-dev-dashboard-performance',
      'pipewatch-dev-dashboard-data-lake-warehouse',
      'pipewatch-dev-dashboard-platform-health',
      'pipewatch-dev-dashboard-alerts',
      'pipewatch-dev-dashboard-dbt',
    ]);
    for (const m of maps) expect(m.metadata.annotations).toEqual({ grafana_folder: 'pipewatch' });
    const withLoki = kubernetesTarget({ ...PROPS, lokiUrl: 'http://loki.logging:3100' }).objects;
    expect(withLoki.map((o) => o.metadata.name)).toContain('pipewatch-dev-dashboard-logs');
  });

  test('THEN the file in each ConfigMap is the dashboard JSON under its uid', () => {
    const overview = named('pipewatch-dev-dashboard-pipeline-overview');
    expect(Object.keys(overview.data!)).toEqual(['pipewatch-pipeline-overview.json']);
    expect(JSON.parse(overview.data!['pipewatch-pipeline-overview.json'])).toMatchObject({ uid: 'pipewatch-pipeline-overview', title: expect.any(String) });
  });

  test('THEN the datasources the dashboards name are provisioned, none of them default', () => {
    const ds = parse(named('pipewatch-dev-datasources').data!['pipewatch-datasources.yaml']);
    expect(ds.datasources.map((d: any) => [d.uid, d.url, d.isDefault])).toEqual([
      ['pipewatch-prometheus', 'http://kube-prometheus-stack-prometheus.monitoring:9090', false],
      ['pipewatch-alertmanager', 'http://kube-prometheus-stack-alertmanager.monitoring:9093', false],
    ]);
    expect(named('pipewatch-dev-datasources').metadata.labels.grafana_datasource).toBe('1');
  });
});

describe('GIVEN the Airflow chart values', () => {
  test('THEN its statsd-exporter runs with pipewatch\'s mapping in place of the chart\'s', () => {
    const values = target.airflowValues as any;
    expect(values.statsd.enabled).toBe(true);
    expect(values.statsd.overrideMappings).toContainEqual(
      expect.objectContaining({ match: '^airflow\\.dag\\.([^.]+)\\.(.+)\\.duration$', match_type: 'regex', name: 'airflow_task_duration', labels: { dag_id: '$1', task_id: '$2' } }),
    );
    expect(values.statsd.overrideMappings).toContainEqual({ match: 'airflow.task.duration', action: 'drop', name: 'dropped' });
  });
});

describe('GIVEN 1,000 pipelines of 10 teams (a generated catalog), dashboards left to the grafana-<env> stack', () => {
  const big = generatedCatalog(1000, 10);
  const objects = kubernetesTarget({ ...PROPS, pipelines: big, teamRoutes: [], dashboards: false }).objects;

  test(`THEN every object stays under the object budget (${OBJECT_BUDGET_BYTES} bytes), half the ${ANNOTATION_LIMIT_BYTES}-byte annotation limit`, () => {
    const sizes = objects.map((o) => ({ name: `${o.kind}/${o.metadata.name}`, bytes: objectBytes(o) }));
    const largest = sizes.reduce((a, b) => (b.bytes > a.bytes ? b : a));
    expect(largest.bytes).toBeLessThanOrEqual(OBJECT_BUDGET_BYTES);
    // Each team's groups cannot fit one object: the split must have happened.
    expect(ofKind('PrometheusRule', objects).filter((o) => o.metadata.name.startsWith('pipewatch-dev-pipelines-team-3-')).length).toBeGreaterThan(1);
    process.stdout.write(`PASS k8s object size at 1000 pipelines: ${objects.length} objects, largest ${largest.name} ${largest.bytes} bytes (budget ${OBJECT_BUDGET_BYTES}, annotation limit ${ANNOTATION_LIMIT_BYTES})\n`);
  });

  test('THEN every pipeline\'s alert group is in exactly one PrometheusRule, the one of its team', () => {
    const placed = ofKind('PrometheusRule', objects).flatMap((o) => groupNames(o).map((g: string) => [g, o.metadata.name] as const));
    for (const spec of [big[0], big[457], big[999]]) {
      const homes = placed.filter(([g]) => g === `pipewatch-pipeline-${spec.dagId}`).map(([, name]) => name);
      expect(homes).toHaveLength(1);
      expect(homes[0]).toMatch(new RegExp(`^pipewatch-dev-pipelines-${spec.ownerTeam}-\\d+$`));
    }
    expect(placed.filter(([g, name]) => name.startsWith('pipewatch-dev-pipelines-') && g.startsWith('pipewatch-pipeline-'))).toHaveLength(1000);
  });

  test('THEN the 900 lineage inhibitions that do not fit the routing AlertmanagerConfig go to inhibition objects, none lost', () => {
    const configs = ofKind('AlertmanagerConfig', objects);
    expect(configs[0].metadata.name).toBe('pipewatch-dev-routing');
    expect(configs.slice(1).map((o) => o.metadata.name)).toEqual(configs.slice(1).map((_, i) => `pipewatch-dev-inhibitions-${i + 1}`));
    expect(configs.length).toBeGreaterThan(1);
    // 1 severity rule + one per pipeline with an upstream: 9 of every 10 in each team's chains of ten.
    expect(configs.flatMap((o) => (o.spec as any).inhibitRules)).toHaveLength(1 + 900);
    expect(configs.slice(1).every((o) => (o.spec as any).route === undefined && (o.spec as any).receivers === undefined)).toBe(true);
  });

  test('WHEN the dashboards are asked for as ConfigMaps THEN the target refuses the first one over the budget, naming it, its size and the fix', () => {
    // 200 pipelines already put the Pipeline Overview over the budget, and render five times faster than 1,000.
    expect(() => kubernetesTarget({ ...PROPS, pipelines: generatedCatalog(200, 10), teamRoutes: [] })).toThrow(
      /^ConfigMap pipewatch-dev-dashboard-pipeline-overview: invalid size in bytes \d+\. The dashboard is over the 131072-byte object budget; deliver the dashboards with the grafana-<env> stack/,
    );
  });
});

describe('GIVEN bad input to the k8s target', () => {
  test('WHEN two teams differ only by "_" and "-" THEN it fails naming both, since their objects would share a name', () => {
    const [a, b] = EXAMPLE_PIPELINES;
    expect(() => kubernetesTarget({ ...PROPS, teamRoutes: [], pipelines: [{ ...a, ownerTeam: 'data_eng', upstream: [] }, { ...b, ownerTeam: 'data-eng', upstream: [] }] })).toThrow(
      'pipelines (team data_eng): invalid ownerTeam "data_eng". It names the same Kubernetes objects as team "data-eng"',
    );
  });

  test('WHEN the namespace is not a DNS label THEN it fails with the fix', () => {
    expect(() => kubernetesTarget({ ...PROPS, namespace: 'Monitoring' })).toThrow('k8s target: invalid namespace "Monitoring". Use 1-63 lowercase letters');
  });
});

describe('GIVEN `npm run synth`', () => {
  test('THEN the k8s-<env> target is written: one manifest per object, a kustomization listing them all, and the Helm values', () => {
    const out = mkdtempSync(join(tmpdir(), 'pipewatch-k8s-'));
    try {
      const dir = synthKubernetesTarget(out, { PIPEWATCH_ENV: 'pr-7' });
      expect(dir).toBe(join(out, 'k8s-pr-7'));
      const files = readdirSync(join(dir, 'manifests')).filter((f) => f !== 'kustomization.yaml').sort();
      expect(parse(readFileSync(join(dir, 'manifests', 'kustomization.yaml'), 'utf8')).resources.sort()).toEqual(files);
      expect(files).toContain('servicemonitor-pipewatch-pr-7-statsd-exporter.yaml');
      expect(parse(readFileSync(join(dir, 'manifests', 'prometheusrule-pipewatch-pr-7-pipelines-ml-1.yaml'), 'utf8')).metadata.name).toBe('pipewatch-pr-7-pipelines-ml-1');
      expect(readdirSync(join(dir, 'helm')).sort()).toEqual(['airflow-values.yaml', 'kube-prometheus-stack-values.yaml']);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});
