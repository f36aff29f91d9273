/** Label name to value, as the recorder passes them. */
type Labels = Readonly<Record<string, string>>;

export interface WindowedSummaryOptions {
  readonly name: string;
  readonly help: string;
  readonly labelNames: readonly string[];
  readonly percentiles: readonly number[];
  /** Quantiles cover the observations of the last `maxAgeSeconds`; _sum and _count cover all. */
  readonly maxAgeSeconds: number;
  /** Newest observations kept per series, bounding memory at high time compression. */
  readonly maxObservations: number;
  /** Wall-clock milliseconds; the window is real time, like statsd_exporter's. */
  readonly now: () => number;
}

/** One exposed sample, in the shape prom-client's Registry renders. */
interface SummarySample {
  readonly metricName?: string;
  readonly labels: Readonly<Record<string, string | number>>;
  readonly value: number;
}

/** What prom-client's Registry reads from a metric's get() (its typings say an enum; at run time it is the type name). */
interface SummarySnapshot {
  readonly name: string;
  readonly help: string;
  readonly type: 'summary';
  readonly values: readonly SummarySample[];
  readonly aggregator: 'sum';
}

interface Series {
  readonly labels: Labels;
  times: number[];
  values: number[];
  sum: number;
  count: number;
}

/**
 * A summary with statsd_exporter's semantics: quantiles over a sliding window,
 * NaN when the window is empty, cumulative _sum and _count. prom-client's own
 * windowed Summary re-compresses a t-digest per age bucket on every scrape,
 * which costs about a second per scrape at a thousand pipelines; the few
 * observations a pipeline series holds per window are cheaper to sort exactly.
 * Registered in a prom-client Registry like any of its metrics.
 */
export class WindowedSummary {
  readonly type = 'summary';
  readonly name: string;
  readonly help: string;
  readonly labelNames: readonly string[];
  /** Lets prom-client's cluster aggregation treat it like its own summaries. */
  readonly aggregator = 'sum';
  private readonly series = new Map<string, Series>();

  constructor(private readonly options: WindowedSummaryOptions) {
    this.name = options.name;
    this.help = options.help;
    this.labelNames = options.labelNames;
  }

  observe(labels: Labels, value: number): void {
    const series = this.seriesFor(labels);
    const now = this.options.now();
    series.times.push(now);
    series.values.push(value);
    series.sum += value;
    series.count++;
    if (series.values.length > 2 * this.options.maxObservations) this.prune(series, now);
  }

  async get(): Promise<SummarySnapshot> {
    const now = this.options.now();
    const values: SummarySample[] = [];
    for (const series of this.series.values()) {
      this.prune(series, now);
      const sorted = Float64Array.from(series.values).sort();
      for (const quantile of this.options.percentiles) {
        values.push({ labels: { ...series.labels, quantile }, value: sorted.length > 0 ? sorted[Math.max(0, Math.ceil(quantile * sorted.length) - 1)] : NaN });
      }
      values.push({ metricName: `${this.name}_sum`, labels: series.labels, value: series.sum });
      values.push({ metricName: `${this.name}_count`, labels: series.labels, value: series.count });
    }
    return { name: this.name, help: this.help, type: this.type, values, aggregator: this.aggregator };
  }

  reset(): void {
    this.series.clear();
  }

  private seriesFor(labels: Labels): Series {
    const names = Object.keys(labels);
    if (names.length !== this.labelNames.length || !this.labelNames.every((n) => labels[n] !== undefined)) {
      throw new Error(`${this.name} takes labels ${this.labelNames.join(', ') || '(none)'}, got ${names.join(', ') || '(none)'}`);
    }
    const key = this.labelNames.map((n) => labels[n]).join('\u0000');
    let series = this.series.get(key);
    if (!series) {
      series = { labels: Object.fromEntries(this.labelNames.map((n) => [n, labels[n]])), times: [], values: [], sum: 0, count: 0 };
      this.series.set(key, series);
    }
    return series;
  }

  private prune(series: Series, now: number): void {
    const oldest = now - this.options.maxAgeSeconds * 1000;
    let first = Math.max(0, series.values.length - this.options.maxObservations);
    while (first < series.times.length && series.times[first] < oldest) first++;
    if (first > 0) {
      series.times = series.times.slice(first);
      series.values = series.values.slice(first);
    }
  }
}
