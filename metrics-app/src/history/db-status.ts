import { Gauge } from 'prom-client';
import { SimulatorMetrics } from '../metrics';

/**
 * The simulator's stand-in for the Airflow exporter's database health: its
 * history database plays Airflow's metadata database. `pipewatch_airflow_db_up`
 * is 1 while the state families are backed by the database: the start-up
 * restore read it and the latest write reached it. A failed restore keeps it
 * at 0 for the rest of the process's life, as the counters then started again
 * from 0. Without PostgreSQL it is always 1 (there is nothing to restore).
 */
export class HistoryDbStatus {
  private readonly up: Gauge<string>;
  private readonly queryDuration: Gauge<string>;
  private restored = true;

  constructor(metrics: SimulatorMetrics) {
    this.up = metrics.gauge('pipewatch_airflow_db_up');
    this.queryDuration = metrics.gauge('pipewatch_airflow_db_query_duration_seconds');
    this.up.set(1);
    this.queryDuration.set(0);
  }

  /** The start-up restore query: whether it succeeded and how long it took, failed ones included. */
  restoreDone(succeeded: boolean, seconds: number): void {
    this.restored = succeeded;
    this.up.set(succeeded ? 1 : 0);
    this.queryDuration.set(seconds);
  }

  writeDone(succeeded: boolean): void {
    this.up.set(this.restored && succeeded ? 1 : 0);
  }
}
