import { parse } from 'yaml';
import { container, containers, synthLocal, uploaded } from '../support/synth';

const COLLECTOR_CONFIG = '/etc/otelcol-contrib/config.yaml';
const DATASOURCES = '/etc/grafana/provisioning/datasources/pipewatch.yml';
const PIPELINE_DETAIL = '/etc/grafana/dashboards/pipewatch/pipewatch-pipeline-detail.json';

describe('GIVEN the local stack with traces switched on', () => {
  const { json } = synthLocal({ traces: { enabled: true } });
  const collector = parse(uploaded(container(json, 'dev-otel-collector'), COLLECTOR_CONFIG));
  const grafana = container(json, 'dev-grafana');
  const datasources = parse(uploaded(grafana, DATASOURCES)).datasources;
  const detail = JSON.parse(uploaded(grafana, PIPELINE_DETAIL));

  test('THEN Jaeger 2.13.0 runs with memory storage, OTLP/HTTP in on the stack network and its UI published on 127.0.0.1:16686 only', () => {
    const jaeger = container(json, 'dev-jaeger');
    expect(Object.values(json.resource.docker_image).map((i: any) => i.name)).toContain('jaegertracing/jaeger:2.13.0');
    expect(jaeger.ports).toEqual([{ internal: 16686, external: 16686, ip: '127.0.0.1', protocol: 'tcp' }]);
    expect(jaeger.healthcheck.test).toEqual(['CMD', 'wget', '--quiet', '--tries=1', '--spider', 'http://127.0.0.1:13133/status']);
    const config = parse(uploaded(jaeger, '/etc/jaeger/config.yaml'));
    expect(config.extensions.jaeger_storage).toEqual({ backends: { memstore: { memory: { max_traces: 50000 } } } });
    expect(config.receivers.otlp.protocols).toEqual({ http: { endpoint: '0.0.0.0:4318' } });
    expect(config.service.pipelines.traces).toEqual({ receivers: ['otlp'], processors: [], exporters: ['jaeger_storage_exporter'] });
  });

  test("THEN the collector's traces pipeline takes OTLP/HTTP on 4318, batches and sends to Jaeger's OTLP endpoint; the logs pipeline is unchanged", () => {
    expect(collector.receivers.otlp).toEqual({ protocols: { http: { endpoint: '0.0.0.0:4318' } } });
    expect(collector.exporters['otlphttp/jaeger']).toEqual({ endpoint: 'http://jaeger:4318' });
    expect(collector.service.pipelines.traces).toEqual({ receivers: ['otlp'], processors: ['resource', 'batch'], exporters: ['otlphttp/jaeger'] });
    expect(collector.service.pipelines.logs).toEqual({ receivers: ['filelog/containers', 'filelog/airflow_tasks'], processors: ['resource'], exporters: ['otlphttp/loki'] });
  });

  test("THEN every Airflow component sends its traces to the collector, named service 'airflow'", () => {
    for (const name of ['init', 'api-server', 'scheduler', 'dag-processor', 'triggerer', 'worker']) {
      const env = container(json, `dev-airflow-${name}`).env as string[];
      expect([name, env.filter((e) => e.startsWith('AIRFLOW__TRACES__')).sort()]).toEqual([
        name,
        ['AIRFLOW__TRACES__OTEL_HOST=otel-collector', 'AIRFLOW__TRACES__OTEL_ON=True', 'AIRFLOW__TRACES__OTEL_PORT=4318', 'AIRFLOW__TRACES__OTEL_SERVICE=airflow'],
      ]);
    }
  });

  test('THEN Grafana has a Jaeger datasource, and Loki log lines with a trace_id link to it', () => {
    expect(datasources.find((d: any) => d.type === 'jaeger')).toEqual({
      name: 'pipewatch Jaeger', uid: 'pipewatch-jaeger', type: 'jaeger', access: 'proxy', url: 'http://jaeger:16686', editable: false,
    });
    const [field] = datasources.find((d: any) => d.type === 'loki').jsonData.derivedFields;
    expect(field).toEqual({ name: 'TraceID', matcherRegex: 'trace_id"?[=:]\\s*"?([0-9a-f]{32})', datasourceUid: 'pipewatch-jaeger', url: '$${__value.raw}', urlDisplayLabel: 'Trace' });
    const regex = new RegExp(field.matcherRegex);
    expect('etl.write trace_id=4bf92f3577b34da6a3ce929d0e0e4736 span_id=00f067aa0ba902b7'.match(regex)?.[1]).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
    expect('{"event": "x", "trace_id": "4bf92f3577b34da6a3ce929d0e0e4736"}'.match(regex)?.[1]).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
    expect('task_id=load run_id=manual__1'.match(regex)).toBeNull();
  });

  test("THEN Pipeline Detail links each run to a Jaeger search on the run span's dag_id and run_id, and the pipeline to all its traces", () => {
    const panel = detail.panels.find((p: any) => p.title === 'Runs and their traces');
    expect(panel.targets.map((t: any) => [t.datasource.uid, t.expr])).toEqual([['pipewatch-loki', 'sum by (run_id) (count_over_time({service_name="airflow-tasks", dag_id="$dag_id"} [$__range]))']]);
    const [link] = panel.fieldConfig.overrides.find((o: any) => o.matcher.options === 'run_id').properties[0].value;
    expect(link.url.startsWith('/explore?schemaVersion=1&orgId=1&panes=')).toBe(true);
    const pane = JSON.parse(decodeURIComponent(link.url.split('panes=')[1])).traces;
    expect(pane.queries[0]).toEqual({
      refId: 'A', datasource: { type: 'jaeger', uid: 'pipewatch-jaeger' }, queryType: 'search', service: 'airflow',
      tags: 'airflow.dag_run.dag_id="$dag_id" airflow.dag_run.run_id="${__value.raw}"',
    });
    // Grafana fills the variables in before the URL is opened: they stay as written.
    expect(link.url).toContain('${__value.raw}');
    expect(link.url).toContain('$dag_id');
    const pipelineLink = detail.links.find((l: any) => l.title === 'Traces of $dag_id');
    expect(JSON.parse(decodeURIComponent(pipelineLink.url.split('panes=')[1])).traces.queries[0].tags).toBe('airflow.dag_run.dag_id="$dag_id"');
  });
});

describe('GIVEN the local stack with traces at their default', () => {
  const { json, text } = synthLocal();
  const grafana = container(json, 'dev-grafana');

  test('THEN there is no Jaeger, no traces pipeline, no Airflow traces setting, no Jaeger datasource or trace link', () => {
    expect(containers(json).map((c) => c.name)).not.toContain('dev-jaeger');
    expect(parse(uploaded(container(json, 'dev-otel-collector'), COLLECTOR_CONFIG)).service.pipelines).not.toHaveProperty('traces');
    expect(text).not.toContain('AIRFLOW__TRACES__');
    expect(uploaded(grafana, DATASOURCES)).not.toMatch(/jaeger|derivedFields/);
    expect(uploaded(grafana, PIPELINE_DETAIL)).not.toMatch(/jaeger|Runs and their traces/);
  });

  test('WHEN traces are switched on without logs THEN synth fails naming the setting and the fix', () => {
    expect(() => synthLocal({ traces: { enabled: true }, logs: false })).toThrow(/Monitoring: invalid traces.enabled true\. .*set `logs: true`/);
  });

  test('WHEN maxTraces is not a positive whole number THEN synth fails naming it', () => {
    expect(() => synthLocal({ traces: { enabled: true, maxTraces: 0 } })).toThrow(/Jaeger: invalid traces.maxTraces 0\. Use a whole number/);
  });
});
