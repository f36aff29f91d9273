import { Testing } from 'cdktf';
import { Duration } from '../../content/duration';
import { parse } from 'yaml';
import { DEFAULT_PIPELINES_FILE, loadPipelineCatalog } from '../../content/pipeline/catalog';
import { LocalDockerStack } from '../../stacks/local-docker';
import { RemoteDockerStack } from '../../stacks/remote-docker';
import { container, synthToFiles, uploaded } from '../support/synth';
import { join } from 'path';

const EXAMPLE_PIPELINES = loadPipelineCatalog(DEFAULT_PIPELINES_FILE);

describe('GIVEN a stack whose Prometheus gets a scrape target and a rule file after construction', () => {
  const stack = new LocalDockerStack(Testing.app(), 'test', { environment: 'dev', pipelines: EXAMPLE_PIPELINES });
  stack.monitoring.prometheus.addScrapeTarget({ job: 'warehouse-exporter', targets: ['warehouse:9100'] });
  stack.monitoring.prometheus.addRuleFile('custom.yml', () => 'groups: []\n');
  const json: any = synthToFiles(stack).json;
  const prometheus = container(json, 'dev-prometheus');

  test('THEN the rendered prometheus.yml includes the late target and rule file', () => {
    const config = parse(uploaded(prometheus, '/etc/prometheus/prometheus.yml'));
    expect(config.scrape_configs.map((s: any) => s.job_name)).toContain('warehouse-exporter');
    expect(config.rule_files).toContain('/etc/prometheus/rules/custom.yml');
    expect(uploaded(prometheus, '/etc/prometheus/rules/custom.yml')).toBe('groups: []\n');
  });

  test('WHEN the same job is added twice THEN it fails naming Prometheus and the job', () => {
    expect(() => stack.monitoring.prometheus.addScrapeTarget({ job: 'warehouse-exporter', targets: ['x:1'] })).toThrow(
      'test/Monitoring/Prometheus: invalid scrape job "warehouse-exporter"',
    );
  });
});

describe('GIVEN the remote Docker host stack', () => {
  const stack = new RemoteDockerStack(Testing.app(), 'remote', {
    environment: 'prod',
    pipelines: EXAMPLE_PIPELINES,
    dagsDir: join(__dirname, '../../airflow/dags'),
  });
  const json: any = synthToFiles(stack).json;

  test('THEN the Docker host and TLS material come from variables, the TLS ones sensitive', () => {
    expect(json.provider.docker[0].host).toBe('${var.docker_host}');
    expect(json.provider.docker[0].cert_material).toBe('${var.docker_cert_pem}');
    for (const name of ['docker_ca_pem', 'docker_cert_pem', 'docker_key_pem']) expect(json.variable[name].sensitive).toBe(true);
  });

  test('THEN the DAG files are uploaded instead of bind-mounted from a path that only exists here', () => {
    const worker = container(json, 'prod-airflow-worker');
    expect((worker.volumes as any[]).some((v) => v.container_path === '/opt/airflow/dags')).toBe(false);
    expect((worker.upload as any[]).map((u) => u.file)).toEqual(expect.arrayContaining([expect.stringMatching(/^\/opt\/airflow\/dags\/.+\.py$/)]));
  });
});

describe('GIVEN a stack that monitors an existing Airflow instead of the bundled one', () => {
  const stack = new LocalDockerStack(Testing.app(), 'test', { environment: 'dev', pipelines: EXAMPLE_PIPELINES, airflow: false });
  const json: any = synthToFiles(stack).json;

  test('THEN no Airflow container (nor the exporter of its database) is deployed and the StatsD port is published on loopback over UDP', () => {
    expect(Object.values(json.resource.docker_container).map((c: any) => c.name).filter((n: string) => n.includes('airflow'))).toEqual([]);
    expect(container(json, 'dev-statsd-exporter').ports).toEqual([{ internal: 9125, external: 9125, ip: '127.0.0.1', protocol: 'udp' }]);
  });
});

describe('GIVEN a stack extended in code after construction: one more pipeline, receiver and route', () => {
  const stack = new LocalDockerStack(Testing.app(), 'test', {
    environment: 'dev',
    pipelines: EXAMPLE_PIPELINES,
    receivers: [{ kind: 'slack', name: 'analytics-slack', channel: '#analytics-alerts' }],
    teamRoutes: [{ team: 'analytics', receiver: 'analytics-slack' }],
  });
  stack.monitoring.addPipeline({
    dagId: 'billing_export',
    schedule: '@daily',
    ownerTeam: 'finance',
    expectedDuration: Duration.minutes(20),
    maxStaleness: Duration.hours(30),
    upstream: ['example_etl'],
    tasks: [{ taskId: 'export', expectedDuration: Duration.minutes(20) }],
  });
  stack.monitoring.alertmanager.addReceiver({ kind: 'webhook', name: 'finance-hook' });
  stack.monitoring.alertmanager.routeTeam('finance', 'finance-hook');
  const json: any = synthToFiles(stack).json;

  test('THEN the new pipeline has its thresholds, which the pipeline alerts join, in the rule file Prometheus loads', () => {
    const rules = parse(uploaded(container(json, 'dev-prometheus'), '/etc/prometheus/rules/pipelines.yml')).groups.flatMap((g: any) => g.rules);
    const own = rules.filter((r: any) => r.labels?.dag_id === 'billing_export').map((r: any) => r.record);
    expect(own).toEqual(expect.arrayContaining(['dag_id:pipewatch_pipeline_info:spec', 'dag_id:pipewatch_max_staleness_seconds:spec']));
    expect(rules.map((r: any) => r.alert)).toEqual(expect.arrayContaining(['PipelineRunFailed', 'PipelineDataStale']));
  });

  test('THEN Alertmanager routes the new team, inhibits it under its upstream, and asks for both credentials as sensitive variables', () => {
    const config = parse(uploaded(container(json, 'dev-alertmanager'), '/etc/alertmanager/alertmanager.yml'));
    expect(JSON.stringify(config.route)).toContain('finance-hook');
    expect(JSON.stringify(config.inhibit_rules)).toContain('billing_export');
    expect(json.variable.alertmanager_analytics_slack_api_url.sensitive).toBe(true);
    expect(json.variable.alertmanager_finance_hook_url.sensitive).toBe(true);
  });

  test("THEN the Alerts dashboard offers the new pipeline's team (its tiles and rows come from its threshold series)", () => {
    expect(uploaded(container(json, 'dev-grafana'), '/etc/grafana/dashboards/pipewatch/pipewatch-alerts.json')).toContain('finance');
  });

  test('WHEN a pipeline names an upstream that does not exist THEN it fails naming the pipeline construct and the fix', () => {
    expect(() =>
      stack.monitoring.addPipeline({ dagId: 'orphan', schedule: '@daily', ownerTeam: 'x', expectedDuration: Duration.minutes(1), upstream: ['nope'], tasks: [{ taskId: 't', expectedDuration: Duration.minutes(1) }] }),
    ).toThrow(/test\/Monitoring\/Pipelines\/orphan.*nope/);
    expect(stack.monitoring.pipelines.map((p) => p.dagId)).not.toContain('orphan');
    expect(stack.monitoring.node.findChild('Pipelines').node.tryFindChild('orphan')).toBeUndefined();
  });

  test('WHEN the rejected pipeline is fixed and added again THEN it joins the catalog under the same id', () => {
    const fixed = stack.monitoring.addPipeline({ dagId: 'orphan', schedule: '@daily', ownerTeam: 'x', expectedDuration: Duration.minutes(1), upstream: ['example_etl'], tasks: [{ taskId: 't', expectedDuration: Duration.minutes(1) }] });
    expect(fixed.node.path).toBe('test/Monitoring/Pipelines/orphan');
    expect(stack.monitoring.pipelines.map((p) => p.dagId)).toContain('orphan');
  });
});

describe('GIVEN a stack with Grafana, logs and container metrics switched off', () => {
  const stack = new LocalDockerStack(Testing.app(), 'test', {
    environment: 'dev',
    pipelines: EXAMPLE_PIPELINES,
    grafana: false,
    logs: false,
    containerMetrics: false,
  });
  const json: any = synthToFiles(stack).json;

  test('THEN none of them is deployed and Prometheus does not scrape them, so no TargetDown pages for them', () => {
    const names = Object.values(json.resource.docker_container).map((c: any) => c.name);
    for (const off of ['dev-grafana', 'dev-loki', 'dev-otel-collector', 'dev-cadvisor']) expect(names).not.toContain(off);
    const jobs = parse(uploaded(container(json, 'dev-prometheus'), '/etc/prometheus/prometheus.yml')).scrape_configs.map((s: any) => s.job_name);
    expect(jobs.sort()).toEqual(['airflow-exporter', 'alertmanager', 'metrics-app', 'postgres-exporter', 'prometheus', 'redis-exporter', 'statsd-exporter']);
  });

  test('THEN no LokiDown rule pages about the Loki the stack does not run, and the other monitoring alerts stay', () => {
    const alerts = (file: string) => parse(uploaded(container(json, 'dev-prometheus'), `/etc/prometheus/rules/${file}`)).groups.flatMap((g: any) => g.rules.map((r: any) => r.alert));
    expect(alerts('platform.yml')).not.toContain('LokiDown');
    expect(alerts('platform.yml')).toEqual(expect.arrayContaining(['TargetDown', 'Watchdog', 'AlertmanagerNotificationsFailing']));
  });
});
