import { DashboardKey } from '../../content/links';
import { allDashboards, RenderedDashboard } from '../../dashboards/index';
import { DashboardJson } from '../../content/grafana/dashboard-json';
import { DEFAULT_PIPELINES_FILE, loadPipelineCatalog } from '../../content/pipeline/catalog';

const EXAMPLE_PIPELINES = loadPipelineCatalog(DEFAULT_PIPELINES_FILE);

/** The dashboards as committed: rendered from the example pipelines with default options. */
export const EXAMPLE_DASHBOARDS: readonly RenderedDashboard[] = allDashboards(EXAMPLE_PIPELINES);

export function exampleDashboard(key: DashboardKey): DashboardJson {
  return structuredClone(EXAMPLE_DASHBOARDS.find((d) => d.key === key)!.json);
}

type Json = Record<string, any>;

/** Non-row panels of a dashboard JSON, for tests that poke at them. */
export function panels(dashboard: DashboardJson): Json[] {
  return (dashboard.panels as Json[]).filter((p) => p.type !== 'row');
}

export function panelTitled(dashboard: DashboardJson, title: string): Json {
  const found = panels(dashboard).find((p) => p.title === title);
  if (!found) throw new Error(`no panel titled "${title}" in ${String(dashboard.title)}`);
  return found;
}

export function expressions(panel: Json): string[] {
  return (panel.targets as Json[]).map((t) => t.expr as string);
}
