import { createHash } from 'crypto';
import { readFileSync, readdirSync } from 'fs';
import { join } from 'path';
import { parse } from 'yaml';
import { DEFAULT_IMAGES } from '../../constructs/core/images';
import { Upload, container, containers, synthLocal, uploaded } from '../support/synth';

const SERVICES = [
  'postgres', 'redis',
  'airflow-init', 'airflow-api-server', 'airflow-scheduler', 'airflow-dag-processor', 'airflow-triggerer', 'airflow-worker',
  'statsd-exporter', 'postgres-exporter', 'redis-exporter', 'cadvisor',
  'prometheus', 'loki', 'otel-collector', 'grafana', 'metrics-app', 'airflow-exporter',
];

describe('GIVEN the local Docker stack for environment "dev"', () => {
  const { json, text } = synthLocal();
  const all = containers(json);

  test('THEN every service of the stack is a container named with the environment prefix', () => {
    expect(all.map((c) => c.name).sort()).toEqual(expect.arrayContaining(SERVICES.map((s) => `dev-${s}`)));
    for (const c of all) expect(c.name).toMatch(/^dev-/);
  });

  test('THEN every long-running container has a healthcheck, a restart policy and waits to be healthy on deploy', () => {
    for (const c of all.filter((x) => !['dev-airflow-init', 'dev-postgres-setup'].includes(x.name))) {
      expect({ name: c.name, test: c.healthcheck?.test?.length > 1 }).toEqual({ name: c.name, test: true });
      expect({ name: c.name, restart: c.restart, wait: c.wait }).toEqual({ name: c.name, restart: 'unless-stopped', wait: true });
    }
  });

  test('THEN the Airflow init job runs once to completion before the other Airflow components', () => {
    const init = container(json, 'dev-airflow-init');
    expect(init).toMatchObject({ restart: 'no', attach: true, must_run: false });
    expect(init.command.join(' ')).toContain('airflow db migrate');
    for (const name of ['api-server', 'scheduler', 'dag-processor', 'triggerer', 'worker']) {
      expect(container(json, `dev-airflow-${name}`).depends_on.join()).toContain('Airflow_init');
    }
  });

  test('THEN every container is on the one private network of the environment', () => {
    const networks = Object.values(json.resource.docker_network);
    expect(networks).toHaveLength(1);
    expect(networks[0].name).toBe('dev-net');
    for (const c of all) expect(c.networks_advanced).toHaveLength(1);
  });

  test('THEN published ports bind to 127.0.0.1 only', () => {
    const published = all.flatMap((c) => c.ports ?? []);
    expect(published.length).toBeGreaterThanOrEqual(4);
    for (const p of published) expect(p.ip).toBe('127.0.0.1');
  });

  test('THEN every image is pinned, and the simulator is built from metrics-app/', () => {
    for (const image of Object.values(json.resource.docker_image)) {
      expect(image.name).not.toMatch(/:latest$/);
      expect(image.name).toMatch(/:[\w.-]+$/);
      expect(image.keep_locally).toBe(true);
    }
    const simulator = Object.values(json.resource.docker_image).find((i) => i.name === DEFAULT_IMAGES.metricsApp);
    expect(simulator?.build).toMatchObject({ dockerfile: 'metrics-app/Dockerfile' });
    expect(simulator?.triggers?.source_hash).toMatch(/^[0-9a-f]{16}$/);
  });

  test('THEN every volume belongs to the environment', () => {
    const volumes = Object.values(json.resource.docker_volume).map((v) => v.name);
    expect(volumes).toEqual(expect.arrayContaining(['dev-postgres-data', 'dev-prometheus-data', 'dev-loki-data', 'dev-grafana-data', 'dev-airflow-logs']));
    for (const v of volumes) expect(v).toMatch(/^dev-/);
  });

  test('THEN every secret file is filled from a generated value, never from a literal', () => {
    const secretUploads = all.flatMap((c) => (c.upload as Upload[]).filter((u) => u.file.startsWith('/run/secrets/')));
    expect(secretUploads.length).toBeGreaterThanOrEqual(15);
    for (const u of secretUploads) expect({ file: u.file, ref: /\$\{[^}]*\b(random_password|random_bytes)\./.test(u.content ?? '') }).toEqual({ file: u.file, ref: true });
    expect(Object.keys(json.resource.random_password).length).toBeGreaterThanOrEqual(8);
  });

  test('THEN no password is passed in an environment variable or as a default credential', () => {
    const env = all.flatMap((c) => (c.env ?? []) as string[]);
    for (const e of env) expect(e).not.toMatch(/^[A-Z_]*(PASSWORD|SECRET|FERNET_KEY|TOKEN)[A-Z_]*=(?!.*\/run\/secrets\/)/);
    expect(text).not.toMatch(/admin\/admin|"admin:admin"|GF_SECURITY_ADMIN_PASSWORD=/);
    expect(container(json, 'dev-grafana').env).toContain('GF_SECURITY_ADMIN_PASSWORD__FILE=/run/secrets/grafana_admin_password');
  });

  test('THEN Airflow sends StatsD with tags to the statsd-exporter and reads each secret setting from its file', () => {
    const env = container(json, 'dev-airflow-scheduler').env as string[];
    expect(env).toEqual(expect.arrayContaining([
      'AIRFLOW__CORE__EXECUTOR=CeleryExecutor',
      'AIRFLOW__METRICS__STATSD_ON=True',
      'AIRFLOW__METRICS__STATSD_HOST=statsd-exporter',
      'AIRFLOW__METRICS__STATSD_PORT=9125',
      'AIRFLOW__METRICS__STATSD_PREFIX=airflow',
      'AIRFLOW__METRICS__STATSD_INFLUXDB_ENABLED=True',
      'AIRFLOW__DATABASE__SQL_ALCHEMY_CONN_CMD=cat /run/secrets/airflow_sql_alchemy_conn',
      'AIRFLOW__CORE__FERNET_KEY_CMD=cat /run/secrets/airflow_fernet_key',
    ]));
  });

  test('THEN the DAG folder of the repository is mounted read-only into the Airflow components', () => {
    const dags = (container(json, 'dev-airflow-worker').volumes as any[]).find((v) => v.container_path === '/opt/airflow/dags');
    expect(dags).toMatchObject({ read_only: true });
    expect(dags.host_path).toMatch(/airflow\/dags$/);
  });

  test('THEN prometheus.yml scrapes every exporter, the simulator and the monitoring services', () => {
    const config = parse(uploaded(container(json, 'dev-prometheus'), '/etc/prometheus/prometheus.yml'));
    const jobs = Object.fromEntries(config.scrape_configs.map((s: any) => [s.job_name, s.static_configs[0].targets]));
    expect(jobs).toEqual({
      prometheus: ['prometheus:9090'], alertmanager: ['alertmanager:9093'], 'statsd-exporter': ['statsd-exporter:9102'],
      'postgres-exporter': ['postgres-exporter:9187'], 'redis-exporter': ['redis-exporter:9121'], cadvisor: ['cadvisor:8080'],
      loki: ['loki:3100'], 'otel-collector': ['otel-collector:8888'], grafana: ['grafana:3000'], 'metrics-app': ['metrics-app:8000'],
      'airflow-exporter': ['airflow-exporter:9112'],
    });
    expect(config.global.external_labels).toEqual({ environment: 'dev' });
  });

  test("THEN the Airflow state exporter reads Airflow's database as a read-only role whose password is a mounted file", () => {
    const exporter = container(json, 'dev-airflow-exporter');
    expect(exporter.env).toEqual(expect.arrayContaining([
      'PGHOST=postgres', 'PGPORT=5432', 'PGDATABASE=airflow', 'PGUSER=airflow_exporter',
      'PGPASSWORD_FILE=/run/secrets/airflow_exporter_password', 'PORT=9112',
    ]));
    expect(exporter.ports ?? []).toEqual([]);
    expect(exporter.depends_on).toEqual([expect.stringMatching(/^docker_container\.Monitoring_Postgres_Setup_/)]);
    const script = uploaded(container(json, 'dev-postgres-setup'), '/etc/pipewatch/postgres-setup.sh');
    expect(script).toContain('GRANT SELECT ON ALL TABLES IN SCHEMA public TO airflow_exporter;');
    expect(script).toContain('ALTER DEFAULT PRIVILEGES FOR ROLE airflow IN SCHEMA public GRANT SELECT ON TABLES TO airflow_exporter;');
    expect(script).not.toMatch(/GRANT (ALL|INSERT|UPDATE|DELETE)[^;]*TO airflow_exporter/);
  });

  test('THEN the statsd-exporter gets the mapping rendered from the metric catalog', () => {
    const mapping = parse(uploaded(container(json, 'dev-statsd-exporter'), '/etc/statsd-exporter/mapping.yml'));
    expect(mapping.mappings).toEqual(expect.arrayContaining([
      { match: 'airflow.dagrun.duration.success', name: 'airflow_dagrun_duration', help: 'Duration of successful DAG runs', labels: { run_type: '' } },
      { match: '^airflow\\.dagrun\\.duration\\.success\\..+$', match_type: 'regex', action: 'drop', name: 'dropped' },
      { match: 'airflow.task.duration', name: 'airflow_task_duration', help: 'Task instance duration' },
      { match: '^airflow\\.dag\\..+\\.duration$', match_type: 'regex', action: 'drop', name: 'dropped' },
    ]));
    // Every drop rule comes before the first mapping rule.
    const firstMapped = mapping.mappings.findIndex((m: { action?: string }) => m.action !== 'drop');
    expect(mapping.mappings.slice(firstMapped).filter((m: { action?: string }) => m.action === 'drop')).toEqual([]);
  });

  test('THEN a one-shot postgres-setup job creates the roles and databases after PostgreSQL is healthy, before any client starts', () => {
    const setup = container(json, 'dev-postgres-setup');
    expect(setup).toMatchObject({ restart: 'no', attach: true, must_run: false });
    expect(setup.depends_on).toEqual([expect.stringMatching(/^docker_container\.Monitoring_Postgres_/)]);
    const script = uploaded(setup, '/etc/pipewatch/postgres-setup.sh');
    expect(script).toContain("\\set airflow_password `cat /run/secrets/airflow_password`");
    expect(script).toContain("ALTER ROLE airflow LOGIN PASSWORD :'airflow_password';");
    for (const client of ['airflow-init', 'metrics-app', 'postgres-exporter', 'grafana']) {
      expect({ client, dependsOn: container(json, `dev-${client}`).depends_on }).toEqual({ client, dependsOn: expect.arrayContaining([expect.stringMatching(/^docker_container\.Monitoring_Postgres_Setup_/)]) });
    }
  });

  test('THEN config files are uploaded from the stack directory by path and SHA-256, their text never in the configuration', () => {
    const configUploads = all.flatMap((c) => (c.upload as Upload[]).filter((u) => !u.file.startsWith('/run/secrets/')).map((u) => ({ container: c, u })));
    expect(configUploads.length).toBeGreaterThanOrEqual(15);
    for (const { container: c, u } of configUploads) {
      expect({ file: u.file, content: u.content, source: u.source }).toEqual({ file: u.file, content: undefined, source: `assets/config-files/${c.name}${u.file}` });
      expect(u.source_hash).toBe(createHash('sha256').update(uploaded(c, u.file)).digest('hex'));
    }
    const grafana = container(json, 'dev-grafana');
    const dashboard = uploaded(grafana, '/etc/grafana/dashboards/pipewatch/pipewatch-pipeline-detail.json');
    expect(dashboard).toContain('${');
    expect(text).not.toContain(JSON.parse(dashboard).title);
    expect(text).not.toContain('PipelineRunFailed');
  });

  test('THEN Grafana provisions the Prometheus, Loki, Alertmanager and Postgres datasources, reading the Postgres password from a file', () => {
    const ds = parse(uploaded(container(json, 'dev-grafana'), '/etc/grafana/provisioning/datasources/pipewatch.yml')).datasources;
    expect(ds.map((d: any) => d.type).sort()).toEqual(['alertmanager', 'grafana-postgresql-datasource', 'loki', 'prometheus']);
    expect(ds.find((d: any) => d.type === 'grafana-postgresql-datasource').secureJsonData.password).toBe('$__file{/run/secrets/grafana_history_reader_password}');
  });

  test("THEN the OpenTelemetry Collector ships this environment's container logs and the Airflow task logs to Loki's OTLP endpoint", () => {
    const shipper = container(json, 'dev-otel-collector');
    const config = parse(uploaded(shipper, '/etc/otelcol-contrib/config.yaml'));
    expect(config.exporters['otlphttp/loki'].endpoint).toBe('http://loki:3100/otlp');
    expect(config.exporters['otlphttp/loki'].sending_queue).toMatchObject({ enabled: true, storage: 'file_storage' });
    expect(config.receivers['filelog/containers'].include).toEqual(['/var/lib/docker/containers/*/*-json.log']);
    expect(config.receivers['filelog/containers'].operators[1].expr).toBe('attributes["attrs"]?.["pipewatch.environment"] != "dev"');
    expect(config.receivers['filelog/airflow_tasks'].include).toEqual(['/var/log/airflow/dag_id=*/**/*.log']);
    expect(config.service.pipelines.logs.receivers).toEqual(['filelog/containers', 'filelog/airflow_tasks']);
    expect(shipper.volumes).toEqual(expect.arrayContaining([expect.objectContaining({ host_path: '/var/lib/docker/containers', container_path: '/var/lib/docker/containers', read_only: true })]));
    expect(shipper.healthcheck.test).toEqual(['CMD', '/otelcol-contrib', 'validate', '--config=http://127.0.0.1:13133/']);
    // Lines the receivers read reach the persistent queue before their checkpoint moves past them.
    expect(shipper.command).toEqual(['--config=/etc/otelcol-contrib/config.yaml', '--feature-gates=stanza.synchronousLogEmitter']);
  });

  test('THEN every container logs to json-file with its name and environment on each line, for the shipper to read without the Docker socket', () => {
    for (const c of containers(json)) expect([c.name, c.log_driver, c.log_opts]).toEqual([c.name, 'json-file', { tag: '{{.Name}}', labels: 'pipewatch.environment', 'max-size': '20m', 'max-file': '5' }]);
  });

  test('THEN Loki indexes dag_id and task_id of the OTLP task logs on top of its default labels', () => {
    const loki = parse(uploaded(container(json, 'dev-loki'), '/etc/loki/pipewatch.yml'));
    expect(loki.limits_config.otlp_config).toEqual({ resource_attributes: { ignore_defaults: false, attributes_config: [{ action: 'index_label', attributes: ['dag_id', 'task_id'] }] } });
  });
});

describe('GIVEN two environments on one Docker host', () => {
  const dev = synthLocal({ environment: 'dev' }).json;
  const pr = synthLocal({ environment: 'pr-123', hostPortOffset: 10000 }).json;

  test('THEN no container, network, volume or host port is shared between them', () => {
    const names = (j: typeof dev) => [
      ...containers(j).map((c) => c.name),
      ...Object.values(j.resource.docker_volume).map((v) => v.name),
      ...Object.values(j.resource.docker_network).map((n) => n.name),
    ];
    const ports = (j: typeof dev) => containers(j).flatMap((c) => (c.ports ?? []).map((p: any) => p.external));
    expect(names(dev).filter((n) => names(pr).includes(n))).toEqual([]);
    expect(ports(dev).filter((p) => ports(pr).includes(p))).toEqual([]);
    expect(container(pr, 'pr-123-grafana').ports[0].external).toBe(13000);
  });

  test("THEN Prometheus and Alertmanager put their own environment's published URL into alert and notification links", () => {
    const externalUrl = (j: typeof dev, name: string) => (container(j, name).command as string[]).find((a) => a.startsWith('--web.external-url='));
    expect(externalUrl(dev, 'dev-prometheus')).toBe('--web.external-url=http://localhost:9090');
    expect(externalUrl(dev, 'dev-alertmanager')).toBe('--web.external-url=http://localhost:9093');
    expect(externalUrl(pr, 'pr-123-prometheus')).toBe('--web.external-url=http://localhost:19090');
    expect(externalUrl(pr, 'pr-123-alertmanager')).toBe('--web.external-url=http://localhost:19093');
  });
});

describe('GIVEN the local stack with its dashboards', () => {
  const { json } = synthLocal();
  const grafana = container(json, 'dev-grafana');

  test('THEN every dashboard is provisioned as the same JSON that is committed under dashboards/generated', () => {
    const dir = join(__dirname, '../../dashboards/generated');
    const files = readdirSync(dir).filter((f: string) => f.endsWith('.json'));
    expect(files.length).toBe(11);
    for (const file of files) {
      const provisioned = JSON.parse(uploaded(grafana, `/etc/grafana/dashboards/pipewatch/${file}`));
      expect(provisioned).toEqual(JSON.parse(readFileSync(join(dir, file), 'utf8')));
    }
  });
});

describe('GIVEN an environment whose UIs are served under hostnames, with an existing Grafana', () => {
  const publicUrls = { grafana: 'https://grafana.example.com', prometheus: 'https://prometheus.example.com', alertmanager: 'https://alertmanager.example.com' };
  const { json } = synthLocal({ grafana: false, publicUrls });
  const externalUrl = (name: string) => (container(json, name).command as string[]).find((a) => a.startsWith('--web.external-url='));

  test("THEN every alert's dashboard link starts with that Grafana's URL", () => {
    const rules = parse(uploaded(container(json, 'dev-prometheus'), '/etc/prometheus/rules/pipelines.yml'));
    const links = rules.groups.flatMap((g: any) => g.rules).flatMap((r: any) => (r.annotations?.dashboard_url ? [r.annotations.dashboard_url] : []));
    expect(links.length).toBeGreaterThan(0);
    for (const link of links) expect(link).toMatch(/^https:\/\/grafana\.example\.com\/d\//);
  });

  test('THEN Prometheus and Alertmanager link to their public URLs', () => {
    expect(externalUrl('dev-prometheus')).toBe('--web.external-url=https://prometheus.example.com');
    expect(externalUrl('dev-alertmanager')).toBe('--web.external-url=https://alertmanager.example.com');
  });

  test('WHEN a public URL is not a URL THEN synth fails naming the construct, the value and the fix', () => {
    expect(() => synthLocal({ publicUrls: { grafana: 'grafana.example.com' } })).toThrow(
      /^test\/Monitoring: invalid publicUrls\.grafana "grafana\.example\.com"\. Use an absolute http:\/\/ or https:\/\/ URL/,
    );
  });
});
