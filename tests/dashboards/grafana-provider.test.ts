import { TerraformMetaArguments, TerraformStack, Testing, TerraformVariable } from 'cdktf';
import { Construct } from 'constructs';
import {
  Dashboard,
  DashboardProps,
  DataSource,
  DataSourceProps,
  Folder,
  FolderProps,
  GRAFANA_PROVIDER_SOURCE,
  GrafanaProvider,
  GrafanaProviderProps,
} from '../../constructs/grafana-provider';
import documented from './grafana-provider-schema.json';

type Json = Record<string, any>;
/** Every prop a binding offers, so the compiler fails this test when a new prop is not exercised here. */
type EveryAttribute<P> = Required<Omit<P, keyof TerraformMetaArguments>>;

const provider: Required<GrafanaProviderProps> = { url: 'https://grafana.example.com/', auth: 'from-a-variable', alias: 'target' };
const everyFolderProp: EveryAttribute<FolderProps> = { title: 'pipewatch', uid: 'pipewatch', parentFolderUid: 'observability', preventDestroyIfNotEmpty: true, orgId: '1' };
const everyDataSourceProp: EveryAttribute<DataSourceProps> = {
  type: 'prometheus',
  name: 'pipewatch Prometheus',
  uid: 'pipewatch-prometheus',
  url: 'http://prometheus:9090',
  accessMode: 'proxy',
  isDefault: false,
  basicAuthEnabled: true,
  basicAuthUsername: 'reader',
  databaseName: 'metrics',
  username: 'reader',
  jsonDataEncoded: '{"httpMethod":"POST"}',
  secureJsonDataEncoded: '{"basicAuthPassword":"from-a-variable"}',
  httpHeaders: { 'X-Scope-OrgID': 'pipewatch' },
  privateDataSourceConnectNetworkId: 'pdc-1',
  orgId: '1',
};
const everyDashboardProp: EveryAttribute<DashboardProps> = { configJson: '{"uid":"x","title":"X"}', folder: 'pipewatch', overwrite: true, message: 'review #1', orgId: '1' };

function synth(define: (scope: Construct) => void): Json {
  return JSON.parse(Testing.synthScope(define));
}

const JS_TYPE_OF: Readonly<Record<string, string>> = { string: 'string', boolean: 'boolean', number: 'number', map: 'object', set: 'object' };

function undocumented(attributes: Json, schema: { arguments: Json }, allowed: readonly string[] = []): string[] {
  return Object.entries(attributes)
    .filter(([name, value]) => !allowed.includes(name) && (schema.arguments[name] === undefined || typeof value !== JS_TYPE_OF[schema.arguments[name].type]))
    .map(([name, value]) => `${name}: ${typeof value}`);
}

function requiredOf(schema: { arguments: Json }): string[] {
  return Object.entries(schema.arguments)
    .filter(([, a]) => a.required)
    .map(([name]) => name);
}

describe('GIVEN the documented schema of the grafana/grafana provider', () => {
  const resources = documented.resources as Record<string, { arguments: Json }>;

  test.each([
    ['grafana_folder', (s: Construct) => new Folder(s, 'r', everyFolderProp)],
    ['grafana_data_source', (s: Construct) => new DataSource(s, 'r', everyDataSourceProp)],
    ['grafana_dashboard', (s: Construct) => new Dashboard(s, 'r', everyDashboardProp)],
  ])('WHEN %s is synthesized with every prop set THEN each attribute is a documented argument of the documented type', (type, define) => {
    const attributes = synth(define).resource[type].r;
    expect(Object.keys(attributes).length).toBe(Object.keys(resources[type].arguments).length);
    expect(undocumented(attributes, resources[type])).toEqual([]);
  });

  test.each([
    ['grafana_folder', (s: Construct) => new Folder(s, 'r', { title: 'pipewatch' })],
    ['grafana_data_source', (s: Construct) => new DataSource(s, 'r', { type: 'loki', name: 'pipewatch Loki' })],
    ['grafana_dashboard', (s: Construct) => new Dashboard(s, 'r', { configJson: '{}' })],
  ])('WHEN %s is synthesized with only its required props THEN every required argument is set and nothing else', (type, define) => {
    expect(Object.keys(synth(define).resource[type].r).sort()).toEqual(requiredOf(resources[type]).sort());
  });

  test('WHEN the provider is synthesized THEN it uses only documented arguments and pins the provider source and major version', () => {
    const out = synth((s) => new GrafanaProvider(s, 'grafana', provider));
    const [block] = out.provider.grafana;
    expect(undocumented(block, documented.provider.grafana, documented.provider.grafana.metaArguments)).toEqual([]);
    expect(block).toEqual({ url: provider.url, auth: provider.auth, alias: 'target' });
    expect(out.terraform.required_providers.grafana).toEqual({ source: GRAFANA_PROVIDER_SOURCE, version: '~> 4.0' });
  });

  test('WHEN the fixture lists secrets THEN the provider token and the secure JSON data are among them', () => {
    expect(documented.provider.grafana.arguments.auth.sensitive).toBe(true);
    expect(documented.resources.grafana_data_source.arguments.secure_json_data_encoded.sensitive).toBe(true);
  });
});

describe('GIVEN dashboard JSON that uses Grafana variables', () => {
  test('WHEN synthesized THEN `${…}` is escaped so Terraform keeps it literal, and unescaping gives the JSON back', () => {
    const json = '{"url":"/d/x?var-dag_id=${__data.fields.dag_id}&${__url_time_range}","text":"%{not a directive}"}';
    const attributes = synth((s) => new Dashboard(s, 'r', { configJson: json })).resource.grafana_dashboard.r;
    expect(attributes.config_json).toBe('{"url":"/d/x?var-dag_id=$${__data.fields.dag_id}&$${__url_time_range}","text":"%%{not a directive}"}');
    expect(attributes.config_json.replace(/\$\$\{/g, '${').replace(/%%\{/g, '%{')).toBe(json);
  });

  test('WHEN the JSON comes from a Terraform expression THEN it is passed through for Terraform to evaluate', () => {
    const attributes = synth((s) => {
      const file = new TerraformVariable(s, 'dashboard_json', { type: 'string' });
      new Dashboard(s, 'r', { configJson: file.stringValue });
    }).resource.grafana_dashboard.r;
    expect(attributes.config_json).toBe('${var.dashboard_json}');
  });
});

describe('GIVEN a stack rendered as HCL', () => {
  test('WHEN the bindings synthesize HCL THEN the same documented attributes appear', () => {
    class HclStack extends TerraformStack {
      constructor(scope: Construct) {
        super(scope, 'hcl');
        new GrafanaProvider(this, 'grafana', provider);
        new Folder(this, 'folder', everyFolderProp);
      }
    }
    const hcl = String(Testing.synthHcl(new HclStack(Testing.app())));
    expect(hcl).toMatch(/resource "grafana_folder" "folder" \{/);
    for (const name of Object.keys(documented.resources.grafana_folder.arguments)) expect(hcl).toMatch(new RegExp(`\\b${name}\\s+=`));
  });
});
