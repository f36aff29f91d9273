import { Counter, Gauge, Histogram, Metric, Registry } from 'prom-client';
import { METRIC_CATALOG, MetricFamily, MetricSource, MetricType } from '../../content/metrics/catalog';
import { Clock, systemClock } from './clock';
import { WindowedSummary } from './windowed-summary';

/**
 * The catalog sources whose families the simulator produces; the rest come from real exporters.
 * `airflow-exporter`: the simulator stands in for Airflow's metadata database too.
 */
export const SIMULATED_SOURCES: readonly MetricSource[] = ['airflow', 'pipeline', 'platform-data', 'airflow-exporter', 'simulator'];

export const SIMULATED_FAMILIES: readonly MetricFamily[] = METRIC_CATALOG.filter((f) => SIMULATED_SOURCES.includes(f.source));

/** statsd_exporter's summaries (client_golang defaults): quantiles 0.5/0.9/0.99 over the last 10 minutes. */
export const STATSD_SUMMARY_OPTIONS = { percentiles: [0.5, 0.9, 0.99], maxAgeSeconds: 600, maxObservations: 1000 } as const;

type SimulatedMetric = Counter<string> | Gauge<string> | Histogram<string> | WindowedSummary;

/** Creates the metric for a catalog family in `registry`: name, type, help and labels all from the catalog. */
function createMetric(family: MetricFamily, registry: Registry, clock: Clock = systemClock): SimulatedMetric {
  const config = { name: family.name, help: family.help, labelNames: [...family.labels], registers: [registry] };
  switch (family.type) {
    case 'counter':
      return new Counter(config);
    case 'gauge':
      return new Gauge(config);
    case 'summary': {
      const summary = new WindowedSummary({ ...config, ...STATSD_SUMMARY_OPTIONS, now: () => clock.nowMs() });
      registry.registerMetric(summary as unknown as Metric<string>);
      return summary;
    }
    case 'histogram':
      // prom-client's default buckets (5 ms to 10 s) fit response times in seconds.
      return new Histogram(config);
  }
}

/**
 * Labels whose value is fixed by the statsd mapping (a literal instead of a
 * `$n` capture), e.g. `type="counter"` on airflow_scheduler_heartbeat.
 */
export function fixedLabelValues(family: MetricFamily): Readonly<Record<string, string>> {
  const fixed: Record<string, string> = {};
  for (const [label, value] of Object.entries(family.statsd?.labelValues ?? {})) {
    // `$n` is a capture, '' a tag the mapping removes: neither is a label of fixed value.
    if (value !== '' && !/^\$\d+$/.test(value)) fixed[label] = value;
  }
  return fixed;
}

type MetricOfType = { counter: Counter<string>; gauge: Gauge<string>; summary: WindowedSummary; histogram: Histogram<string> };

/** The simulator's registry, holding exactly the simulated catalog families. */
export class SimulatorMetrics {
  readonly registry = new Registry();
  private readonly metrics = new Map<string, { family: MetricFamily; metric: SimulatedMetric }>();

  /** `clock` drives the summaries' sliding window. */
  constructor(clock: Clock = systemClock) {
    for (const family of SIMULATED_FAMILIES) this.metrics.set(family.name, { family, metric: createMetric(family, this.registry, clock) });
  }

  counter(name: string): Counter<string> {
    return this.get(name, 'counter');
  }

  gauge(name: string): Gauge<string> {
    return this.get(name, 'gauge');
  }

  summary(name: string): WindowedSummary {
    return this.get(name, 'summary');
  }

  histogram(name: string): Histogram<string> {
    return this.get(name, 'histogram');
  }

  family(name: string): MetricFamily {
    return this.entry(name).family;
  }

  /** The Prometheus text exposition served on /metrics. */
  render(): Promise<string> {
    return this.registry.metrics();
  }

  private get<T extends MetricType>(name: string, type: T): MetricOfType[T] {
    const { family, metric } = this.entry(name);
    if (family.type !== type) throw new Error(`metric family "${name}" is a ${family.type} in the catalog, not a ${type}`);
    return metric as MetricOfType[T];
  }

  private entry(name: string): { family: MetricFamily; metric: SimulatedMetric } {
    const found = this.metrics.get(name);
    if (!found) throw new Error(`metric family "${name}" is not simulated: add it to content/metrics/catalog.ts with a simulated source (${SIMULATED_SOURCES.join(', ')})`);
    return found;
  }
}
