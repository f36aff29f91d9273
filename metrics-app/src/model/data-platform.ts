import { Random } from '../random';
import { RunRecord } from './events';

/** Tasks read from the raw zone; successful runs write the curated zone and load the warehouse. */
export const DATALAKE_ZONES = { read: 'raw', write: 'curated' } as const;
export const WAREHOUSE = 'main';
/** Curated data is compacted and deduplicated: it takes about half the raw bytes. */
const CURATED_SHARE = 0.5;
const INITIAL_BYTES = { raw: 1.2e12, curated: 0.4e12 };
const ORDERS_PER_HOUR_MEAN = 1200;
const AVERAGE_ORDER_EUR = 42.5;

export interface DataPlatformSnapshot {
  readonly datalakeBytes: ReadonlyArray<{ readonly zone: string; readonly bytes: number }>;
  readonly kpis: ReadonlyArray<{ readonly kpi: string; readonly value: number }>;
}

/** Data-lake space and the business KPIs the pipelines compute. */
export class DataPlatformSimulation {
  private rawBytes = INITIAL_BYTES.raw;
  private curatedBytes = INITIAL_BYTES.curated;
  private ordersPerHour = ORDERS_PER_HOUR_MEAN;

  constructor(private readonly random: Random) {}

  recordRun(run: RunRecord): void {
    this.rawBytes += run.bytesWritten;
    this.curatedBytes += run.bytesWritten * CURATED_SHARE;
  }

  /** Orders follow the day: lowest at 03:00, highest at 15:00 UTC, with some noise. */
  advanceTo(toMs: number): void {
    const hourOfDay = (toMs / 3_600_000) % 24;
    const daily = 1 + 0.6 * Math.sin((2 * Math.PI * (hourOfDay - 9)) / 24);
    this.ordersPerHour = ORDERS_PER_HOUR_MEAN * daily * (0.95 + this.random.next() * 0.1);
  }

  snapshot(): DataPlatformSnapshot {
    return {
      datalakeBytes: [
        { zone: DATALAKE_ZONES.read, bytes: this.rawBytes },
        { zone: DATALAKE_ZONES.write, bytes: this.curatedBytes },
      ],
      kpis: [
        { kpi: 'orders_per_hour', value: Math.round(this.ordersPerHour) },
        { kpi: 'revenue_eur_per_hour', value: Math.round(this.ordersPerHour * AVERAGE_ORDER_EUR) },
      ],
    };
  }
}
