import { readdirSync, readFileSync } from 'fs';
import { join } from 'path';
import { parse } from 'yaml';
import { Receiver } from '../../content/alertmanager/receivers';
import { ANNOTATION_LIMIT_BYTES, KubeObject } from '../../content/kubernetes/objects';
import { DEFAULT_PIPELINES_FILE, loadPipelineCatalog } from '../../content/pipeline/catalog';
import { kubernetesTarget } from '../../stacks/kubernetes';
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
  return `${base}/namespaces/${o.metadata.namespace}/${o.kind.toLowerCase()}s`;
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
    const rule = target.objects.find((o) => o.kind === 'PrometheusRule' && o.metadata.name.includes('pipelines-analytics'))!;
    expect((await api.request('GET', `${collectionPath(rule)}/${rule.metadata.name}`)).body.spec).toEqual(rule.spec);
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
