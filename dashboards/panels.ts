/**
 * Reading dashboard JSON back: panels with the row they sit in and their
 * queries in a known language. Lint and the review diff both work on this view,
 * so they agree on what a panel, a row and a query are.
 */
import type { DashboardJson } from '../content/grafana/dashboard-json';
import { QueryLanguage } from './query-languages';

export interface GridPos {
  readonly x: number;
  readonly y: number;
  readonly w: number;
  readonly h: number;
}

export interface PanelQuery {
  readonly refId: string;
  readonly language: QueryLanguage | 'other';
  readonly expr: string;
}

export interface PanelView {
  readonly id?: number;
  readonly type: string;
  readonly title: string;
  /** Title of the row the panel sits in; undefined above the first row. */
  readonly row?: string;
  readonly gridPos?: GridPos;
  readonly queries: readonly PanelQuery[];
  readonly json: Record<string, unknown>;
}

type Json = Record<string, unknown>;

const LANGUAGE_BY_DATASOURCE_TYPE: Readonly<Record<string, QueryLanguage>> = { prometheus: 'promql', loki: 'logql' };

function datasourceType(value: unknown): string | undefined {
  return value !== null && typeof value === 'object' ? ((value as Json).type as string | undefined) : undefined;
}

export function languageOf(datasource: unknown): QueryLanguage | 'other' {
  return LANGUAGE_BY_DATASOURCE_TYPE[datasourceType(datasource) ?? ''] ?? 'other';
}

function queriesOf(panel: Json): PanelQuery[] {
  const targets = Array.isArray(panel.targets) ? (panel.targets as Json[]) : [];
  return targets.map((t, i) => ({
    refId: typeof t.refId === 'string' ? t.refId : String.fromCharCode(65 + i),
    language: languageOf(t.datasource ?? panel.datasource),
    expr: typeof t.expr === 'string' ? t.expr : '',
  }));
}

function view(panel: Json, row: string | undefined): PanelView {
  return {
    id: typeof panel.id === 'number' ? panel.id : undefined,
    type: String(panel.type ?? ''),
    title: typeof panel.title === 'string' ? panel.title : '',
    row,
    gridPos: panel.gridPos as GridPos | undefined,
    queries: queriesOf(panel),
    json: panel,
  };
}

function byPosition(a: Json, b: Json): number {
  const pa = (a.gridPos ?? {}) as Partial<GridPos>;
  const pb = (b.gridPos ?? {}) as Partial<GridPos>;
  return (pa.y ?? 0) - (pb.y ?? 0) || (pa.x ?? 0) - (pb.x ?? 0);
}

/** Row panels themselves, in reading order. */
export function rowsOf(dashboard: DashboardJson): Json[] {
  return topLevel(dashboard).filter((p) => p.type === 'row');
}

function topLevel(dashboard: DashboardJson): Json[] {
  return [...((dashboard.panels as Json[] | undefined) ?? [])].sort(byPosition);
}

/** Every non-row panel in reading order, including those folded inside collapsed rows. */
export function panelsOf(dashboard: DashboardJson): PanelView[] {
  const panels: PanelView[] = [];
  let row: string | undefined;
  for (const panel of topLevel(dashboard)) {
    if (panel.type !== 'row') {
      panels.push(view(panel, row));
      continue;
    }
    row = String(panel.title ?? '');
    for (const nested of [...((panel.panels as Json[] | undefined) ?? [])].sort(byPosition)) panels.push(view(nested, row));
  }
  return panels;
}
