/**
 * pipewatch's dashboard house style: fixed datasource UIDs, units, thresholds,
 * panel defaults and the `dag_id` variable. Every dashboard builds on these so
 * the set looks and behaves the same and lint rules have one place to point at.
 */
import * as bargauge from '@grafana/grafana-foundation-sdk/bargauge';
import * as common from '@grafana/grafana-foundation-sdk/common';
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import * as logs from '@grafana/grafana-foundation-sdk/logs';
import * as loki from '@grafana/grafana-foundation-sdk/loki';
import * as prometheus from '@grafana/grafana-foundation-sdk/prometheus';
import * as stat from '@grafana/grafana-foundation-sdk/stat';
import * as statetimeline from '@grafana/grafana-foundation-sdk/statetimeline';
import * as table from '@grafana/grafana-foundation-sdk/table';
import * as timeseries from '@grafana/grafana-foundation-sdk/timeseries';
import * as units from '@grafana/grafana-foundation-sdk/units';
import { DASHBOARD_UIDS, DashboardKey, DEFAULT_RUNBOOK_BASE_URL, dashboardUrl, runbookUrl } from '../content/links';
import { LOKI_DATASOURCE, PipewatchDatasource, PROMETHEUS_DATASOURCE } from '../content/grafana/datasources';
import { PipelineSpec } from '../content/pipeline/spec';

// ---------------------------------------------------------------- datasources

/** The reference a panel or query stores: Grafana resolves it by uid and checks the type. */
function ref(ds: PipewatchDatasource): common.DataSourceRef {
  return { type: ds.type, uid: ds.uid };
}

// ---------------------------------------------------------------- options

export interface DashboardOptions {
  /** Where alert runbooks are published; panels link to one anchor per alert. @default DEFAULT_RUNBOOK_BASE_URL */
  readonly runbookBaseUrl?: string;
  /** The Jaeger datasource is provisioned: runs link to their traces. @default false */
  readonly traces?: boolean;
}

/** A dashboard function: pipeline specs and options in, Foundation SDK builder out. */
export type DashboardFactory = (specs: readonly PipelineSpec[], options?: DashboardOptions) => dashboard.DashboardBuilder;

// ---------------------------------------------------------------- units and thresholds

/** The units pipewatch panels use, named for what they measure. */
export const UNIT = {
  seconds: units.Seconds,
  duration: units.DurationSeconds,
  ratio: units.PercentUnit,
  count: units.Short,
  bytes: units.BytesIEC,
  perSecond: units.OpsPerSecond,
  rowsPerSecond: units.RowsPerSecond,
  /** A Unix timestamp in milliseconds, shown as "3 minutes ago". */
  timeAgo: units.DateTimeFromNow,
  /** CPU cores (CPU-seconds per second). */
  cores: units.Short,
  /** Flags and states drawn through value mappings. */
  state: units.NoUnit,
} as const;

export const COLOR = { ok: 'green', warn: 'orange', bad: 'red', info: 'blue' } as const;

function steps(...list: dashboard.Threshold[]): dashboard.ThresholdsConfigBuilder {
  return new dashboard.ThresholdsConfigBuilder().mode(dashboard.ThresholdsMode.Absolute).steps(list);
}

export const thresholds = {
  /** Green below `warn`, orange from `warn`, red from `bad`. */
  higherIsWorse: (warn: number, bad: number) =>
    steps({ value: null, color: COLOR.ok }, { value: warn, color: COLOR.warn }, { value: bad, color: COLOR.bad }),
  /** Red below `bad`, orange below `warn`, green from `warn`. */
  lowerIsWorse: (bad: number, warn: number) =>
    steps({ value: null, color: COLOR.bad }, { value: bad, color: COLOR.warn }, { value: warn, color: COLOR.ok }),
  /** Any value above zero is a problem (failures, errors, targets down). */
  anyIsBad: () => steps({ value: null, color: COLOR.ok }, { value: 1, color: COLOR.bad }),
  /** 1 is healthy, anything below is down. */
  upIsGood: () => steps({ value: null, color: COLOR.bad }, { value: 1, color: COLOR.ok }),
  /** No judgement: a plain informational value. */
  neutral: () => steps({ value: null, color: COLOR.info }),
};

/** 1 → "Up" in green, 0 → "Down" in red: for `up`, `pg_up`, `redis_up` style flags. */
export const UP_DOWN_MAPPINGS: dashboard.ValueMapping[] = [
  {
    type: dashboard.MappingType.ValueToText,
    options: { '0': { text: 'Down', color: COLOR.bad, index: 0 }, '1': { text: 'Up', color: COLOR.ok, index: 1 } },
  },
];

// ---------------------------------------------------------------- queries

export interface PromQueryOptions {
  /** Legend template, e.g. `{{dag_id}}`. */
  readonly legend?: string;
  /** One value per series at the end of the range (stats, tables) instead of a time series. */
  readonly instant?: boolean;
  /** Return a table frame (for table panels that merge several queries). */
  readonly table?: boolean;
}

export function promQuery(expr: string, options: PromQueryOptions = {}): prometheus.DataqueryBuilder {
  const query = new prometheus.DataqueryBuilder().datasource(ref(PROMETHEUS_DATASOURCE)).expr(expr).editorMode(prometheus.QueryEditorMode.Code);
  if (options.legend !== undefined) query.legendFormat(options.legend);
  if (options.instant) query.instant();
  else query.range();
  if (options.table) query.format(prometheus.PromQueryFormat.Table);
  return query;
}

export function lokiQuery(expr: string, legend?: string): loki.DataqueryBuilder {
  const query = new loki.DataqueryBuilder().datasource(ref(LOKI_DATASOURCE)).expr(expr).editorMode(loki.QueryEditorMode.Code);
  if (legend !== undefined) query.legendFormat(legend);
  return query;
}

type Query = prometheus.DataqueryBuilder | loki.DataqueryBuilder;

/** refIds A, B, C… in order, so diffs and table transformations can name each query. */
function withRefIds(queries: readonly Query[]): Query[] {
  return queries.map((q, i) => q.refId(String.fromCharCode(65 + i)));
}

// ---------------------------------------------------------------- panels

export interface PanelProps {
  readonly title: string;
  readonly description?: string;
  readonly queries: readonly Query[];
  /** Grid columns out of 24. */
  readonly width?: number;
  /** Grid rows (30 px each). */
  readonly height?: number;
}

export interface NumericPanelProps extends PanelProps {
  readonly unit: string;
  readonly thresholds?: dashboard.ThresholdsConfigBuilder;
  /** Panel-level links (runbooks, drill-downs). */
  readonly links?: readonly dashboard.DashboardLinkBuilder[];
}

/** What every panel builder offers, whatever its visualization. */
interface AnyPanelBuilder {
  title(title: string): this;
  description(description: string): this;
  datasource(datasource: common.DataSourceRef): this;
  targets(targets: Query[]): this;
  span(w: number): this;
  height(h: number): this;
}

interface AnyNumericPanelBuilder extends AnyPanelBuilder {
  unit(unit: string): this;
  thresholds(thresholds: dashboard.ThresholdsConfigBuilder): this;
  links(links: dashboard.DashboardLinkBuilder[]): this;
}

function datasourceOf(queries: readonly Query[]): PipewatchDatasource {
  return queries.some((q) => q instanceof loki.DataqueryBuilder) ? LOKI_DATASOURCE : PROMETHEUS_DATASOURCE;
}

function basePanel<P extends AnyPanelBuilder>(panel: P, props: PanelProps, defaultSize: { width: number; height: number }): P {
  panel
    .title(props.title)
    .datasource(ref(datasourceOf(props.queries)))
    .targets(withRefIds(props.queries))
    .span(props.width ?? defaultSize.width)
    .height(props.height ?? defaultSize.height);
  if (props.description) panel.description(props.description);
  return panel;
}

function numericPanel<P extends AnyNumericPanelBuilder>(panel: P, props: NumericPanelProps, defaultSize: { width: number; height: number }): P {
  basePanel(panel, props, defaultSize)
    .unit(props.unit)
    .thresholds(props.thresholds ?? thresholds.neutral());
  if (props.links) panel.links([...props.links]);
  return panel;
}

const lastValue = () => new common.ReduceDataOptionsBuilder().calcs(['lastNotNull']).values(false).fields('');

/** A single big number: the current state of one thing. */
export function statPanel(props: NumericPanelProps): stat.PanelBuilder {
  return numericPanel(new stat.PanelBuilder(), props, { width: 4, height: 4 })
    .reduceOptions(lastValue())
    .colorMode(common.BigValueColorMode.Value)
    .graphMode(common.BigValueGraphMode.Area)
    .textMode(common.BigValueTextMode.Auto);
}

/** A trend over the dashboard's time range. */
export function timeseriesPanel(props: NumericPanelProps): timeseries.PanelBuilder {
  return numericPanel(new timeseries.PanelBuilder(), props, { width: 12, height: 8 })
    .legend(new common.VizLegendOptionsBuilder().showLegend(true).displayMode(common.LegendDisplayMode.List).placement(common.LegendPlacement.Bottom))
    .tooltip(new common.VizTooltipOptionsBuilder().mode(common.TooltipDisplayMode.Multi).sort(common.SortOrder.Descending))
    .lineWidth(1)
    .fillOpacity(10)
    .showPoints(common.VisibilityMode.Never)
    .spanNulls(false);
}

/** One bar per series: comparisons across pipelines, checks or containers. */
export function barGaugePanel(props: NumericPanelProps): bargauge.PanelBuilder {
  return numericPanel(new bargauge.PanelBuilder(), props, { width: 12, height: 8 })
    .reduceOptions(lastValue())
    .displayMode(common.BarGaugeDisplayMode.Gradient)
    .orientation(common.VizOrientation.Horizontal)
    .showUnfilled(true);
}

/** Rows of labelled values, typically several instant queries merged on their labels. */
export function tablePanel(props: NumericPanelProps): table.PanelBuilder {
  return numericPanel(new table.PanelBuilder(), props, { width: 24, height: 8 }).filterable(true);
}

/** Discrete states over time (OK / violated), one lane per series. */
export function stateTimelinePanel(props: NumericPanelProps & { readonly mappings: dashboard.ValueMapping[] }): statetimeline.PanelBuilder {
  return numericPanel(new statetimeline.PanelBuilder(), props, { width: 24, height: 8 })
    .mappings(props.mappings)
    .showValue(common.VisibilityMode.Never)
    .mergeValues(true)
    .legend(new common.VizLegendOptionsBuilder().showLegend(true).displayMode(common.LegendDisplayMode.List).placement(common.LegendPlacement.Bottom));
}

/** Raw log lines from Loki, newest first. */
export function logsPanel(props: PanelProps): logs.PanelBuilder {
  return basePanel(new logs.PanelBuilder(), props, { width: 24, height: 12 })
    .showTime(true)
    .wrapLogMessage(true)
    .enableLogDetails(true)
    .showCommonLabels(false)
    .sortOrder(common.LogsSortOrder.Descending)
    .dedupStrategy(common.LogsDedupStrategy.None);
}

// ---------------------------------------------------------------- table transformations

/** Joins several instant table queries on their shared labels, drops the time column and names the value columns. */
export function mergeAndName(columns: Readonly<Record<string, string>>): dashboard.DataTransformerConfig[] {
  return [
    { id: 'merge', options: {} },
    {
      id: 'organize',
      options: {
        excludeByName: { Time: true },
        renameByName: Object.fromEntries(Object.entries(columns).map(([refId, name]) => [`Value #${refId}`, name])),
      },
    },
  ];
}

// ---------------------------------------------------------------- variables

export interface DagIdVariableOptions {
  /** Allow several DAGs and "All" (overview-style dashboards). Single-DAG dashboards leave it off. @default false */
  readonly multi?: boolean;
}

/**
 * The `dag_id` variable every pipeline dashboard filters on. Values come from
 * the DAGs Airflow reports (so DAGs outside the specs still show up); the first
 * declared pipeline is the default for single-DAG dashboards.
 */
export function dagIdVariable(specs: readonly PipelineSpec[], options: DagIdVariableOptions = {}): dashboard.QueryVariableBuilder {
  const variable = new dashboard.QueryVariableBuilder('dag_id')
    .label('Pipeline (dag_id)')
    .datasource(ref(PROMETHEUS_DATASOURCE))
    .query('label_values(airflow_ti_finish, dag_id)')
    .refresh(dashboard.VariableRefresh.OnTimeRangeChanged)
    .sort(dashboard.VariableSort.AlphabeticalAsc);
  if (options.multi) {
    return variable.multi(true).includeAll(true).allValue('.*').current({ text: 'All', value: '$__all' });
  }
  const first = specs[0]?.dagId;
  return first === undefined ? variable : variable.current({ text: first, value: first });
}

/** A multi-select over one Loki label, with the values found in the given streams. */
export function lokiLabelVariable(name: string, label: string, streamSelector: string): dashboard.QueryVariableBuilder {
  return new dashboard.QueryVariableBuilder(name)
    .label(label)
    .datasource(ref(LOKI_DATASOURCE))
    .query(`label_values(${streamSelector}, ${label})`)
    .refresh(dashboard.VariableRefresh.OnTimeRangeChanged)
    .sort(dashboard.VariableSort.AlphabeticalAsc)
    .multi(true)
    .includeAll(true)
    .allValue('.*')
    .current({ text: 'All', value: '$__all' });
}

// ---------------------------------------------------------------- links

/**
 * Links stay relative (`/d/<uid>`), so the same JSON works in any Grafana
 * whatever its public URL; Grafana adds its own sub-path when following them.
 */
function detailUrl(dagId: string): string {
  return `${dashboardUrl('', 'pipelineDetail', dagId)}&\${__url_time_range}`;
}

/** Data link for table cells and series that carry a `dag_id` label. */
export function detailLinkForDagIdField(): dashboard.DashboardLinkBuilder {
  return new dashboard.DashboardLinkBuilder('Open pipeline detail')
    .type(dashboard.DashboardLinkType.Link)
    .url(`${dashboardUrl('', 'pipelineDetail')}?var-dag_id=\${__data.fields.dag_id}&\${__url_time_range}`);
}

export function detailLink(dagId: string): dashboard.DashboardLinkBuilder {
  return new dashboard.DashboardLinkBuilder(`Pipeline detail: ${dagId}`).type(dashboard.DashboardLinkType.Link).url(detailUrl(dagId));
}

export function dashboardLink(key: DashboardKey, title: string): dashboard.DashboardLinkBuilder {
  return new dashboard.DashboardLinkBuilder(title).type(dashboard.DashboardLinkType.Link).url(`${dashboardUrl('', key)}?\${__url_time_range}`);
}

export function runbookLink(alertName: string, options: DashboardOptions): dashboard.DashboardLinkBuilder {
  return new dashboard.DashboardLinkBuilder(`Runbook: ${alertName}`)
    .type(dashboard.DashboardLinkType.Link)
    .url(runbookUrl(alertName, options.runbookBaseUrl ?? DEFAULT_RUNBOOK_BASE_URL))
    .targetBlank(true);
}

// ---------------------------------------------------------------- dashboard

/** Tag every pipewatch dashboard carries; the navigation dropdown lists dashboards by it. */
const PIPEWATCH_TAG = 'pipewatch';

/**
 * A dashboard with the house defaults: stable UID, UTC, shared crosshair, a
 * dropdown to the rest of the set, and read-only because the code is the source.
 */
export function pipewatchDashboard(key: DashboardKey, title: string, description: string, tags: readonly string[] = []): dashboard.DashboardBuilder {
  return new dashboard.DashboardBuilder(title)
    .uid(DASHBOARD_UIDS[key])
    .description(description)
    .tags([PIPEWATCH_TAG, ...tags])
    .timezone('utc')
    .time({ from: 'now-24h', to: 'now' })
    .refresh('1m')
    .tooltip(dashboard.DashboardCursorSync.Crosshair)
    .readonly()
    .link(
      new dashboard.DashboardLinkBuilder('pipewatch dashboards')
        .type(dashboard.DashboardLinkType.Dashboards)
        .tags([PIPEWATCH_TAG])
        .asDropdown(true)
        .includeVars(false)
        .keepTime(true),
    );
}
