import { parse } from 'yaml';
import { DbtProjectSpec } from '../../content/dbt/spec';
import { Duration } from '../../content/duration';
import { container, containers, synthLocal, uploaded } from '../support/synth';

const SHOP: DbtProjectSpec = { project: 'shop', path: 'dbt/shop', target: 'prod', ownerTeam: 'analytics' };

describe('GIVEN the dbt switch on the stack', () => {
  it('WHEN it is left off THEN the stack has no Pushgateway, no dbt rule file and no dbt scrape job', () => {
    const { json } = synthLocal();
    expect(containers(json).map((c) => c.name)).not.toContain('dev-pushgateway');
    const prometheusYml = parse(uploaded(container(json, 'dev-prometheus'), '/etc/prometheus/prometheus.yml'));
    expect(prometheusYml.rule_files.some((f: string) => f.endsWith('dbt.yml'))).toBe(false);
    expect(prometheusYml.scrape_configs.map((j: { job_name: string }) => j.job_name)).not.toContain('pushgateway');
  });

  describe('WHEN it is on with the shop project, and a second project is added in code', () => {
    const { json } = synthLocal({ dbt: { projects: [SHOP] } }, (stack) => stack.monitoring.addDbtProject({ ...SHOP, project: 'finance', ownerTeam: 'finance' }));

    it('THEN a Pushgateway runs with its groups persisted on a volume', () => {
      const pushgateway = container(json, 'dev-pushgateway');
      expect(pushgateway.command).toEqual(expect.arrayContaining(['--persistence.file=/pushgateway/metrics.db']));
      expect(pushgateway.volumes).toEqual([expect.objectContaining({ container_path: '/pushgateway' })]);
      expect(pushgateway.ports ?? []).toEqual([]);
    });

    it('THEN Prometheus scrapes it keeping the pushed job and group labels', () => {
      const prometheusYml = parse(uploaded(container(json, 'dev-prometheus'), '/etc/prometheus/prometheus.yml'));
      const job = prometheusYml.scrape_configs.find((j: { job_name: string }) => j.job_name === 'pushgateway');
      expect(job).toEqual({ job_name: 'pushgateway', honor_labels: true, static_configs: [{ targets: ['pushgateway:9091'] }] });
    });

    it('THEN the dbt rule file holds the lineage and anomaly records, then one alert group per project, routed by its owner team', () => {
      const rules = parse(uploaded(container(json, 'dev-prometheus'), '/etc/prometheus/rules/dbt.yml'));
      expect(rules.groups.map((g: { name: string }) => g.name)).toEqual(['pipewatch-dbt-records', 'pipewatch-data-observability', 'pipewatch-dbt-shop-prod', 'pipewatch-dbt-finance-prod']);
      const teams = rules.groups[3].rules.map((r: { labels: { team: string } }) => r.labels.team);
      expect(new Set(teams)).toEqual(new Set(['finance']));
    });

    it('THEN Alertmanager mutes test alerts whose upstream model failed', () => {
      const config = parse(uploaded(container(json, 'dev-alertmanager'), '/etc/alertmanager/alertmanager.yml'));
      expect(config.inhibit_rules).toContainEqual({
        source_matchers: ['alertname="DbtModelFailed"'],
        target_matchers: ['alertname="DbtTestFailed"', 'upstream_failed="true"'],
        equal: ['project', 'target'],
      });
    });
  });

  it('WHEN a project declares a team that is not a label value THEN synth fails naming the project and the fix', () => {
    expect(() => synthLocal({ dbt: { projects: [{ ...SHOP, ownerTeam: 'Analytics Team' }] } })).toThrow(
      'test/Monitoring/dbt.projects[0]: invalid ownerTeam "Analytics Team". Use a lowercase team name',
    );
  });

  it('WHEN a project added in code misspells a selection method THEN synth fails naming its path, key and value', () => {
    expect(() => synthLocal({ dbt: {} }, (stack) => stack.monitoring.addDbtProject({ ...SHOP, selectors: { select: ['tags:hourly'] } }))).toThrow(
      'test/Monitoring/dbt.projects[0]: invalid selectors.select[0] "tags:hourly". "tags" is not a dbt selection method; did you mean "tag"?',
    );
  });

  it('WHEN the same project and target are declared twice THEN synth fails naming the second', () => {
    expect(() => synthLocal({ dbt: { projects: [SHOP] } }, (stack) => stack.monitoring.addDbtProject(SHOP))).toThrow('test/Monitoring/dbt.projects[1]: invalid project and target "shop/prod"');
  });

  it('WHEN a project is added while dbt is off THEN the error says how to turn it on', () => {
    expect(() => synthLocal({}, (stack) => stack.monitoring.addDbtProject(SHOP))).toThrow('dbt monitoring is off: set `dbt: {}`');
  });
});

describe('GIVEN the stack\'s postgres_exporter', () => {
  it('WHEN synthesized THEN it reads pipewatch\'s queries file, which defines the replication lag the alert uses in every exporter version', () => {
    const exporter = container(synthLocal().json, 'dev-postgres-exporter');
    expect(exporter.env).toContain('PG_EXPORTER_EXTEND_QUERY_PATH=/etc/postgres_exporter/pipewatch-queries.yaml');
    const queries = parse(uploaded(exporter, '/etc/postgres_exporter/pipewatch-queries.yaml'));
    expect(Object.keys(queries)).toEqual(['pipewatch_pg_replication']);
    expect(queries.pipewatch_pg_replication.metrics).toEqual([
      { is_replica: { usage: 'GAUGE', description: '1 when the server is a replica (in recovery), 0 on a primary' } },
      { lag_seconds: { usage: 'GAUGE', description: 'Seconds the replica replays behind its primary; 0 while it has replayed all it received' } },
    ]);
    expect(queries.pipewatch_pg_replication.query).toContain('pg_last_xact_replay_timestamp()');
  });
});

describe('GIVEN the warehouse switch on the stack', () => {
  it('WHEN it is off THEN Prometheus loads no warehouse rule file', () => {
    const prometheus = container(synthLocal().json, 'dev-prometheus');
    expect(parse(uploaded(prometheus, '/etc/prometheus/prometheus.yml')).rule_files.some((f: string) => f.endsWith('warehouse.yml'))).toBe(false);
  });

  it('WHEN a lag bound and a KPI monitor are declared THEN warehouse.yml holds the KPI records, the lag alert and the KPI alert', () => {
    const kpi = { kpi: 'conversion_rate', direction: 'higher-is-better' as const, maxChangeVsLastWeek: 0.05, ownerTeam: 'analytics' };
    const prometheus = container(synthLocal({ warehouse: { replicationLagBound: Duration.minutes(5), kpis: [kpi] } }).json, 'dev-prometheus');
    const rules = parse(uploaded(prometheus, '/etc/prometheus/rules/warehouse.yml'));
    const names = rules.groups.flatMap((g: { rules: { alert?: string; record?: string }[] }) => g.rules.map((r) => r.alert ?? r.record));
    expect(names).toEqual([
      'kpi:pipewatch_kpi_value:max',
      'kpi:pipewatch_kpi_value_last_week:max',
      'kpi:pipewatch_kpi_change_vs_last_week:ratio',
      'kpi:pipewatch_kpi_worse_vs_last_week:ratio',
      'kpi:pipewatch_kpi_allowed_worse_vs_last_week:ratio',
      'PostgresReplicationLagHigh',
      'BusinessKpiWorseThanLastWeek',
    ]);
  });

  it('WHEN a KPI allows a change of 5 (not a share) THEN synth fails naming it and the fix', () => {
    const kpi = { kpi: 'conversion_rate', direction: 'higher-is-better' as const, maxChangeVsLastWeek: 5, ownerTeam: 'analytics' };
    expect(() => synthLocal({ warehouse: { kpis: [kpi] } })).toThrow('test/Monitoring/warehouse.kpis[0]: invalid maxChangeVsLastWeek 5. Use a share between 0 and 1');
  });
});
