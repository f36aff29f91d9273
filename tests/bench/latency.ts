/**
 * Alert latency on real servers: from a pipeline failure injected into the
 * simulator to the PipelineRunFailed notification arriving at the webhook
 * receiver, through Prometheus and Alertmanager configured by the stack's own
 * render functions (tests/live/harness). Two configurations:
 *
 * - defaults: the stack's 15s scrape and evaluation, the rule's own `for`
 *   (none: it fires on its first evaluation) and the routing's group_wait (30s);
 * - seed-style: 15s scrape, 1m evaluation, `for: 5m` on PipelineRunFailed,
 *   30s group_wait. A run takes over six minutes, so it gets fewer runs.
 *
 * Every run has a fresh stack (empty TSDB, no notification log) and waits a
 * random part of the evaluation interval before injecting, so the runs sample
 * the scrape and evaluation phases instead of repeating one.
 *
 *   npx ts-node --transpile-only tests/bench/latency.ts [--runs=5] [--seed-runs=2] [--concurrency=2]
 */
import { RuleGroup } from '../../content/rules/types';
import { pipelineAlert } from '../live/harness/expectations';
import { DEFAULT_INTERVALS, Intervals } from '../live/harness/live-configs';
import { LiveStack } from '../live/harness/stack';
import { sleep } from '../live/harness/wait';
import { Benchmark, table } from './bench';

/** A critical pipeline with no upstream: nothing can inhibit or delay its alert. */
const DAG_ID = 'datalake_ingest';
const ALERT = 'PipelineRunFailed';
/** Goal for the stack's defaults. */
const GOAL_P50_SECONDS = 45;

interface Configuration {
  readonly name: string;
  readonly intervals: Intervals;
  /** `for` of PipelineRunFailed; undefined keeps the rule's own. */
  readonly forDuration?: string;
}

const DEFAULTS: Configuration = { name: 'defaults', intervals: DEFAULT_INTERVALS };
const SEED_STYLE: Configuration = { name: 'seed-style', intervals: { scrapeIntervalSeconds: 15, evaluationIntervalSeconds: 60 }, forDuration: '5m' };

/** The rule groups with `for` set on PipelineRunFailed. */
function withRunFailedFor(forDuration: string): (groups: RuleGroup[]) => RuleGroup[] {
  return (groups) => groups.map((g) => ({ ...g, rules: g.rules.map((r) => ('alert' in r && r.alert === ALERT ? { ...r, for: forDuration } : r)) }));
}

/** Stacks running now, stopped by the signal handlers of a standalone run. */
const activeStacks = new Set<LiveStack>();

/** One measurement: seconds from the failed run being served on /metrics to its notification. */
async function measureOnce(config: Configuration, index: number): Promise<number> {
  const stack = await LiveStack.start({ name: `latency-${config.name}-${index}`, intervals: config.intervals, adjustRules: config.forDuration ? withRunFailedFor(config.forDuration) : undefined });
  activeStacks.add(stack);
  try {
    await stack.waitUntilScraping();
    await sleep(Math.random() * config.intervals.evaluationIntervalSeconds * 1000);
    await stack.simulator.setScenario(DAG_ID, 'fail');
    // Two hours always hold one complete failed run; when the call returns, /metrics serves the failure.
    await stack.simulator.advanceHours(2);
    const injectedAt = Date.now();
    const timeoutMs = (config.forDuration ? 10 : 3) * 60_000;
    const alert = await stack.receiver.waitFor(pipelineAlert(ALERT, DAG_ID), timeoutMs, `${ALERT} for ${DAG_ID}`);
    return (alert.receivedAtMs - injectedAt) / 1000;
  } finally {
    activeStacks.delete(stack);
    await stack.stop();
  }
}

/** Runs `tasks` with at most `concurrency` at a time, keeping their order in the result. */
async function limited<T>(tasks: readonly (() => Promise<T>)[], concurrency: number): Promise<T[]> {
  const results: T[] = new Array(tasks.length);
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) {
      const i = next++;
      results[i] = await tasks[i]();
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, tasks.length) }, worker));
  return results;
}

function percentile(sorted: readonly number[], p: number): number {
  const rank = (sorted.length - 1) * p;
  const low = Math.floor(rank);
  return sorted[low] + (sorted[Math.ceil(rank)] - sorted[low]) * (rank - low);
}

export interface LatencyOptions {
  readonly runs: number;
  readonly seedRuns: number;
  /** Stacks measured at the same time within each configuration (the seed-style runs always overlap the default ones). */
  readonly concurrency: number;
}

export async function measureLatency(options: LatencyOptions, print: (line: string) => void): Promise<boolean> {
  const failures: string[] = [];
  // A failed run is reported and left out; the others go on, and every stack is stopped either way.
  const runs = (config: Configuration, count: number) =>
    Array.from({ length: count }, (_, i) => async (): Promise<number[]> => {
      try {
        const seconds = await measureOnce(config, i);
        print(`  ${config.name} run ${i + 1}/${count}: ${seconds.toFixed(1)} s`);
        return [seconds];
      } catch (error) {
        failures.push(`${config.name} run ${i + 1}: ${(error as Error).message.split('\n')[0]}`);
        print(`  ${config.name} run ${i + 1}/${count}: FAILED (${(error as Error).message.split('\n')[0]})`);
        return [];
      }
    });
  // The long seed-style runs proceed while the default runs are measured.
  const [defaults, seedStyle] = (
    await Promise.all([limited(runs(DEFAULTS, options.runs), options.concurrency), limited(runs(SEED_STYLE, options.seedRuns), options.seedRuns)])
  ).map((samples) => samples.flat());
  const row = (config: Configuration, samples: number[]) => {
    const sorted = [...samples].sort((a, b) => a - b);
    const { scrapeIntervalSeconds: scrape, evaluationIntervalSeconds: evaluation } = config.intervals;
    const stat = (value: number | undefined) => (value === undefined ? '-' : value.toFixed(1));
    return [config.name, `${scrape}s`, `${evaluation}s`, config.forDuration ?? 'none (rule)', '30s', String(samples.length), stat(sorted.length ? percentile(sorted, 0.5) : undefined), stat(sorted.at(-1)), stat(sorted[0])];
  };
  print('');
  for (const line of table(['configuration', 'scrape', 'eval', 'for', 'group_wait', 'runs', 'p50 s', 'max s', 'min s'], [row(DEFAULTS, defaults), row(SEED_STYLE, seedStyle)])) print(line);
  if (failures.length > 0) print(`\nfailed runs:\n${failures.map((f) => `  ${f}`).join('\n')}`);
  if (defaults.length === 0) return false;
  const p50 = percentile([...defaults].sort((a, b) => a - b), 0.5);
  print(`\ngoal: p50 <= ${GOAL_P50_SECONDS} s with the defaults for a critical pipeline failure (${DAG_ID}): ${p50 <= GOAL_P50_SECONDS ? 'met' : 'MISSED'} (${p50.toFixed(1)} s)`);
  return p50 <= GOAL_P50_SECONDS && failures.length === 0;
}

const benchmark: Benchmark = {
  name: 'Alert latency: failure injected to notification received (live servers)',
  run: (print) => measureLatency({ runs: 5, seedRuns: 2, concurrency: 2 }, print),
};
export default benchmark;

function option(name: string, fallback: number): number {
  const arg = process.argv.find((a) => a.startsWith(`--${name}=`));
  const value = arg ? Number(arg.split('=')[1]) : fallback;
  if (!Number.isInteger(value) || value < 1) throw new Error(`--${name} must be a whole number of at least 1, got ${arg}`);
  return value;
}

if (require.main === module) {
  const started = Date.now();
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      console.error(`${signal}: stopping ${activeStacks.size} stack(s)`);
      void Promise.allSettled([...activeStacks].map((s) => s.stop())).then(() => process.exit(130));
    });
  }
  measureLatency({ runs: option('runs', 5), seedRuns: option('seed-runs', 2), concurrency: option('concurrency', 2) }, (line) => console.log(line))
    .then((met) => {
      console.log(`\nfinished in ${((Date.now() - started) / 1000).toFixed(0)} s`);
      process.exit(met ? 0 : 1);
    })
    .catch((error) => {
      console.error(error);
      process.exit(2);
    });
}
