import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { parse } from 'yaml';
import { Receiver } from '../../content/alertmanager/receivers';
import { dashboardConfigMaps } from '../../content/kubernetes/grafana';
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
/** The dag_ids whose threshold records an object holds, in order. */
const thresholdDags = (name: string) => [...new Set(named(name).spec.groups.flatMap((g: any) => g.rules.map((r: any) => r.labels.dag_id)))];

describe('GIVEN the example catalog on the k8s target', () => {
  test('THEN the rules are PrometheusRule objects: recording, platform, each owner team\'s thresholds, then the pipeline alerts once', () => {
    expect(ofKind('PrometheusRule').map((o) => o.metadata.name)).toEqual([
      'pipewatch-dev-recording-1',
      'pipewatch-dev-platform-1',
      'pipewatch-dev-thresholds-analytics-1',
      'pipewatch-dev-thresholds-data-platform-1',
      'pipewatch-dev-thresholds-finance-1',
      'pipewatch-dev-thresholds-ml-1',
      'pipewatch-dev-pipeline-alerts-1',
    ]);
    expect(groupNames(named('pipewatch-dev-thresholds-analytics-1'))).toEqual(['pipewatch-thresholds-analytics-1']);
    expect(thresholdDags('pipewatch-dev-thresholds-analytics-1')).toEqual(['example_etl', 'data_quality']);
    expect(thresholdDags('pipewatch-dev-thresholds-data-platform-1')).toEqual(['datalake_ingest']);
    expect(thresholdDags('pipewatch-dev-thresholds-finance-1')).toEqual(['finance.daily_revenue']);
    expect(thresholdDags('pipewatch-dev-thresholds-ml-1')).toEqual(['ml_pipeline']);
    // The alerts are one group of alerting rules only, for every pipeline.
    const alerts = named('pipewatch-dev-pipeline-alerts-1').spec.groups;
    expect(alerts.map((g: any) => g.name)).toEqual(['pipewatch-pipelines']);
    expect(alerts[0].rules.every((r: any) => r.alert !== undefined && r.record === undefined)).toBe(true);
    expect(alerts[0].rules.map((r: any) => r.alert)).toContain('PipelineRunFailed');
    // Without a Loki the LokiDown alert would fire forever; the Docker-only container alerts stay out.
    expect(groupNames(named('pipewatch-dev-platform-1'))).toEqual(['pipewatch-airflow', 'pipewatch-datastores', 'pipewatch-monitoring', 'pipewatch-data-platform']);
    const platformAlerts = named('pipewatch-dev-platform-1').spec.groups.flatMap((g: any) => g.rules.map((r: any) => r.alert));
    expect(platformAlerts).not.toContain('LokiDown');
    expect(platformAlerts).toContain('Watchdog');
  });

  test('THEN every rule is the one the Docker stack loads: same alert, expression, labels and annotations; the same threshold records, in other groups', () => {
    const json = synthLocal().json;
    const docker = ['pipelines.yml', 'platform.yml'].flatMap((file) => parse(uploaded(container(json, 'dev-prometheus'), `/etc/prometheus/rules/${file}`)).groups);
    const dockerGroups = new Map(docker.map((g: any) => [g.name, g]));
    const groups = ofKind('PrometheusRule').flatMap((o) => (o.spec as any).groups);
    const isThresholds = (g: any) => g.name.startsWith('pipewatch-thresholds-');
    // LokiDown and the log shipper's alerts are the rules the Docker stack (with Loki and its shipper) has
    // and this target (without) leaves out.
    const dockerOnly = ['LokiDown', 'LogShipperDroppingLogs', 'LogShipperExportStalled'];
    const dockerPipelines = (dockerGroups.get('pipewatch-pipelines') as any).rules;
    for (const group of groups.filter((g: any) => !isThresholds(g))) {
      const inDocker = dockerGroups.get(group.name) as any;
      // The Docker stack's pipeline group holds the threshold records too, first.
      const expected = group.name === 'pipewatch-pipelines' ? dockerPipelines.filter((r: any) => r.alert !== undefined) : inDocker.rules.filter((r: any) => !dockerOnly.includes(r.alert));
      expect(group.rules).toEqual(expected);
    }
    expect(groups.map((g: any) => g.name)).toContain('pipewatch-pipelines');
    // Every threshold record of the Docker group, once, in the team objects (grouped by team, so in another order).
    const byJson = (rules: any[]) => rules.map((r) => JSON.stringify(r)).sort();
    const records = dockerPipelines.filter((r: any) => r.record !== undefined);
    expect(records.length).toBeGreaterThan(5 * 4);
    expect(byJson(groups.filter(isThresholds).flatMap((g: any) => g.rules))).toEqual(byJson(records));
  });

  test('THEN each PrometheusRule carries the operator\'s selector label and pipewatch\'s own', () => {
    expect(named('pipewatch-dev-thresholds-ml-1').metadata).toEqual({
      name: 'pipewatch-dev-thresholds-ml-1',
      namespace: 'monitoring',
      labels: {
        'app.kubernetes.io/part-of': 'pipewatch',
        'app.kubernetes.io/managed-by': 'pipewatch',
        'pipewatch.io/environment': 'dev',
        release: 'kube-prometheus-stack',
        'pipewatch.io/rules': 'thresholds-ml',
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
    // A dotted dag_id is matched exactly (`=`), its upstreams by their own names.
    for (const [upstreams, dag] of [['datalake_ingest', 'example_etl'], ['datalake_ingest|example_etl', 'finance.daily_revenue']]) {
      expect(config.spec.inhibitRules).toContainEqual({
        sourceMatch: [
          { name: 'alertname', matchType: '=~', value: 'PipelineRunFailed|PipelineDataStale|PipelineDeadlineMissed|PipelineMetricsAbsent' },
          { name: 'dag_id', matchType: '=~', value: upstreams },
        ],
        targetMatch: [
          { name: 'alertname', matchType: '=~', value: 'PipelineDataStale|PipelineDeadlineMissed' },
          { name: 'dag_id', matchType: '=', value: dag },
        ],
      });
    }
    // 1 severity rule + one per pipeline with upstreams: example_etl, data_quality, ml_pipeline, finance.daily_revenue.
    expect(config.spec.inhibitRules).toHaveLength(1 + 4);
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
  test('THEN its statsd-exporter runs with pipewatch\'s mapping in place of the chart\'s, mapping the tagged lines and dropping the dotted ones', () => {
    const values = target.airflowValues as any;
    expect(values.statsd.enabled).toBe(true);
    // The tags (dag_id, task_id) become labels: the tagged line needs no regex that a dotted dag_id would break.
    expect(values.statsd.overrideMappings).toContainEqual(expect.objectContaining({ match: 'airflow.task.duration', name: 'airflow_task_duration' }));
    expect(values.statsd.overrideMappings).toContainEqual({ match: '^airflow\\.dag\\..+\\.duration$', match_type: 'regex', action: 'drop', name: 'dropped' });
    expect(values.statsd.overrideMappings).not.toContainEqual(expect.objectContaining({ match: '^airflow\\.dag\\.([^.]+)\\.(.+)\\.duration$', name: 'airflow_task_duration' }));
  });

  test('THEN Airflow sends the tagged StatsD lines: the chart\'s config.metrics turns on influxdb tags, as the Docker stack does', () => {
    expect((target.airflowValues as any).config).toEqual({ metrics: { statsd_on: 'True', statsd_prefix: 'airflow', statsd_influxdb_enabled: 'True' } });
  });
});

describe('GIVEN 1,000 pipelines of 10 teams (a generated catalog), dashboards left to the grafana-<env> stack', () => {
  const big = generatedCatalog(1000, 10);
  const objects = kubernetesTarget({ ...PROPS, pipelines: big, teamRoutes: [], dashboards: false }).objects;

  test(`THEN every object stays under the object budget (${OBJECT_BUDGET_BYTES} bytes), half the ${ANNOTATION_LIMIT_BYTES}-byte annotation limit`, () => {
    const sizes = objects.map((o) => ({ name: `${o.kind}/${o.metadata.name}`, bytes: objectBytes(o) }));
    const largest = sizes.reduce((a, b) => (b.bytes > a.bytes ? b : a));
    expect(largest.bytes).toBeLessThanOrEqual(OBJECT_BUDGET_BYTES);
    // Each team's threshold records cannot fit one object: the split must have happened.
    expect(ofKind('PrometheusRule', objects).filter((o) => o.metadata.name.startsWith('pipewatch-dev-thresholds-team-3-')).length).toBeGreaterThan(1);
    process.stdout.write(`PASS k8s object size at 1000 pipelines: ${objects.length} objects, largest ${largest.name} ${largest.bytes} bytes (budget ${OBJECT_BUDGET_BYTES}, annotation limit ${ANNOTATION_LIMIT_BYTES})\n`);
  });

  test('THEN every pipeline\'s threshold records are in its team\'s threshold objects, and the alerts are one group', () => {
    const rules = ofKind('PrometheusRule', objects);
    const records = rules.flatMap((o) => (o.spec as any).groups.flatMap((g: any) => g.rules.filter((r: any) => r.record).map((r: any) => ({ ...r, object: o.metadata.name, group: g.name }))));
    // info, period, deadline, staleness, expected duration, 3 tasks, 1 check, completeness, SLO, then the budget
    // tiers: 2 for hourly pipelines; 1 for daily ones, whose slow tier would look back no further than the fast one.
    for (const [spec, count] of [[big[0], 13], [big[457], 12], [big[999], 12]] as const) {
      const own = records.filter((r) => r.labels?.dag_id === spec.dagId);
      expect(own).toHaveLength(count);
      for (const r of own) {
        expect(r.object).toMatch(new RegExp(`^pipewatch-dev-thresholds-${spec.ownerTeam}-\\d+$`));
        expect(r.group).toMatch(new RegExp(`^pipewatch-thresholds-${spec.ownerTeam}-\\d+$`));
      }
    }
    expect(new Set(records.filter((r) => r.object.startsWith('pipewatch-dev-thresholds-')).map((r) => r.labels.dag_id)).size).toBe(1000);
    const alertGroups = rules.flatMap((o) => (o.spec as any).groups.filter((g: any) => g.rules.some((r: any) => r.alert?.startsWith('Pipeline'))).map((g: any) => [o.metadata.name, g.name]));
    expect(alertGroups).toEqual([['pipewatch-dev-pipeline-alerts-1', 'pipewatch-pipelines']]);
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

  test('WHEN the dashboards are asked for as ConfigMaps THEN they fit too: their size does not grow with the catalog', () => {
    const withDashboards = kubernetesTarget({ ...PROPS, pipelines: big, teamRoutes: [] }).objects;
    const overview = (objects: readonly KubeObject[]) => objectBytes(objects.find((o) => o.metadata.name === 'pipewatch-dev-dashboard-pipeline-overview')!);
    expect(overview(withDashboards)).toBe(overview(target.objects));
    expect(Math.max(...ofKind('ConfigMap', withDashboards).map(objectBytes))).toBeLessThanOrEqual(OBJECT_BUDGET_BYTES);
  });

  test('WHEN a dashboard is over the budget THEN its ConfigMap is refused, naming it, its size and the fix', () => {
    const huge = { key: 'pipelineOverview', uid: 'pipewatch-pipeline-overview', json: { panels: [{ description: 'x'.repeat(OBJECT_BUDGET_BYTES) }] } };
    expect(() => dashboardConfigMaps({ environment: 'dev', namespace: 'monitoring', selectorLabels: {} }, [huge], 'pipewatch')).toThrow(
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
      expect(parse(readFileSync(join(dir, 'manifests', 'prometheusrule-pipewatch-pr-7-thresholds-ml-1.yaml'), 'utf8')).metadata.name).toBe('pipewatch-pr-7-thresholds-ml-1');
      expect(readdirSync(join(dir, 'helm')).sort()).toEqual(['airflow-values.yaml', 'kube-prometheus-stack-values.yaml']);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});
