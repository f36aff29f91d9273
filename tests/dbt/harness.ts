import { execFile } from 'child_process';
import { randomBytes } from 'crypto';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { Client } from 'pg';
import { promisify } from 'util';
import { renderAlertmanagerConfig } from '../../content/alertmanager/routing';
import { dbtLineageInhibitRule } from '../../content/dbt/lineage';
import { pushgatewayFlags, pushgatewayScrapeJob } from '../../content/dbt/pushgateway';
import { DBT_RULE_FILE, dbtRuleGroups } from '../../content/dbt/rules';
import { DbtProjectSpec } from '../../content/dbt/spec';
import { receiverSecrets } from '../../content/alertmanager/receivers';
import { renderPrometheusConfig } from '../../content/prometheus/config';
import { renderRuleFile } from '../../content/rules/render';
import { toYaml } from '../../content/yaml';
import { Duration } from '../../content/duration';
import { WarehouseSpec } from '../../content/warehouse/spec';
import { WAREHOUSE_RULE_FILE, warehouseRuleGroups } from '../../content/warehouse/rules';
import { alertmanagerProcess, QUICK_RESOLVE_TIMING } from '../live/harness/alertmanager';
import { postgresExporter } from '../live/harness/exporters';
import { LiveLogin } from '../live/harness/postgres';
import { isOk } from '../live/harness/http';
import { LIVE_INTERVALS, LIVE_LINKS, relocateSecretFiles } from '../live/harness/live-configs';
import { ManagedProcess } from '../live/harness/processes';
import { LivePrometheus } from '../live/harness/prometheus';
import { liveTools, REPO_ROOT } from '../live/harness/tools';
import { WebhookReceiver } from '../live/harness/webhook-receiver';
import { ThrowawayPostgres } from '../metrics-app/support/postgres';
import { freePort } from '../support/ports';
import { backfillKpiHistory, TIER_KPIS } from './kpi-history';

const run = promisify(execFile);

/** The example project as a user declares it: dbt/shop built against its `dev` target, owned by analytics. */
export const SHOP: DbtProjectSpec = { project: 'shop', path: 'dbt/shop', target: 'dev', ownerTeam: 'analytics' };
export const RECEIVER = 'team-analytics';
/**
 * The warehouse as the tier declares it: the KPI monitors, and a replication
 * lag bound short enough to cross in seconds (the stack's example is 5 minutes).
 */
export const TIER_WAREHOUSE: WarehouseSpec = { team: SHOP.ownerTeam, replicationLagBound: Duration.seconds(5), replicationLagFor: Duration.seconds(10), kpis: TIER_KPIS };
const PROJECT_DIR = join(REPO_ROOT, SHOP.path);
const EXAMPLE_TABLES = join(REPO_ROOT, 'dbt/warehouse/example_tables.sql');
const PUSH_SCRIPT = join(REPO_ROOT, 'dbt/dags/dbt_metrics.py');


function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run the tier with npm run test:dbt (scripts/test-dbt.sh installs dbt in a cached venv)`);
  return value;
}

export interface DbtOutcome {
  readonly exitCode: number;
  readonly output: string;
}

/** PostgreSQL with the shop's raw tables, dbt, the Pushgateway, Prometheus, Alertmanager and a webhook, all on loopback. */
export class DbtStack {
  private constructor(
    private readonly dir: string,
    readonly postgres: ThrowawayPostgres,
    readonly replica: ThrowawayPostgres,
    readonly replicaExporter: ManagedProcess,
    /** The `instance` label of the replica's postgres_exporter. */
    readonly replicaInstance: string,
    readonly pushgateway: ManagedProcess,
    readonly pushgatewayUrl: string,
    readonly prometheus: LivePrometheus,
    readonly alertmanager: ManagedProcess,
    readonly webhook: WebhookReceiver,
  ) {}

  static async start(): Promise<DbtStack> {
    const tools = liveTools();
    const dir = mkdtempSync(join(tmpdir(), 'pipewatch-dbt-'));
    const postgres = await ThrowawayPostgres.start();
    const webhook = await WebhookReceiver.start();

    const [pushgatewayPort, prometheusPort, alertmanagerPort, replicaExporterPort] = [await freePort(), await freePort(), await freePort(), await freePort()];
    // A streaming replica of the warehouse, watched as the stack watches one: postgres_exporter with a pg_monitor login.
    const monitor: LiveLogin = { user: 'postgres_exporter', database: 'postgres', passwordFile: join(dir, 'postgres_exporter_password') };
    writeFileSync(monitor.passwordFile, `${randomBytes(12).toString('hex')}\n`, { mode: 0o600 });
    await postgres.runAsAdmin([`CREATE ROLE ${monitor.user} LOGIN PASSWORD '${readFileSync(monitor.passwordFile, 'utf8').trim()}' IN ROLE pg_monitor`]);
    const replica = await postgres.startReplica();
    const replicaExporter = postgresExporter(tools.postgresExporter, dir, replicaExporterPort, replica.port, monitor, 'replica-postgres-exporter');
    await replicaExporter.start();

    const pushgatewayUrl = `http://127.0.0.1:${pushgatewayPort}`;
    mkdirSync(join(dir, 'pushgateway'));
    const pushgateway = new ManagedProcess({
      name: 'pushgateway',
      command: tools.pushgateway,
      args: pushgatewayFlags(join(dir, 'pushgateway', 'metrics.db'), `127.0.0.1:${pushgatewayPort}`),
      logFile: join(dir, 'pushgateway.log'),
      ready: () => isOk(`${pushgatewayUrl}/-/ready`),
    });
    await pushgateway.start();

    const alertmanager = alertmanagerProcess('alertmanager', tools.alertmanager, join(dir, 'alertmanager'), alertmanagerPort, (secretsDir, templatesDir) => {
      const receivers = [{ kind: 'webhook' as const, name: RECEIVER }];
      const config = renderAlertmanagerConfig({ receivers, teamRoutes: [{ team: SHOP.ownerTeam, receiver: RECEIVER }], inhibitRules: [dbtLineageInhibitRule()], templatesDir, timing: QUICK_RESOLVE_TIMING }, 'dbt-tier');
      return { config: toYaml(relocateSecretFiles(config, secretsDir)), secrets: { [receiverSecrets(receivers[0])[0]]: `${webhook.baseUrl}/${RECEIVER}\n` } };
    });
    await alertmanager.start();

    // A week of KPI history before Prometheus starts: the KPI monitors compare with last week.
    await backfillKpiHistory(tools.promtool, dir, join(dir, 'prometheus', 'data'), Math.floor(Date.now() / 1000));
    const prometheus = await LivePrometheus.start({
      binary: tools.prometheus,
      dir: join(dir, 'prometheus'),
      port: prometheusPort,
      ruleFiles: [
        { name: DBT_RULE_FILE, content: renderRuleFile(dbtRuleGroups([SHOP], LIVE_LINKS)) },
        { name: WAREHOUSE_RULE_FILE, content: renderRuleFile(warehouseRuleGroups(TIER_WAREHOUSE, LIVE_LINKS)) },
      ],
      config: (rulesDir) =>
        toYaml(
          renderPrometheusConfig({
            ...LIVE_INTERVALS,
            externalLabels: { environment: 'dbt-tier' },
            alertmanagers: [`127.0.0.1:${alertmanagerPort}`],
            ruleFiles: [`${rulesDir}/${DBT_RULE_FILE}`, `${rulesDir}/${WAREHOUSE_RULE_FILE}`],
            scrapeJobs: [pushgatewayScrapeJob(`127.0.0.1:${pushgatewayPort}`), { job: 'postgres-exporter', targets: [`127.0.0.1:${replicaExporterPort}`] }],
          }),
        ),
      alertResendDelaySeconds: 5,
    });
    const stack = new DbtStack(dir, postgres, replica, replicaExporter, `127.0.0.1:${replicaExporterPort}`, pushgateway, pushgatewayUrl, prometheus, alertmanager, webhook);
    await stack.sql('create database warehouse');
    return stack;
  }

  /** Runs SQL against the warehouse database (or, before it exists, the server's default one). */
  async sql(text: string): Promise<void> {
    const client = new Client({ ...this.connection(), database: text.startsWith('create database') ? 'postgres' : 'warehouse' });
    await client.connect();
    try {
      await client.query(text);
    } finally {
      await client.end();
    }
  }

  /** The shop's raw tables as dbt/warehouse/example_tables.sql creates them: fresh, complete, valid. */
  loadExampleTables(): Promise<void> {
    return this.sql(readFileSync(EXAMPLE_TABLES, 'utf8'));
  }

  /**
   * One dbt invocation against the warehouse, then its artifacts pushed as
   * the DAG does it: whatever dbt's exit code, the metrics go out.
   */
  async dbt(command: 'build' | 'source_freshness'): Promise<DbtOutcome> {
    const venv = required('PIPEWATCH_DBT_VENV');
    const target = join(this.dir, 'target');
    const args = [...(command === 'build' ? ['build'] : ['source', 'freshness']), '--project-dir', PROJECT_DIR, '--profiles-dir', PROJECT_DIR, '--target-path', target, '--log-path', join(this.dir, 'dbt-logs')];
    const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/root', DBT_SEND_ANONYMOUS_USAGE_STATS: 'false', DBT_USE_COLORS: 'false', ...this.pgEnv() };
    const outcome = await run(join(venv, 'bin', 'dbt'), args, { env, timeout: 120_000 }).then(
      ({ stdout }) => ({ exitCode: 0, output: stdout }),
      (error: { code?: number; stdout?: string; message: string }) => {
        if (typeof error.code !== 'number') throw error;
        return { exitCode: error.code, output: error.stdout ?? error.message };
      },
    );
    await run(join(venv, 'bin', 'python'), [PUSH_SCRIPT, '--target-dir', target, '--command', command, '--target', SHOP.target, '--gateway', this.pushgatewayUrl], { timeout: 30_000 });
    return outcome;
  }

  async stop(): Promise<void> {
    await Promise.allSettled([this.prometheus.process.stop(), this.alertmanager.stop(), this.pushgateway.stop(), this.webhook.stop(), this.replicaExporter.stop()]);
    await this.replica.destroy();
    await this.postgres.destroy();
  }

  private connection() {
    return { host: '127.0.0.1', port: this.postgres.port, user: this.postgres.user, password: readFileSync(this.postgres.passwordFile, 'utf8').trim() };
  }

  /** The PG* variables the example profile (dbt/shop/profiles.yml) reads. */
  private pgEnv(): Record<string, string> {
    const c = this.connection();
    return { PGHOST: c.host, PGPORT: String(c.port), PGUSER: c.user, PGPASSWORD: c.password, PGDATABASE: 'warehouse' };
  }
}
