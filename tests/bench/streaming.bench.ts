import { execFile } from 'child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { promisify } from 'util';
import { renderRuleFile } from '../../content/rules/render';
import { STREAMING_RULE_FILE, streamingRuleGroups } from '../../content/streaming/rules';
import { StreamingPipelineSpec } from '../../content/streaming/spec';
import { toYaml } from '../../content/yaml';
import { getText, isOk, sampleSum } from '../live/harness/http';
import { ManagedProcess } from '../live/harness/processes';
import { liveTools, REPO_ROOT } from '../live/harness/tools';
import { freePort } from '../support/ports';
import { localKafka } from '../streaming/kafka-broker';
import { Benchmark, table } from './bench';

/**
 * Cost of streaming pipelines as their number grows: the streaming rule file (size, render time, and
 * its evaluation in a real Prometheus scraping the lag exporter), and the consumer-lag exporter's scrape
 * time against a real Kafka broker on loopback where every pipeline's group committed offsets.
 */
const SIZES = [10, 100, 1_000];
/** Cost per pipeline may grow this much from 100 to 1,000 pipelines and still count as linear. */
const MAX_SUPERLINEAR = 1.5;
/** content/prometheus/config.ts sets no scrape_timeout, so Prometheus's default applies. */
const PROMETHEUS_SCRAPE_TIMEOUT_S = 10;
/** The live tier's intervals: cycles come quickly, the cost of one does not depend on them. */
const INTERVAL_S = 5;
const SCRAPES = 5;
const EVALUATION_CYCLES = 3;
const TOPIC = 'bench.events';
const PARTITIONS = 2;
const RECORDS = 200;

const run = promisify(execFile);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** `n` pipelines shaped like the example's fraud pipeline, each with its own group, query, table and model, on one shared topic. */
function syntheticPipelines(n: number): StreamingPipelineSpec[] {
  return Array.from({ length: n }, (_, i) => ({
    name: `stream_${i}`,
    ownerTeam: `team_${i % 10}`,
    topics: [TOPIC],
    consumerGroup: `bench-group-${i}`,
    spark: { app: `app_${i}`, query: `query_${i}` },
    deltaTables: [{ table: `table_${i}` }],
    servedModel: { model: `model_${i}` },
  }));
}

interface Sample {
  readonly pipelines: number;
  readonly rules: number;
  readonly ruleBytes: number;
  readonly renderMs: number;
  /** Median time of one GET /metrics of the lag exporter, or why it was not measured. */
  readonly scrapeSeconds: number | string;
  readonly evaluationSeconds: number | string;
}

/** Streaming tools from scripts/install-streaming.sh, or the reason there are none. */
async function streamingTools(): Promise<{ jars: string; python: string } | string> {
  try {
    const { stdout } = await run('bash', ['scripts/install-streaming.sh'], { cwd: REPO_ROOT, timeout: 3_600_000, maxBuffer: 64 << 20 });
    const value = (name: string) => new RegExp(`^${name}=(.+)$`, 'm').exec(stdout)?.[1];
    const [jars, venv] = [value('kafka_classpath'), value('venv')];
    if (!jars || !venv) return `scripts/install-streaming.sh printed no kafka_classpath or venv:\n${stdout}`;
    return { jars, python: join(venv, 'bin', 'python') };
  } catch (e: any) {
    return `scripts/install-streaming.sh failed: ${String(e.stderr ?? e.message).trim().split('\n').slice(-3).join(' ')}`;
  }
}

/** One Kafka broker (KRaft, broker and controller in one JVM) on loopback, with a 2-partition topic holding a few records. */
async function startKafka(dir: string, jars: string, python: string): Promise<{ process: ManagedProcess; bootstrap: string }> {
  const [broker, controller] = [await freePort(), await freePort()];
  const kafka = await localKafka({ dir, jars, brokerPort: broker, controllerPort: controller, logDirs: [join(dir, 'data')] });
  await kafka.start();
  const bootstrap = `127.0.0.1:${broker}`;
  const client = (...args: string[]) => run(python, [join(REPO_ROOT, 'tests/streaming/kafka_client.py'), ...args, '--bootstrap', bootstrap, '--topic', TOPIC], { timeout: 120_000 });
  await client('create-topic', '--partitions', String(PARTITIONS));
  await client('produce', '--rate', '1000', '--max', String(RECORDS));
  return { process: kafka, bootstrap };
}

/** Time of one streaming.yml render (best of five: the first pays for warm-up). */
function renderCost(specs: StreamingPipelineSpec[]): { text: string; rules: number; ms: number } {
  let best = Infinity;
  let text = '';
  let rules = 0;
  for (let i = 0; i < 5; i++) {
    const started = performance.now();
    const groups = streamingRuleGroups(specs);
    text = renderRuleFile(groups);
    best = Math.min(best, performance.now() - started);
    rules = groups.reduce((n, g) => n + g.rules.length, 0);
  }
  return { text, rules, ms: best };
}

/**
 * The lag exporter watching every pipeline's group, its scrape timed from here, and a Prometheus
 * loading the rule file and scraping the exporter, so the lag alert joins real series.
 */
async function exporterAndEvaluation(work: string, bootstrap: string, python: string, specs: StreamingPipelineSpec[], ruleFile: string, prometheusBinary: string | undefined) {
  const [exporterPort, promPort] = [await freePort(), await freePort()];
  const metricsUrl = `http://127.0.0.1:${exporterPort}/metrics`;
  const exporter = new ManagedProcess({
    name: 'kafka-lag-exporter',
    command: python,
    args: [join(REPO_ROOT, 'streaming/kafka_lag_exporter.py'), '--bootstrap', bootstrap, ...specs.flatMap((s) => ['--group', s.consumerGroup]), '--port', String(exporterPort)],
    logFile: join(work, 'lag-exporter.log'),
    ready: () => isOk(metricsUrl),
    readyTimeoutMs: 60_000,
  });
  await exporter.start();
  try {
    const times: number[] = [];
    for (let i = 0; i < SCRAPES; i++) {
      const started = performance.now();
      const text = await getText(metricsUrl);
      times.push((performance.now() - started) / 1000);
      const series = (text.match(/^kafka_consumergroup_lag\{/gm) ?? []).length;
      if (series !== specs.length * PARTITIONS) throw new Error(`the lag exporter published ${series} lag series, not ${specs.length * PARTITIONS} (${specs.length} groups x ${PARTITIONS} partitions; log in ${work})`);
    }
    const evaluationSeconds = prometheusBinary ? await ruleEvaluation(join(work, 'prometheus'), prometheusBinary, promPort, exporterPort, ruleFile, specs.length) : 'no Prometheus';
    return { scrapeSeconds: median(times), evaluationSeconds };
  } finally {
    await exporter.stop();
  }
}

/** Largest sum of prometheus_rule_group_last_duration_seconds over a few cycles once the exporter's series are in. */
async function ruleEvaluation(dir: string, binary: string, port: number, exporterPort: number, ruleFile: string, pipelines: number): Promise<number> {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, STREAMING_RULE_FILE), ruleFile);
  const config = {
    global: { scrape_interval: `${INTERVAL_S}s`, evaluation_interval: `${INTERVAL_S}s` },
    rule_files: [join(dir, STREAMING_RULE_FILE)],
    scrape_configs: [{ job_name: 'kafka-lag-exporter', static_configs: [{ targets: [`127.0.0.1:${exporterPort}`] }] }],
  };
  writeFileSync(join(dir, 'prometheus.yml'), toYaml(config));
  const url = `http://127.0.0.1:${port}`;
  const prometheus = new ManagedProcess({
    name: 'prometheus',
    command: binary,
    args: [`--config.file=${join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`],
    logFile: join(dir, 'prometheus.log'),
    ready: () => isOk(`${url}/-/ready`),
    readyTimeoutMs: 60_000,
  });
  await prometheus.start();
  try {
    const metric = async (name: string) => sampleSum(await getText(`${url}/metrics`), name);
    const deadline = Date.now() + (EVALUATION_CYCLES + 6) * INTERVAL_S * 1000;
    while (Date.now() < deadline && (await metric('prometheus_tsdb_head_series')) < pipelines * PARTITIONS) await sleep(500);
    // A cycle that started before the exporter's series were in is cheaper: skip one.
    await sleep(INTERVAL_S * 1000);
    const sums: number[] = [];
    while (Date.now() < deadline && sums.length < EVALUATION_CYCLES) {
      await sleep(INTERVAL_S * 1000);
      sums.push(await metric('prometheus_rule_group_last_duration_seconds'));
    }
    if (sums.length === 0) throw new Error(`no rule evaluation with the exporter's series within ${(EVALUATION_CYCLES + 6) * INTERVAL_S} s (logs in ${dir})`);
    return Math.max(...sums);
  } finally {
    await prometheus.stop();
  }
}

const benchmark: Benchmark = {
  name: 'streaming pipelines by count: rule file, its evaluation, consumer-lag scrape',
  async run(print) {
    const tools = await streamingTools();
    if (typeof tools === 'string') print(`NOT MEASURED lag exporter scrape and rule evaluation: ${tools}`);
    let prometheus: string | undefined;
    try {
      prometheus = liveTools().prometheus;
    } catch (e: any) {
      print(`NOT MEASURED rule evaluation: ${String(e.message).split('\n')[0]}`);
    }
    const work = mkdtempSync(join(tmpdir(), 'pw-streaming-bench-'));
    const samples: Sample[] = [];
    let kafka: ManagedProcess | undefined;
    try {
      let bootstrap = '';
      if (typeof tools !== 'string') {
        mkdirSync(join(work, 'kafka'));
        ({ process: kafka, bootstrap } = await startKafka(join(work, 'kafka'), tools.jars, tools.python));
      }
      for (const pipelines of SIZES) {
        const specs = syntheticPipelines(pipelines);
        const render = renderCost(specs);
        let measured: { scrapeSeconds: number | string; evaluationSeconds: number | string } = { scrapeSeconds: 'no Kafka', evaluationSeconds: 'no Kafka' };
        if (typeof tools !== 'string') {
          await run(tools.python, [join(REPO_ROOT, 'tests/streaming/kafka_client.py'), 'commit-offsets', '--bootstrap', bootstrap, '--topic', TOPIC, '--partitions', String(PARTITIONS), '--groups', String(pipelines), '--group-prefix', 'bench-group-'], { timeout: 300_000 });
          const dir = join(work, `n${pipelines}`);
          mkdirSync(dir);
          measured = await exporterAndEvaluation(dir, bootstrap, tools.python, specs, render.text, prometheus);
        }
        samples.push({ pipelines, rules: render.rules, ruleBytes: Buffer.byteLength(render.text), renderMs: render.ms, ...measured });
        print(`measured ${pipelines} pipelines`);
      }
    } finally {
      await kafka?.stop();
      rmSync(work, { recursive: true, force: true });
    }

    const value = (v: number | string, digits: number, scale = 1) => (typeof v === 'number' ? (v * scale).toFixed(digits) : 'n/a');
    print('');
    const rows = samples.map((s) => [s.pipelines.toLocaleString('en-US'), String(s.rules), (s.ruleBytes / 1e3).toFixed(0), s.renderMs.toFixed(1), value(s.evaluationSeconds, 1, 1000), value(s.scrapeSeconds, 3)]);
    for (const line of table(['pipelines', 'rules', 'rules kB', 'render ms', 'eval ms', 'lag scrape s'], rows)) print(line);
    print('');
    print(`render: best of 5 streamingRuleGroups + renderRuleFile; eval: largest sum of prometheus_rule_group_last_duration_seconds over ${EVALUATION_CYCLES} cycles of a Prometheus scraping the exporter every ${INTERVAL_S} s`);
    print(`lag scrape: median of ${SCRAPES} GET /metrics of streaming/kafka_lag_exporter.py, one Kafka 4 broker on loopback, every group committed on a ${PARTITIONS}-partition topic`);

    const missed: string[] = [];
    const check = (ok: boolean, text: string) => {
      print(`${ok ? 'ok    ' : 'MISSED'} ${text}`);
      if (!ok) missed.push(text);
    };
    const [middle, largest] = [samples.find((s) => s.pipelines === 100)!, samples[samples.length - 1]];
    const growth = (name: string, at: (s: Sample) => number | string) => {
      const [a, b] = [at(middle), at(largest)];
      if (typeof a !== 'number' || typeof b !== 'number') return check(false, `${name} growth: NOT MEASURED (${a} / ${b})`);
      const factor = b / a / (largest.pipelines / middle.pipelines);
      check(factor <= MAX_SUPERLINEAR, `${name} growth ${middle.pipelines} -> ${largest.pipelines}: x${(b / a).toFixed(2)}, ${factor.toFixed(2)} of linear (goal <= ${MAX_SUPERLINEAR})`);
    };
    print('');
    growth('rule file size', (s) => s.ruleBytes);
    growth('render time', (s) => s.renderMs);
    growth('rule evaluation', (s) => s.evaluationSeconds);
    growth('lag scrape', (s) => s.scrapeSeconds);
    const n = largest.pipelines.toLocaleString('en-US');
    const scrape = largest.scrapeSeconds;
    check(typeof scrape === 'number' && scrape < PROMETHEUS_SCRAPE_TIMEOUT_S, `lag scrape at ${n} groups: ${typeof scrape === 'number' ? `${scrape.toFixed(3)} s` : `NOT MEASURED (${scrape})`} (goal < ${PROMETHEUS_SCRAPE_TIMEOUT_S} s, Prometheus's scrape timeout)`);
    return missed.length === 0;
  },
};

export default benchmark;
