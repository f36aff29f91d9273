import { execFileSync } from 'child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'fs';
import { join } from 'path';
import { gunzipSync } from 'zlib';
import { parse } from 'yaml';
import { Receiver } from '../../content/alertmanager/receivers';
import { ANNOTATION_LIMIT_BYTES, KubeObject } from '../../content/kubernetes/objects';
import { DEFAULT_IMAGES, imageTag } from '../../constructs/core/images';
import { DEFAULT_PIPELINES_FILE, loadPipelineCatalog } from '../../content/pipeline/catalog';
import { kubernetesTarget } from '../../stacks/kubernetes';
import { freePort } from '../live/harness/ports';
import { ManagedProcess } from '../live/harness/processes';
import { waitFor } from '../live/harness/wait';
import { makeTempDir, removeDir } from '../live/harness/workspace';
import { generatedCatalog } from '../kubernetes/generated-catalog';
import { LocalApiServer } from './harness/cluster';
import { K8sTools, k8sTools } from './harness/tools';

/**
 * Every object of the k8s target, created in a real kube-apiserver (etcd
 * behind it) that serves the Prometheus Operator's own CRDs: the server
 * checks each against the CRD's schema with strict field validation (unknown
 * or duplicate fields are errors), and each carries the
 * last-applied-configuration annotation `kubectl apply` would write, so the
 * annotation size limit is checked by the server too.
 */
const pass = (line: string) => process.stdout.write(`PASS ${line}\n`);
const RECEIVERS: Receiver[] = [
  { kind: 'slack', name: 'analytics-slack', channel: '#analytics' },
  { kind: 'webhook', name: 'deadman', bearerTokenSecret: 'deadman_token' },
  { kind: 'email', name: 'ml-mail', to: 'ml@example.com', from: 'alerts@example.com', smarthost: 'smtp.example.com:587', authUsername: 'alerts' },
  { kind: 'pagerduty', name: 'platform-pager', eventsUrl: 'https://events.eu.pagerduty.com/v2/enqueue' },
];
const ROUTING = {
  receivers: RECEIVERS,
  teamRoutes: [
    { team: 'analytics', receiver: 'analytics-slack' },
    { team: 'platform', receiver: 'platform-pager', severities: ['critical' as const] },
  ],
  watchdogReceiver: 'deadman',
  defaultReceiver: 'ml-mail',
};

let tools: K8sTools;
let dir: string;
let api: LocalApiServer;

beforeAll(async () => {
  tools = k8sTools();
  dir = makeTempDir('k8s');
  api = await LocalApiServer.start(tools, dir);
}, 4 * 60_000);

afterAll(async () => {
  await api?.stop();
  if (dir && process.env.PIPEWATCH_LIVE_KEEP !== '1') removeDir(dir);
}, 60_000);

function collectionPath(o: { apiVersion: string; kind: string; metadata: { namespace?: string } }): string {
  const base = o.apiVersion.includes('/') ? `/apis/${o.apiVersion}` : `/api/${o.apiVersion}`;
  const kind = o.kind.toLowerCase();
  return `${base}/namespaces/${o.metadata.namespace}/${kind.endsWith('s') ? `${kind}es` : `${kind}s`}`;
}

/** The object as `kubectl apply` (client side) sends it: with its own JSON in the last-applied annotation. */
function asKubectlApplies(o: KubeObject): KubeObject {
  return { ...o, metadata: { ...o.metadata, annotations: { ...o.metadata.annotations, 'kubectl.kubernetes.io/last-applied-configuration': `${JSON.stringify(o)}\n` } } };
}

async function create(o: KubeObject): Promise<{ status: number; body: any }> {
  return api.request('POST', `${collectionPath(o)}?fieldValidation=Strict&fieldManager=pipewatch`, asKubectlApplies(o));
}

async function createNamespace(name: string): Promise<void> {
  const answer = await api.request('POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
  expect([answer.status, answer.body?.message]).toEqual([201, undefined]);
}

/** Creates every object; returns the count per kind, and fails listing every rejected object with the server's message. */
async function createAll(objects: readonly KubeObject[]): Promise<Record<string, number>> {
  const rejected: string[] = [];
  const counts: Record<string, number> = {};
  for (const o of objects) {
    const answer = await create(o);
    if (answer.status !== 201) rejected.push(`${o.kind}/${o.metadata.name}: HTTP ${answer.status} ${answer.body?.message ?? JSON.stringify(answer.body).slice(0, 500)}`);
    else counts[o.kind] = (counts[o.kind] ?? 0) + 1;
  }
  expect(rejected).toEqual([]);
  return counts;
}

const describeCounts = (counts: Record<string, number>) =>
  Object.entries(counts)
    .map(([kind, n]) => `${kind}=${n}`)
    .join(' ');

function crdFiles(): { file: string; crd: any }[] {
  return readdirSync(tools.operatorCrds)
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .map((file) => ({ file, crd: parse(readFileSync(join(tools.operatorCrds, file), 'utf8')) }));
}

describe('GIVEN kube-apiserver on etcd, on loopback', () => {
  test("WHEN the Prometheus Operator's CRDs are created THEN every one is established", async () => {
    const version = (await api.request('GET', '/version')).body;
    const crds = crdFiles();
    for (const { file, crd } of crds) {
      const answer = await api.request('POST', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions', crd);
      expect([file, answer.status, answer.body?.message]).toEqual([file, 201, undefined]);
    }
    for (const { crd } of crds) {
      await waitFor(
        `${crd.metadata.name} is established`,
        async () => {
          const got = await api.request('GET', `/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${crd.metadata.name}`);
          return got.body?.status?.conditions?.some((c: any) => c.type === 'Established' && c.status === 'True');
        },
        { timeoutMs: 60_000, intervalMs: 250 },
      );
    }
    expect(crds.map((c) => c.crd.spec.names.kind)).toEqual(expect.arrayContaining(['PrometheusRule', 'AlertmanagerConfig', 'ServiceMonitor', 'PodMonitor']));
    pass(`k8s CRDs: ${crds.length} CRDs of prometheus-operator ${tools.operatorVersion} established in kube-apiserver ${version.major}.${version.minor} (${tools.kubeApiserver.split('/').at(-2)})`);
  });
});

describe('GIVEN the k8s target of the example catalog, with every kind of receiver', () => {
  const target = kubernetesTarget({ environment: 'dev', pipelines: loadPipelineCatalog(DEFAULT_PIPELINES_FILE), lokiUrl: 'http://loki.logging:3100', ...ROUTING });

  test('WHEN every object is created with strict field validation THEN the API server accepts all of them', async () => {
    await createNamespace('monitoring');
    const counts = await createAll(target.objects);
    expect(Object.values(counts).reduce((a, b) => a + b, 0)).toBe(target.objects.length);
    pass(`k8s objects accepted (example catalog): ${describeCounts(counts)}`);
  });

  test('THEN what the server stored is what pipewatch wrote: no field was pruned', async () => {
    const config = target.objects.find((o) => o.kind === 'AlertmanagerConfig')!;
    const stored = (await api.request('GET', `${collectionPath(config)}/${config.metadata.name}`)).body;
    expect(stored.spec).toEqual(config.spec);
    const rule = target.objects.find((o) => o.kind === 'PrometheusRule' && o.metadata.name.includes('thresholds-analytics'))!;
    expect((await api.request('GET', `${collectionPath(rule)}/${rule.metadata.name}`)).body.spec).toEqual(rule.spec);
  });
});

describe("GIVEN the Prometheus Operator reconciling a Prometheus and an Alertmanager that select pipewatch's objects", () => {
  let operator: ManagedProcess;
  let work: string;
  const example = kubernetesTarget({ environment: 'dev', pipelines: loadPipelineCatalog(DEFAULT_PIPELINES_FILE), lokiUrl: 'http://loki.logging:3100', ...ROUTING });
  const selector = { matchLabels: { release: 'kube-prometheus-stack' } };
  const run = (tool: string, args: string[]) => execFileSync(tool, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

  /** The data of a Secret or ConfigMap the operator generates, once it exists. */
  async function generated(path: string, what: string): Promise<any> {
    return waitFor(what, async () => {
      const answer = await api.request('GET', path);
      return answer.status === 200 ? answer.body : undefined;
    }, { timeoutMs: 90_000, intervalMs: 500 });
  }

  beforeAll(async () => {
    work = join(dir, 'operator');
    mkdirSync(work);
    // Test values for every key the receivers refer to; the operator reads them into the config it generates.
    const secret = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'pipewatch-dev-alertmanager', namespace: 'monitoring' }, stringData: {
      analytics_slack_api_url: 'https://hooks.slack.example/services/T0/B0/x', deadman_url: 'https://deadman.example/ping', deadman_token: 'test-token',
      ml_mail_password: 'test-password', platform_pager_routing_key: 'test-routing-key' } };
    const kubePrometheusStack = example.kubePrometheusStackValues as any;
    const resources = [
      secret,
      { apiVersion: 'monitoring.coreos.com/v1', kind: 'Alertmanager', metadata: { name: 'main', namespace: 'monitoring' },
        spec: { version: imageTag(DEFAULT_IMAGES.alertmanager), alertmanagerConfigSelector: selector, ...kubePrometheusStack.alertmanager.alertmanagerSpec } },
      { apiVersion: 'monitoring.coreos.com/v1', kind: 'Prometheus', metadata: { name: 'main', namespace: 'monitoring' },
        spec: { version: imageTag(DEFAULT_IMAGES.prometheus), ruleSelector: selector, serviceMonitorSelector: selector, podMonitorSelector: selector, serviceMonitorNamespaceSelector: {}, podMonitorNamespaceSelector: {} } },
    ];
    for (const r of resources) {
      const answer = await api.request('POST', `${collectionPath(r)}?fieldValidation=Strict`, r);
      expect([r.kind, answer.status, answer.body?.message]).toEqual([r.kind, 201, undefined]);
    }
    const kubeconfig = join(work, 'kubeconfig');
    api.writeKubeconfig(kubeconfig);
    const port = await freePort();
    operator = new ManagedProcess({
      name: 'prometheus-operator',
      command: tools.prometheusOperator,
      args: [`--web.listen-address=127.0.0.1:${port}`, '--namespaces=monitoring', '--kubelet-endpoints=false'],
      env: { KUBECONFIG: kubeconfig },
      logFile: join(dir, 'prometheus-operator.log'),
      ready: async () => (await fetch(`http://127.0.0.1:${port}/healthz`).catch(() => undefined))?.ok === true,
      readyTimeoutMs: 60_000,
    });
    await operator.start();
  }, 3 * 60_000);

  afterAll(async () => operator?.stop(), 60_000);

  test('THEN the alertmanager.yml it generates passes amtool, routes each team to its receiver and leaves alerts without a team to the cluster', async () => {
    const secret = await generated('/api/v1/namespaces/monitoring/secrets/alertmanager-main-generated', 'the operator has generated the Alertmanager config');
    const file = join(work, 'alertmanager.yml');
    writeFileSync(file, gunzipSync(Buffer.from(secret.data['alertmanager.yaml.gz'], 'base64')));
    expect(run(tools.amtool, ['check-config', file])).toContain('SUCCESS');
    const receiverOf = (...labels: string[]) => run(tools.amtool, ['config', 'routes', 'test', `--config.file=${file}`, ...labels]).trim();
    // The operator prefixes receivers with <namespace>/<AlertmanagerConfig name>/.
    expect(receiverOf('alertname=PipelineRunFailed', 'team=analytics', 'severity=critical', 'dag_id=example_etl')).toBe('monitoring/pipewatch-dev-routing/analytics-slack');
    expect(receiverOf('alertname=Watchdog', 'team=platform', 'severity=none')).toBe('monitoring/pipewatch-dev-routing/deadman');
    expect(receiverOf('alertname=PostgresDown', 'team=platform', 'severity=critical')).toBe('monitoring/pipewatch-dev-routing/platform-pager');
    expect(receiverOf('alertname=Watchdog', 'severity=none')).not.toContain('pipewatch-dev-routing');
    const config = parse(readFileSync(file, 'utf8'));
    const pipewatchInhibitions = (example.objects.find((o) => o.kind === 'AlertmanagerConfig')!.spec as any).inhibitRules.length;
    expect(config.inhibit_rules.length).toBeGreaterThanOrEqual(pipewatchInhibitions);
    pass(`k8s operator: alertmanager.yml generated from AlertmanagerConfig passes amtool check-config; team routes reach analytics-slack, deadman, platform-pager; ${pipewatchInhibitions} inhibitions carried`);
  });

  test('THEN the rule files it generates pass promtool with every pipewatch rule, and its scrape config has each monitor with the Docker job name', async () => {
    const rulesMap = await generated('/api/v1/namespaces/monitoring/configmaps/prometheus-main-rulefiles-0', 'the operator has generated the rule files');
    const files = Object.entries(rulesMap.data as Record<string, string>).map(([name, content]) => {
      writeFileSync(join(work, name), content);
      return join(work, name);
    });
    const out = run(tools.promtool, ['check', 'rules', ...files]);
    const found = [...out.matchAll(/SUCCESS: (\d+) rules found/g)].reduce((sum, m) => sum + Number(m[1]), 0);
    const written = example.objects.filter((o) => o.kind === 'PrometheusRule').flatMap((o) => (o.spec as any).groups.flatMap((g: any) => g.rules)).length;
    expect(found).toBe(written);

    const secret = await generated('/api/v1/namespaces/monitoring/secrets/prometheus-main', 'the operator has generated prometheus.yml');
    const config = parse(gunzipSync(Buffer.from(secret.data['prometheus.yaml.gz'], 'base64')).toString('utf8'));
    const jobs = config.scrape_configs.map((c: any) => c.job_name);
    expect(jobs).toEqual(expect.arrayContaining(['serviceMonitor/monitoring/pipewatch-dev-statsd-exporter/0', 'podMonitor/monitoring/pipewatch-dev-airflow-exporter/0']));
    const statsd = config.scrape_configs.find((c: any) => c.job_name === 'serviceMonitor/monitoring/pipewatch-dev-statsd-exporter/0');
    expect(statsd.relabel_configs).toContainEqual(expect.objectContaining({ target_label: 'job', replacement: 'statsd-exporter', action: 'replace' }));
    pass(`k8s operator: ${files.length} rule files generated from ${example.objects.filter((o) => o.kind === 'PrometheusRule').length} PrometheusRules pass promtool check rules (${found} rules); ${jobs.length} scrape jobs from the monitors`);
  });

  test('THEN in those rule files the alerts, in a group of their own, read the thresholds of the team groups: at worst one evaluation late', async () => {
    const rulesMap = await generated('/api/v1/namespaces/monitoring/configmaps/prometheus-main-rulefiles-0', 'the operator has generated the rule files');
    const files = Object.entries(rulesMap.data as Record<string, string>).map(([name, content]) => {
      writeFileSync(join(work, name), content);
      return join(work, name);
    });
    const groupNames: string[] = example.objects.filter((o) => o.kind === 'PrometheusRule').flatMap((o) => (o.spec as any).groups.map((g: any) => g.name));
    expect(groupNames).toEqual(expect.arrayContaining(['pipewatch-pipelines', 'pipewatch-thresholds-analytics-1']));
    const failed = 'ALERTS{alertname="PipelineRunFailed", alertstate="firing"}';
    const unitTest = {
      rule_files: files,
      evaluation_interval: '1m',
      // The worst order: the alerts evaluate before any threshold group has written its records
      // (promtool orders only the groups listed, so all are).
      group_eval_order: ['pipewatch-pipelines', ...groupNames.filter((g) => g !== 'pipewatch-pipelines')],
      tests: [
        {
          interval: '1m',
          input_series: [
            { series: 'pipewatch_dag_last_finished_interval_end_seconds{dag_id="example_etl"}', values: '1700000000+0x10' },
            { series: 'pipewatch_dag_last_run_failed{dag_id="example_etl"}', values: '1+0x10' },
          ],
          promql_expr_test: [
            // First evaluation: no threshold series yet, so no alert (silent, never a wrong page).
            { expr: failed, eval_time: '0m', exp_samples: [] },
            { expr: failed, eval_time: '1m', exp_samples: [{ labels: 'ALERTS{alertname="PipelineRunFailed", alertstate="firing", dag_id="example_etl", severity="critical", team="analytics"}', value: 1 }] },
          ],
        },
      ],
    };
    const file = join(work, 'cross-group.test.yml');
    writeFileSync(file, JSON.stringify(unitTest));
    let out: string;
    try {
      out = run(tools.promtool, ['test', 'rules', file]);
    } catch (e: any) {
      throw new Error(`promtool test rules ${file} failed:\n${String(e.stdout ?? '').slice(0, 6000)}${String(e.stderr ?? '').slice(0, 2000)}`);
    }
    expect(out).toContain('SUCCESS');
    pass('k8s operator: PipelineRunFailed (group pipewatch-pipelines) fires from the threshold groups\' records one evaluation after they are first written (promtool test rules, alerts evaluated first)');
  });
});

describe('GIVEN the k8s target of 1,000 generated pipelines (dashboards left to the grafana-<env> stack)', () => {
  const target = kubernetesTarget({ environment: 'scale', namespace: 'monitoring-scale', pipelines: generatedCatalog(1000, 10), dashboards: false, ...ROUTING, teamRoutes: [] });

  test('WHEN every object is created as kubectl apply would THEN all fit the annotation limit and pass validation', async () => {
    await createNamespace('monitoring-scale');
    const counts = await createAll(target.objects);
    pass(`k8s objects accepted (1000 pipelines, with last-applied annotations): ${describeCounts(counts)}`);
  });
});

describe('GIVEN objects the API server must refuse (the checks above can fail)', () => {
  const [rule] = kubernetesTarget({ environment: 'neg', pipelines: loadPipelineCatalog(DEFAULT_PIPELINES_FILE) }).objects.filter((o) => o.kind === 'PrometheusRule');
  const withGroups = (name: string, groups: unknown) => ({ ...rule, metadata: { ...rule.metadata, name }, spec: { groups } });

  test('WHEN a rule has a misspelt field THEN strict validation rejects it, naming the field', async () => {
    const answer = await create(withGroups('neg-unknown-field', [{ name: 'g', rules: [{ alrt: 'X', expr: 'vector(1)' }] }]) as KubeObject);
    expect(answer.status).toBe(400);
    expect(answer.body.message).toContain('unknown field "spec.groups[0].rules[0].alrt"');
  });

  test("WHEN a rule's `for` is not a duration THEN the CRD schema rejects it", async () => {
    const answer = await create(withGroups('neg-bad-duration', [{ name: 'g', rules: [{ alert: 'X', expr: 'vector(1)', for: '5 minutes' }] }]) as KubeObject);
    expect(answer.status).toBe(422);
    expect(answer.body.message).toContain('spec.groups[0].rules[0].for');
  });

  test('WHEN the last-applied annotation would exceed 262,144 bytes THEN the server refuses the object', async () => {
    const huge = withGroups('neg-too-big', [{ name: 'g', rules: [{ alert: 'X', expr: 'vector(1)', annotations: { description: 'x'.repeat(ANNOTATION_LIMIT_BYTES) } }] }]) as KubeObject;
    const answer = await create(huge);
    expect(answer.status).toBe(422);
    expect(answer.body.message).toMatch(/metadata.annotations: Too long: may not be (longer|more) than 262144/);
  });
});

describe('GIVEN the AlertmanagerConfig child routes, which the CRD leaves unchecked (x-kubernetes-preserve-unknown-fields)', () => {
  test('THEN offline, every child route uses only the fields and matcher types of the CRD route schema', () => {
    const crd = crdFiles().find((c) => c.crd.spec.names.kind === 'AlertmanagerConfig')!.crd;
    const route = crd.spec.versions.find((v: any) => v.name === 'v1alpha1').schema.openAPIV3Schema.properties.spec.properties.route;
    const routeFields = Object.keys(route.properties);
    const matcher = route.properties.matchers.items;
    const problems: string[] = [];
    const check = (r: any, at: string) => {
      for (const key of Object.keys(r)) if (!routeFields.includes(key)) problems.push(`${at}.${key} is not a route field`);
      for (const [i, m] of (r.matchers ?? []).entries()) {
        for (const key of Object.keys(m)) if (!(key in matcher.properties)) problems.push(`${at}.matchers[${i}].${key} is not a matcher field`);
        if (!matcher.properties.matchType.enum.includes(m.matchType)) problems.push(`${at}.matchers[${i}].matchType ${m.matchType}`);
      }
      (r.routes ?? []).forEach((child: any, i: number) => check(child, `${at}.routes[${i}]`));
    };
    const target = kubernetesTarget({ environment: 'dev', pipelines: loadPipelineCatalog(DEFAULT_PIPELINES_FILE), ...ROUTING });
    const routes = target.objects.filter((o) => o.kind === 'AlertmanagerConfig').map((o) => (o.spec as any).route).filter(Boolean);
    routes.forEach((r, i) => check(r, `route ${i}`));
    expect(problems).toEqual([]);
    expect(routes[0].routes).toHaveLength(3);
    pass(`k8s offline check: ${routes[0].routes.length} AlertmanagerConfig child routes match the CRD route schema`);
  });
});
