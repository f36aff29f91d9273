import { execFile } from 'child_process';
import { mkdirSync, writeFileSync } from 'fs';
import { join } from 'path';
import { promisify } from 'util';
import { KpiMonitorSpec } from '../../content/warehouse/spec';

const run = promisify(execFile);

/** The KPI monitors of the dbt tier, as a stack declares them in `warehouse.kpis`. */
export const TIER_KPIS: readonly KpiMonitorSpec[] = [
  { kpi: 'conversion_rate', direction: 'higher-is-better', maxChangeVsLastWeek: 0.05, ownerTeam: 'analytics' },
  { kpi: 'refund_rate', direction: 'lower-is-better', maxChangeVsLastWeek: 0.2, ownerTeam: 'analytics' },
];

/** Each KPI's value until a day before the tier starts, then over the past day. */
export const KPI_HISTORY: Readonly<Record<string, { readonly before: number; readonly pastDay: number }>> = {
  conversion_rate: { before: 0.04, pastDay: 0.042 },
  refund_rate: { before: 0.02, pastDay: 0.023 },
};

const STEP_SECONDS = 300;
const DAY_SECONDS = 86_400;
const HISTORY_DAYS = 8;

/**
 * Eight days of the KPI series up to `nowSeconds`, a sample every 5 minutes,
 * in OpenMetrics as the simulator's gauge would have been scraped. The job
 * label says where the samples come from.
 */
export function kpiHistoryOpenMetrics(nowSeconds: number): string {
  const lines = ['# HELP pipewatch_business_kpi_value Business KPI computed by the pipelines', '# TYPE pipewatch_business_kpi_value gauge'];
  for (const [kpi, { before, pastDay }] of Object.entries(KPI_HISTORY)) {
    for (let t = nowSeconds - HISTORY_DAYS * DAY_SECONDS; t <= nowSeconds; t += STEP_SECONDS) {
      lines.push(`pipewatch_business_kpi_value{job="kpi-backfill",kpi="${kpi}"} ${t > nowSeconds - DAY_SECONDS ? pastDay : before} ${t}`);
    }
  }
  return `${lines.join('\n')}\n# EOF\n`;
}

/** Writes the history as TSDB blocks into an empty data directory, for Prometheus to load when it starts. */
export async function backfillKpiHistory(promtool: string, dir: string, dataDir: string, nowSeconds: number): Promise<void> {
  const file = join(dir, 'kpi-history.om');
  writeFileSync(file, kpiHistoryOpenMetrics(nowSeconds));
  mkdirSync(dataDir, { recursive: true });
  await run(promtool, ['tsdb', 'create-blocks-from', 'openmetrics', '--quiet', file, dataDir], { timeout: 60_000 });
}
