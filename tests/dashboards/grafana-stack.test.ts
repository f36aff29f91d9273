import { readdirSync, readFileSync } from 'fs';
import { join } from 'path';
import { App, Testing } from 'cdktf';
// Types of the matchers tests/setup.ts registers (toHaveResourceWithProperties…).
import type {} from 'cdktf/lib/testing/adapters/jest';
import { PipewatchValidationError } from '../../content/validation';
import { Dashboard, DataSource, Folder } from '../../constructs/grafana-provider';
import { ALERTMANAGER_DATASOURCE, LOKI_DATASOURCE, PROMETHEUS_DATASOURCE } from '../../content/grafana/datasources';
import { GENERATED_PATH } from '../../dashboards/serialize';
import { GrafanaStack, GrafanaStackProps } from '../../stacks/grafana';
import { DEFAULT_PIPELINES_FILE, loadPipelineCatalog } from '../../content/pipeline/catalog';

const EXAMPLE_PIPELINES = loadPipelineCatalog(DEFAULT_PIPELINES_FILE);

type Json = Record<string, any>;

const PROPS: GrafanaStackProps = {
  grafanaUrl: 'https://pipewatch.grafana.net',
  datasourceUrls: { prometheus: 'https://prometheus.internal:9090', loki: 'https://loki.internal:3100', alertmanager: 'https://alertmanager.internal:9093' },
  pipelines: EXAMPLE_PIPELINES,
};

function synth(props: Partial<GrafanaStackProps> = {}, app: App = Testing.app()): string {
  return Testing.synth(new GrafanaStack(app, 'grafana-cloud', { ...PROPS, ...props }));
}

describe('GIVEN an existing Grafana and the example pipelines', () => {
  const synthesized = synth();
  const out: Json = JSON.parse(synthesized);

  test('WHEN synthesized THEN the provider targets that Grafana with the token from a sensitive variable', () => {
    expect(out.provider.grafana).toEqual([{ url: PROPS.grafanaUrl, auth: '${var.grafana_auth}' }]);
    expect(out.variable.grafana_auth).toMatchObject({ type: 'string', sensitive: true });
  });

  test('WHEN synthesized THEN the datasources carry the same fixed UIDs the dashboards query', () => {
    for (const ds of [PROMETHEUS_DATASOURCE, LOKI_DATASOURCE, ALERTMANAGER_DATASOURCE]) {
      expect(synthesized).toHaveResourceWithProperties(DataSource, { uid: ds.uid, type: ds.type, name: ds.name, access_mode: 'proxy' });
    }
    expect(synthesized).toHaveResourceWithProperties(DataSource, { uid: 'pipewatch-prometheus', url: PROPS.datasourceUrls.prometheus });
  });

  test('WHEN synthesized THEN the Alertmanager datasource speaks the Prometheus Alertmanager API', () => {
    expect(JSON.parse(out.resource.grafana_data_source['datasource-alertmanager'].json_data_encoded)).toEqual({ implementation: 'prometheus', handleGrafanaManagedAlerts: false });
  });

  test('WHEN synthesized THEN the dashboards go into the pipewatch folder', () => {
    expect(synthesized).toHaveResourceWithProperties(Folder, { title: 'pipewatch', uid: 'pipewatch' });
    for (const d of Object.values(out.resource.grafana_dashboard) as Json[]) expect(d.folder).toBe('${grafana_folder.folder.uid}');
  });

  test('WHEN synthesized THEN there is one dashboard per committed dashboard file, with exactly its JSON', () => {
    // The reviewed files in dashboards/generated (tests/dashboards/generated.test.ts keeps them up to date).
    const expected = new Map(readdirSync(GENERATED_PATH).filter((f) => f.endsWith('.json')).map((f) => [f, readFileSync(join(GENERATED_PATH, f), 'utf8')]));
    const delivered = new Map(
      (Object.values(out.resource.grafana_dashboard) as Json[]).map((d) => {
        const json = d.config_json.replace(/\$\$\{/g, '${');
        return [`${JSON.parse(json).uid}.json`, json];
      }),
    );
    expect(delivered).toEqual(expected);
  });

  test('WHEN synthesized THEN every dashboard waits for the datasources and overwrites its own earlier copy', () => {
    expect(synthesized).toHaveResourceWithProperties(Dashboard, { overwrite: true, depends_on: expect.arrayContaining(['grafana_data_source.datasource-loki']) });
  });
});

describe('GIVEN a Grafana token in the environment at synth time', () => {
  const token = 'glsa_pipewatchTestToken_0123456789abcdef';
  const saved = { ...process.env };
  afterAll(() => {
    process.env = saved;
  });

  test('WHEN synthesized THEN the token appears nowhere in the output', () => {
    process.env.TF_VAR_grafana_auth = token;
    process.env.GRAFANA_AUTH = token;
    const synthesized = synth({ datasourceBasicAuthUsers: { prometheus: '123456' } });
    expect(synthesized).not.toContain(token);
    expect(synthesized).not.toMatch(/glsa_/);
  });
});

describe('GIVEN a datasource that needs basic auth (e.g. Grafana Cloud metrics)', () => {
  const out: Json = JSON.parse(synth({ datasourceBasicAuthUsers: { prometheus: '123456' } }));

  test('WHEN synthesized THEN the password is a sensitive variable referenced from the secure JSON data', () => {
    expect(out.variable.prometheus_basic_auth_password).toMatchObject({ type: 'string', sensitive: true });
    expect(out.resource.grafana_data_source['datasource-prometheus']).toMatchObject({
      basic_auth_enabled: true,
      basic_auth_username: '123456',
      secure_json_data_encoded: '${jsonencode({"basicAuthPassword" = var.prometheus_basic_auth_password})}',
    });
  });

  test('WHEN other datasources need none THEN they get no auth settings and no variable', () => {
    expect(out.resource.grafana_data_source['datasource-loki'].basic_auth_enabled).toBeUndefined();
    expect(out.variable.loki_basic_auth_password).toBeUndefined();
  });
});

describe('GIVEN bad delivery settings', () => {
  test('WHEN the Grafana URL has no scheme THEN synth fails naming the construct path, the value and the fix', () => {
    expect(() => synth({ grafanaUrl: 'pipewatch.grafana.net' })).toThrow(PipewatchValidationError);
    expect(() => synth({ grafanaUrl: 'pipewatch.grafana.net' })).toThrow(
      'grafana-cloud: invalid grafanaUrl "pipewatch.grafana.net". Use an absolute http:// or https:// URL without credentials, query or fragment, e.g. "https://example.grafana.net" or "http://prometheus:9090".',
    );
  });

  test('WHEN the Grafana URL carries credentials THEN synth refuses it rather than writing them into the output', () => {
    expect(() => synth({ grafanaUrl: 'https://admin:secret@grafana.example.com' })).toThrow(/invalid grafanaUrl/);
  });

  test('WHEN a datasource URL is not http(s) THEN the error names which datasource', () => {
    expect(() => synth({ datasourceUrls: { ...PROPS.datasourceUrls, loki: 'loki:3100' } })).toThrow('grafana-cloud: invalid datasourceUrls.loki "loki:3100".');
  });

  test('WHEN the folder uid breaks Grafana’s uid rule THEN the error shows a valid example', () => {
    expect(() => synth({ folder: { title: 'Pipelines', uid: 'pipe watch' } })).toThrow('grafana-cloud: invalid folder.uid "pipe watch". Use 1-40 letters, digits, dashes or underscores, e.g. "pipewatch".');
  });
});
