import { Duration } from '../duration';
import { Severity } from '../pipeline/spec';

/**
 * A business KPI watched against the same time last week, e.g. the
 * conversion rate falling 5% or more. Weekly, not daily: most KPIs have a
 * weekly rhythm, and a Sunday is no drop from a Saturday.
 */
export interface KpiMonitorSpec {
  /** Name of the KPI: the `kpi` label of its alert. */
  readonly kpi: string;
  /** PromQL selector of the KPI's series. @default - `pipewatch_business_kpi_value{kpi="<kpi>"}` */
  readonly series?: string;
  /** Which way is good: a conversion rate should stay up, a refund rate down. */
  readonly direction: 'higher-is-better' | 'lower-is-better';
  /** Alert when the KPI moved the bad way by this share of last week's value or more (0.05 = 5%). */
  readonly maxChangeVsLastWeek: number;
  readonly ownerTeam: string;
  /** @default 'warning' */
  readonly severity?: Severity;
}

/** Warehouse and business signals the stack alerts on. */
export interface WarehouseSpec {
  /**
   * Replication lag above which a replica of the warehouse's PostgreSQL
   * alerts (`pipewatch_pg_replication_lag_seconds`, from the queries file the
   * stack's postgres_exporter reads; run one such exporter per replica).
   * @default - no replication lag alert
   */
  readonly replicationLagBound?: Duration;
  /** How long the lag stays over the bound before the alert fires. @default 2 minutes */
  readonly replicationLagFor?: Duration;
  /** Team that owns the warehouse and its replicas. @default 'data-platform' */
  readonly team?: string;
  /** @default [] */
  readonly kpis?: readonly KpiMonitorSpec[];
}
