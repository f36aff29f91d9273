import { DashboardJson } from '../content/grafana/dashboard-json';
import { DASHBOARD_UIDS, DashboardKey } from '../content/links';
import { PipelineSpec } from '../content/pipeline/spec';
import { alertsDashboard } from './alerts';
import { DashboardFactory, DashboardOptions } from './common';
import { dataQualityDashboard } from './data-quality';
import { dataLakeWarehouseDashboard } from './datalake-warehouse';
import { dbtDashboard } from './dbt';
import { logsDashboard } from './logs';
import { performanceDashboard } from './performance';
import { pipelineDetailDashboard } from './pipeline-detail';
import { pipelineOverviewDashboard } from './pipeline-overview';
import { platformHealthDashboard } from './platform-health';
import { slaFreshnessDashboard } from './sla-freshness';
import { streamingDashboard } from './streaming';


export interface RenderedDashboard {
  readonly key: DashboardKey;
  readonly uid: string;
  readonly title: string;
  readonly json: DashboardJson;
}

/** Every dashboard, in the order they appear in docs and navigation. */
export const DASHBOARDS: Readonly<Record<DashboardKey, DashboardFactory>> = {
  pipelineOverview: pipelineOverviewDashboard,
  pipelineDetail: pipelineDetailDashboard,
  slaFreshness: slaFreshnessDashboard,
  dataQuality: dataQualityDashboard,
  performance: performanceDashboard,
  dataLakeWarehouse: dataLakeWarehouseDashboard,
  platformHealth: platformHealthDashboard,
  logs: logsDashboard,
  alerts: alertsDashboard,
  dbt: dbtDashboard,
  streaming: streamingDashboard,
};

export function allDashboards(specs: readonly PipelineSpec[], options: DashboardOptions = {}): RenderedDashboard[] {
  return (Object.keys(DASHBOARDS) as DashboardKey[]).map((key) => {
    // A JSON round trip leaves plain data: no builder internals, no undefined values.
    const json = JSON.parse(JSON.stringify(DASHBOARDS[key](specs, options).build())) as DashboardJson;
    return { key, uid: DASHBOARD_UIDS[key], title: json.title, json };
  });
}
