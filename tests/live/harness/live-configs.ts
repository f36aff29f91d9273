/**
 * The live tier's configuration files, rendered by the same functions the
 * Docker stack (constructs/monitoring-stack.ts) uses. Only the inputs differ:
 * loopback endpoints, the intervals chosen for the tier, file locations in
 * temp directories and webhook receivers pointing at the test's receiver.
 */
import { NotificationTiming, renderAlertmanagerConfig } from '../../../content/alertmanager/routing';
import { AlertmanagerConfig } from '../../../content/alertmanager/config';
import { ALERTMANAGER_SECRETS_DIR, Receiver, receiverSecrets } from '../../../content/alertmanager/receivers';
import { toYaml } from '../../../content/yaml';
import { Endpoints, SERVICE_NAMES } from '../../../content/endpoints';
import { DEFAULT_HOST_PORTS } from '../../../constructs/monitoring-stack';
import { lineageInhibitRules } from '../../../content/pipeline/lineage';
import { PipelineSpec } from '../../../content/pipeline/spec';
import { renderPrometheusConfig, standardScrapeJobs } from '../../../content/prometheus/config';
import { AlertLinkOptions } from '../../../content/rules/alert-links';
import { PLATFORM_TEAM } from '../../../content/rules/platform-rules';
import { renderRuleFile } from '../../../content/rules/render';
import { PIPELINE_RULE_FILE, PLATFORM_RULE_FILE, pipelineRuleGroups, platformRuleGroups } from '../../../content/rules/rule-set';
import { RuleGroup } from '../../../content/rules/types';
import { DEFAULT_PIPELINES_FILE, loadPipelineCatalog } from '../../../content/pipeline/catalog';

/** The pipelines the stack monitors, from pipelines.yaml; the simulator reads them from a rendered file (harness/simulator.ts). */
export const LIVE_PIPELINES: readonly PipelineSpec[] = loadPipelineCatalog(DEFAULT_PIPELINES_FILE);

/**
 * Services of the stack the live tier does not run, and why. Their scrape
 * jobs are left out of the live prometheus.yml (so they cannot show as
 * TargetDown), and dashboard queries that read only their metrics are listed
 * as not checked.
 */
export const NOT_RUN_LIVE: Readonly<Partial<Record<keyof Endpoints, string>>> = {
  cadvisor: 'cAdvisor reports Docker containers; the live tier runs every server as a plain process, so there are no containers to measure',
  grafana: 'Grafana is AGPL-licensed and has no Debian package; pipewatch deploys its official image but never builds it, so every panel query runs against the live Prometheus instead (dashboards.live.ts)',
  loki: "Loki is AGPL-licensed: pipewatch deploys its official image but never builds, vendors or links its code, and no allowed package source ships a binary, so log panels, Loki's own ingestion and LokiDown are not checked live (log shipping is: logs.live.ts runs the stack's collector into an OTLP sink)",
  airflowExporter: "it reads Airflow's metadata database and the tier runs no Airflow: the simulator publishes the same run-state families (npm run test:airflow runs the exporter against a real Airflow)",
  otelCollector: "the stack's servers here are plain processes that write no Docker json-file logs; logs.live.ts runs the log shipper with the stack's config on files laid out as Docker and Airflow write them, and checks its telemetry families there",
};

/** Scrape jobs the live Prometheus must not have: those of the services above. */
export const EXCLUDED_JOBS: readonly string[] = (Object.keys(NOT_RUN_LIVE) as (keyof Endpoints)[]).map((key) => SERVICE_NAMES[key]);

export interface Intervals {
  readonly scrapeIntervalSeconds: number;
  readonly evaluationIntervalSeconds: number;
}

/** The stack's defaults (MonitoringStackProps): what the latency benchmark measures. */
export const DEFAULT_INTERVALS: Intervals = { scrapeIntervalSeconds: 15, evaluationIntervalSeconds: 15 };

/**
 * The tier's intervals: 5s scrape and evaluation take 20s off every
 * alert's path without changing any rule (`for`, windows) or Alertmanager
 * timing, which stay the stack's own.
 */
export const LIVE_INTERVALS: Intervals = { scrapeIntervalSeconds: 5, evaluationIntervalSeconds: 5 };

/** Links as MonitoringStack renders them with its default host ports and runbook location. */
export const LIVE_LINKS: AlertLinkOptions = { grafanaUrl: `http://localhost:${DEFAULT_HOST_PORTS.grafana}` };

export interface ConfigFileContent {
  readonly name: string;
  readonly content: string;
}

/** pipelines.yml and platform.yml exactly as the stack's Prometheus loads them (groups can be adjusted by the benchmark). */
export function liveRuleFiles(adjust: (groups: RuleGroup[]) => RuleGroup[] = (g) => g): ConfigFileContent[] {
  return [
    { name: PIPELINE_RULE_FILE, content: renderRuleFile(adjust(pipelineRuleGroups(LIVE_PIPELINES, LIVE_LINKS))) },
    { name: PLATFORM_RULE_FILE, content: renderRuleFile(adjust(platformRuleGroups(LIVE_LINKS))) },
  ];
}

/** prometheus.yml: the stack's scrape jobs on loopback, minus the services the tier does not run. */
export function livePrometheusConfig(endpoints: Endpoints, intervals: Intervals, rulesDir: string): string {
  return toYaml(
    renderPrometheusConfig({
      ...intervals,
      externalLabels: { environment: 'live' },
      alertmanagers: [endpoints.alertmanager],
      ruleFiles: [PIPELINE_RULE_FILE, PLATFORM_RULE_FILE].map((name) => `${rulesDir}/${name}`),
      scrapeJobs: standardScrapeJobs(endpoints).filter((job) => !EXCLUDED_JOBS.includes(job.job)),
    }),
  );
}

/** The teams alerts are labelled with: pipeline owners, the platform team and the data-platform rules' teams. */
export function liveTeams(): string[] {
  const ruleTeams = platformRuleGroups(LIVE_LINKS).flatMap((g) => g.rules.flatMap((r) => ('alert' in r && r.labels ? [r.labels.team] : [])));
  return [...new Set([...LIVE_PIPELINES.map((p) => p.ownerTeam), PLATFORM_TEAM, ...ruleTeams])].sort();
}

export const teamReceiverName = (team: string) => `team-${team}`;
export const WATCHDOG_RECEIVER = 'watchdog';
/** Catches alerts no team route matches; the tier expects it to stay silent. */
export const UNROUTED_RECEIVER = 'unrouted';

/** One webhook receiver per team, the Watchdog's and the default one, as a stack user would declare them. */
export function liveReceivers(): Receiver[] {
  return [...liveTeams().map(teamReceiverName), WATCHDOG_RECEIVER, UNROUTED_RECEIVER].map((name) => ({ kind: 'webhook', name }));
}

export interface LiveAlertmanagerFiles {
  readonly config: string;
  /** File name (under secretsDir) → content: each receiver's URL, read by Alertmanager through `url_file`. */
  readonly secrets: Readonly<Record<string, string>>;
}

/**
 * alertmanager.yml with every team routed to its own webhook receiver and
 * the pipelines' lineage inhibitions, on the stack's notification timers
 * unless a test sets its own. The stack mounts receiver secrets under
 * ALERTMANAGER_SECRETS_DIR; here the same files live in `secretsDir`.
 */
export function liveAlertmanagerFiles(receiverBaseUrl: string, secretsDir: string, templatesDir: string, timing?: NotificationTiming): LiveAlertmanagerFiles {
  const receivers = liveReceivers();
  const config = renderAlertmanagerConfig(
    {
      receivers,
      teamRoutes: liveTeams().map((team) => ({ team, receiver: teamReceiverName(team) })),
      inhibitRules: lineageInhibitRules(LIVE_PIPELINES),
      defaultReceiver: UNROUTED_RECEIVER,
      watchdogReceiver: WATCHDOG_RECEIVER,
      templatesDir,
      timing,
    },
    'live',
  );
  const secrets: Record<string, string> = {};
  for (const r of receivers) secrets[receiverSecrets(r)[0]] = `${receiverBaseUrl}/${r.name}\n`;
  return { config: toYaml(relocateSecretFiles(config, secretsDir)), secrets };
}

/** Points every `*_file` path under ALERTMANAGER_SECRETS_DIR at `dir` instead; nothing else changes. */
export function relocateSecretFiles(config: AlertmanagerConfig, dir: string): AlertmanagerConfig {
  const prefix = `${ALERTMANAGER_SECRETS_DIR}/`;
  const visit = (value: unknown, key?: string): unknown => {
    if (typeof value === 'string') return key?.endsWith('_file') && value.startsWith(prefix) ? `${dir}/${value.slice(prefix.length)}` : value;
    if (Array.isArray(value)) return value.map((v) => visit(v));
    if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, visit(v, k)]));
    return value;
  };
  return visit(config) as AlertmanagerConfig;
}
