import { execFile } from 'child_process';
import { join, resolve } from 'path';
import { promisify } from 'util';
import { Benchmark, table } from './bench';
import type { MetricsRenderSample } from './metrics-render.worker';

/** Pipelines simulated, and how many renders to time at that size (fewer when each takes seconds). */
const SIZES: ReadonlyArray<{ readonly pipelines: number; readonly renders: number }> = [
  { pipelines: 100, renders: 30 },
  { pipelines: 1_000, renders: 10 },
  { pipelines: 10_000, renders: 5 },
];
const MAX_RATIO_TO_FLOOR = 1.5;
/** Render time per series may grow by this much from the middle size to the largest and still count as linear. */
const MAX_PER_SERIES_GROWTH = 1.5;

async function measure(pipelines: number, renders: number): Promise<MetricsRenderSample> {
  const worker = join(__dirname, 'metrics-render.worker.ts');
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['--expose-gc', '-r', 'ts-node/register/transpile-only', worker, String(pipelines), String(renders)],
    { cwd: resolve(__dirname, '../..'), timeout: 120_000, maxBuffer: 1 << 20 },
  );
  return JSON.parse(stdout.trim().split('\n').pop()!);
}

const benchmark: Benchmark = {
  name: '/metrics render time and memory versus a bare prom-client registry',
  async run(print) {
    const samples: MetricsRenderSample[] = [];
    for (const { pipelines, renders } of SIZES) samples.push(await measure(pipelines, renders));
    const perSeriesUs = (s: MetricsRenderSample) => (s.renderMs * 1000) / s.series;
    const rows = samples.map((s) => [
      s.pipelines.toLocaleString('en-US'),
      s.series.toLocaleString('en-US'),
      (s.populateMs / 1000).toFixed(1),
      s.renderMs.toFixed(1),
      s.floorMs.toFixed(1),
      (s.renderMs / s.floorMs).toFixed(2),
      perSeriesUs(s).toFixed(2),
      s.rssMiB.toFixed(0),
      s.heapMiB.toFixed(0),
    ]);
    for (const line of table(['pipelines', 'series', 'populate s', 'render ms', 'floor ms', 'ratio', 'us/series', 'RSS MiB', 'heap MiB'], rows)) print(line);

    const worstRatio = Math.max(...samples.map((s) => s.renderMs / s.floorMs));
    const [middle, largest] = samples.slice(-2);
    const growth = perSeriesUs(largest) / perSeriesUs(middle);
    print('');
    print(`render / floor: worst ${worstRatio.toFixed(2)} (goal <= ${MAX_RATIO_TO_FLOOR})`);
    print(`time per series, ${largest.pipelines.toLocaleString('en-US')} vs ${middle.pipelines.toLocaleString('en-US')} pipelines: x${growth.toFixed(2)} (goal <= ${MAX_PER_SERIES_GROWTH}: linear growth)`);
    print('floor: the same series in a plain prom-client registry (summaries without a sliding window, its cheapest kind); render = the simulator\'s /metrics body');
    return worstRatio <= MAX_RATIO_TO_FLOOR && growth <= MAX_PER_SERIES_GROWTH;
  },
};

export default benchmark;
