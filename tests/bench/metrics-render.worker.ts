import { Counter, Gauge, Histogram, MetricObjectWithValues, MetricValue, Registry, Summary } from 'prom-client';
import { createApp } from '../../metrics-app/src/app';
import { ManualClock } from '../../metrics-app/src/clock';
import { createLogger } from '../../service-kit/log';
import { SIMULATED_FAMILIES, STATSD_SUMMARY_OPTIONS } from '../../metrics-app/src/metrics';

/**
 * One size of the metrics-render benchmark, in its own process so RSS is that
 * size's alone. Prints one JSON line: see MetricsRenderSample.
 */
export interface MetricsRenderSample {
  readonly pipelines: number;
  readonly series: number;
  readonly populateMs: number;
  readonly renderMs: number;
  readonly floorMs: number;
  /** Resident memory after populating and a full GC, before the floor registry exists (includes the TypeScript loader). */
  readonly rssMiB: number;
  readonly heapMiB: number;
}

const PIPELINE_HOURS = 6;

async function main(): Promise<void> {
  const pipelines = Number(process.argv[2]);
  const renders = Number(process.argv[3]);
  const clock = new ManualClock(Date.UTC(2025, 0, 6));
  const app = createApp(
    {
      host: '127.0.0.1',
      port: 0,
      timeScale: 60,
      seed: 'bench',
      tickMs: 1000,
      pipelines,
      scenarios: [],
      historyBufferRows: 1000,
      historyMemoryRows: 1000,
    },
    { wallClock: clock, log: createLogger({ level: 'error' }) },
  );
  const populateStart = performance.now();
  app.runner.step();
  for (let hour = 0; hour < PIPELINE_HOURS; hour++) app.runner.fastForward(3600);
  const populateMs = performance.now() - populateStart;

  global.gc?.();
  const memory = process.memoryUsage();
  const floor = await bareRegistryLike(app.metrics.registry);
  const exposition = await app.metrics.render();
  if (seriesOf(exposition) !== seriesOf(await floor.metrics())) throw new Error('the floor registry does not expose the same series as the simulator');

  // Warm both paths, then alternate so drift (GC, CPU frequency) hits both alike.
  for (let i = 0; i < 2; i++) {
    await app.metrics.render();
    await floor.metrics();
  }
  const appTimes: number[] = [];
  const floorTimes: number[] = [];
  for (let i = 0; i < renders; i++) {
    appTimes.push(await timed(() => app.metrics.render()));
    floorTimes.push(await timed(() => floor.metrics()));
  }
  const sample: MetricsRenderSample = {
    pipelines,
    series: exposition.split('\n').filter((l) => l !== '' && !l.startsWith('#')).length,
    populateMs,
    renderMs: median(appTimes),
    floorMs: median(floorTimes),
    rssMiB: memory.rss / 2 ** 20,
    heapMiB: memory.heapUsed / 2 ** 20,
  };
  process.stdout.write(`${JSON.stringify(sample)}\n`);
}

/** Sample names and sorted labels, without values or order: what "the same series" means. */
function seriesOf(exposition: string): string {
  return exposition
    .split('\n')
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => {
      const [, name, labels = ''] = /^([^{ ]+)(?:\{(.*)\})? /.exec(line)!;
      return `${name}{${(labels.match(/[a-zA-Z_]\w*="(?:[^"\\]|\\.)*"/g) ?? []).sort().join(',')}}`;
    })
    .sort()
    .join('\n');
}

async function timed(render: () => Promise<string>): Promise<number> {
  const start = performance.now();
  await render();
  return performance.now() - start;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/**
 * The library's floor: a plain prom-client registry with the same families and
 * series, filled straight from the simulator's values. Its summaries are
 * prom-client's cheapest kind (no sliding window), given as many distinct
 * observations as the simulator's, with the same sum.
 */
async function bareRegistryLike(source: Registry): Promise<Registry> {
  const floor = new Registry();
  const byName = new Map((await source.getMetricsAsJSON()).map((m) => [m.name, m as MetricObjectWithValues<MetricValue<string>>]));
  for (const family of SIMULATED_FAMILIES) {
    const config = { name: family.name, help: family.help, labelNames: [...family.labels], registers: [floor] };
    const values = byName.get(family.name)!.values;
    if (family.type === 'counter') {
      const counter = new Counter(config);
      for (const v of values) counter.inc(v.labels, v.value);
    } else if (family.type === 'gauge') {
      const gauge = new Gauge(config);
      for (const v of values) gauge.set(v.labels, v.value);
    } else if (family.type === 'summary') {
      replaySummary(new Summary({ ...config, percentiles: [...STATSD_SUMMARY_OPTIONS.percentiles] }), family.name, values);
    } else {
      replayHistogram(new Histogram(config), family.name, values);
    }
  }
  return floor;
}

function replaySummary(summary: Summary<string>, name: string, values: ReadonlyArray<MetricValue<string> & { metricName?: string }>): void {
  const sums = values.filter((v) => v.metricName === `${name}_sum`);
  const counts = values.filter((v) => v.metricName === `${name}_count`);
  sums.forEach((sum, i) => {
    const count = counts[i].value;
    const mean = sum.value / count;
    // Spread around the mean (average exactly the mean): distinct values, one centroid each, like real observations.
    for (let k = 0; k < count; k++) summary.observe(sum.labels, mean * (0.5 + (k + 0.5) / count));
  });
}

function replayHistogram(histogram: Histogram<string>, name: string, values: ReadonlyArray<MetricValue<string> & { metricName?: string }>): void {
  const buckets = values.filter((v) => v.metricName === `${name}_bucket`);
  let previous = 0;
  for (const bucket of buckets) {
    const { le, ...labels } = bucket.labels;
    const upper = le === '+Inf' ? Number.MAX_VALUE : Number(le);
    for (let k = previous; k < bucket.value; k++) histogram.observe(labels, upper);
    previous = le === '+Inf' ? 0 : bucket.value;
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
