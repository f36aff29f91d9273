import { execFile } from 'child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'fs';
import { homedir, tmpdir } from 'os';
import { join, resolve } from 'path';
import { promisify } from 'util';
import { parse } from 'yaml';
import { toYaml } from '../../content/yaml';
import { getText, isOk, sampleSum } from '../live/harness/http';
import { ManagedProcess } from '../live/harness/processes';
import { liveTools } from '../live/harness/tools';
import { freePort } from '../support/ports';
import { writeSyntheticCatalog } from '../support/synthetic-catalog';
import { Upload, uploadText } from '../support/uploads';
import { Benchmark, table } from './bench';

/**
 * Cost of the stack as the pipeline catalog grows: synth, the synthesized configuration, `terraform
 * plan`, the rule files and their evaluation in a real Prometheus fed by the simulator, and the largest
 * dashboard. Every size is a synthetic catalog (tests/support/synthetic-catalog.ts) given to main.ts
 * through PIPEWATCH_PIPELINES, exactly as a user would.
 */
const REPO_ROOT = resolve(__dirname, '../..');
const SIZES = [10, 100, 500, 1_000];
const ENV = 'bench';
const GOALS = { planSeconds: 30, synthSeconds: 10, panels: 40, queries: 60, evaluationShare: 0.1 };
/** Cost per pipeline may grow this much from 100 to 1,000 pipelines and still count as linear. */
const MAX_SUPERLINEAR = 1.5;
/** A plan slower than this is stopped and reported as such (before issue 17 it took 11 minutes at 500). */
const PLAN_TIMEOUT_S = Number(process.env.PIPEWATCH_BENCH_PLAN_TIMEOUT_S ?? 120);
/** Evaluation cycles sampled once the simulator's series are in. */
const EVALUATION_CYCLES = 3;

type Seconds = number | 'timeout' | 'not run';

interface ScaleSample {
  readonly pipelines: number;
  readonly synthSeconds: number;
  readonly jsonBytes: number;
  readonly planSeconds: Seconds;
  readonly ruleBytes: number;
  readonly rules: number;
  readonly evaluationSeconds: number;
  readonly evaluationIntervalSeconds: number;
  readonly seriesPerPipeline: number;
  /** The dashboards with the most panels and with the most queries. */
  readonly mostPanels: DashboardSize;
  readonly mostQueries: DashboardSize;
}

interface DashboardSize {
  readonly uid: string;
  readonly panels: number;
  readonly queries: number;
}

const run = promisify(execFile);

async function timed(command: string, args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutS: number }): Promise<number | 'timeout'> {
  const started = performance.now();
  try {
    await run(command, args, { cwd: options.cwd ?? REPO_ROOT, env: options.env ?? process.env, timeout: options.timeoutS * 1000, killSignal: 'SIGKILL', maxBuffer: 64 << 20 });
  } catch (e: any) {
    if (e.killed) return 'timeout';
    throw new Error(`${command} ${args.join(' ')} failed:\n${e.stdout ?? ''}${e.stderr ?? ''}`);
  }
  return (performance.now() - started) / 1000;
}

/** The synthesized local stack: its directory and its containers by Docker name. */
interface LocalStack {
  readonly dir: string;
  readonly jsonBytes: number;
  readonly containers: Record<string, { upload?: Upload[] }>;
}

function readLocalStack(outdir: string): LocalStack {
  const dir = join(outdir, 'stacks', `local-${ENV}`);
  const file = join(dir, 'cdk.tf.json');
  const json = JSON.parse(readFileSync(file, 'utf8'));
  const containers = Object.fromEntries(Object.values(json.resource.docker_container as Record<string, any>).map((c) => [c.name, c]));
  return { dir, jsonBytes: statSync(file).size, containers };
}

/** Every file uploaded into one container under `prefix`, as path → text. */
function filesUnder(stack: LocalStack, service: string, prefix: string): Map<string, string> {
  const container = stack.containers[`${ENV}-${service}`];
  if (!container) throw new Error(`the local stack has no ${ENV}-${service} container`);
  return new Map((container.upload ?? []).filter((u) => u.file.startsWith(prefix)).map((u) => [u.file, uploadText(stack.dir, u)]));
}

/** Panels (rows' nested panels included) and queries of a dashboard JSON. */
function dashboardSize(dashboard: any): { panels: number; queries: number } {
  let panels = 0;
  let queries = 0;
  const visit = (list: any[] = []) => {
    for (const panel of list) {
      if (panel.type !== 'row') panels += 1;
      queries += (panel.targets ?? []).length;
      visit(panel.panels);
    }
  };
  visit(dashboard.panels);
  return { panels, queries };
}

interface Terraform {
  readonly bin: string;
  readonly env: NodeJS.ProcessEnv;
}

/** Terraform and the offline provider mirror, or the reason there is none. */
async function terraformToolchain(): Promise<Terraform | string> {
  const env: NodeJS.ProcessEnv = { ...process.env, PIPEWATCH_PROVIDER_SOURCE: process.env.PIPEWATCH_PROVIDER_SOURCE ?? 'snapshot', CHECKPOINT_DISABLE: '1', TF_IN_AUTOMATION: '1', TF_INPUT: '0' };
  try {
    await run('bash', ['scripts/install-terraform-toolchain.sh', 'docker', 'random'], { cwd: REPO_ROOT, env, timeout: 3_600_000, maxBuffer: 64 << 20 });
  } catch (e: any) {
    return `the provider mirror could not be built (scripts/install-terraform-toolchain.sh): ${String(e.stderr ?? e.message).trim().split('\n').slice(-3).join(' ')}`;
  }
  const recorded = readFileSync(join(homedir(), '.cache', 'pipewatch', 'toolchain.env'), 'utf8');
  for (const line of recorded.split('\n')) {
    const match = /^([A-Z_]+)="?(.*?)"?$/.exec(line.trim());
    if (match) env[match[1]] = match[2];
  }
  if (!env.TF_BIN || !existsSync(env.TF_BIN)) return 'no Terraform-compatible CLI (TF_BIN in toolchain.env)';
  return { bin: env.TF_BIN, env };
}

/** `terraform plan` of the local stack against an empty state (what a first deploy plans), init excluded. */
async function planSeconds(tf: Terraform, stackDir: string): Promise<Seconds> {
  await run(process.execPath, ['tests/terraform/write-override.js', stackDir, join(stackDir, 'terraform.tfstate'), tf.env.PIPEWATCH_PROVIDER_SOURCE!], { cwd: REPO_ROOT, env: tf.env });
  await timed(tf.bin, [`-chdir=${stackDir}`, 'init', '-input=false', '-no-color'], { env: tf.env, timeoutS: 600 });
  return timed(tf.bin, [`-chdir=${stackDir}`, 'plan', '-input=false', '-no-color', '-lock=false', '-refresh=false', '-out=plan.bin'], { env: tf.env, timeoutS: PLAN_TIMEOUT_S });
}

/**
 * The synthesized rule files loaded by a real Prometheus, on the stack's scrape and evaluation
 * intervals, scraping the simulator playing the same catalog (one pipeline hour per real minute).
 * Returns the largest sum of prometheus_rule_group_last_duration_seconds over EVALUATION_CYCLES
 * cycles once the simulator's series are in, and head series per pipeline.
 */
async function ruleEvaluation(work: string, catalog: string, pipelines: number, ruleFiles: Map<string, string>, stackConfig: any): Promise<{ seconds: number; intervalSeconds: number; seriesPerPipeline: number }> {
  const intervalSeconds = parseSeconds(stackConfig.global.evaluation_interval);
  const rulesDir = join(work, 'rules');
  mkdirSync(rulesDir, { recursive: true });
  for (const [path, text] of ruleFiles) writeFileSync(join(rulesDir, path.split('/').pop()!), text);
  const [simPort, promPort] = [await freePort(), await freePort()];
  const simulator = new ManagedProcess({
    name: 'simulator',
    command: join(REPO_ROOT, 'node_modules/.bin/ts-node'),
    args: ['--transpile-only', 'metrics-app/src/main.ts'],
    cwd: REPO_ROOT,
    env: { HOST: '127.0.0.1', PORT: String(simPort), SIM_TIME_SCALE: '60', SIM_PIPELINES_FILE: catalog },
    logFile: join(work, 'simulator.log'),
    ready: () => isOk(`http://127.0.0.1:${simPort}/readyz`),
    readyTimeoutMs: 120_000,
  });
  const simulatorJob = stackConfig.scrape_configs.find((j: any) => j.job_name === 'metrics-app') ?? { job_name: 'metrics-app' };
  const config = {
    global: stackConfig.global,
    rule_files: [...ruleFiles.keys()].map((path) => join(rulesDir, path.split('/').pop()!)),
    scrape_configs: [{ ...simulatorJob, static_configs: [{ targets: [`127.0.0.1:${simPort}`] }] }],
  };
  writeFileSync(join(work, 'prometheus.yml'), toYaml(config));
  const url = `http://127.0.0.1:${promPort}`;
  const prometheus = new ManagedProcess({
    name: 'prometheus',
    command: liveTools().prometheus,
    args: [`--config.file=${join(work, 'prometheus.yml')}`, `--storage.tsdb.path=${join(work, 'data')}`, `--web.listen-address=127.0.0.1:${promPort}`],
    logFile: join(work, 'prometheus.log'),
    ready: () => isOk(`${url}/-/ready`),
    readyTimeoutMs: 60_000,
  });
  try {
    await simulator.start();
    await prometheus.start();
    const metric = async (name: string) => sampleSum(await getText(`${url}/metrics`), name);
    const deadline = Date.now() + (EVALUATION_CYCLES + 4) * intervalSeconds * 1000;
    // First scrape in: the simulator's series are in the head.
    while (Date.now() < deadline && (await metric('prometheus_tsdb_head_series')) < pipelines) await sleep(1000);
    const sums: number[] = [];
    let lastEvaluations = await metric('prometheus_rule_evaluations_total');
    while (Date.now() < deadline && sums.length < EVALUATION_CYCLES) {
      await sleep(1000);
      const evaluations = await metric('prometheus_rule_evaluations_total');
      if (evaluations > lastEvaluations) {
        // A new cycle has started; wait for every group of it to finish before reading the durations.
        await sleep(Math.min(intervalSeconds * 500, 5000));
        sums.push(await metric('prometheus_rule_group_last_duration_seconds'));
        lastEvaluations = await metric('prometheus_rule_evaluations_total');
      }
    }
    if (sums.length === 0) throw new Error(`no rule evaluation cycle with the simulator's series within ${((EVALUATION_CYCLES + 4) * intervalSeconds).toFixed(0)} s (logs in ${work})`);
    return { seconds: Math.max(...sums), intervalSeconds, seriesPerPipeline: (await metric('prometheus_tsdb_head_series')) / pipelines };
  } finally {
    await prometheus.stop();
    await simulator.stop();
  }
}

function parseSeconds(value: string): number {
  const match = /^(\d+)s$/.exec(value);
  if (!match) throw new Error(`evaluation_interval ${JSON.stringify(value)} is not in seconds`);
  return Number(match[1]);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function measure(pipelines: number, tf: Terraform | string): Promise<ScaleSample> {
  const work = mkdtempSync(join(tmpdir(), `pw-scale-${pipelines}-`));
  try {
    const catalog = join(work, 'pipelines.yaml');
    writeSyntheticCatalog(pipelines, catalog);
    const outdir = join(work, 'cdktf.out');
    // What `npm run synth` runs (cdktf.json's app), timed from process start to exit.
    const synthSeconds = await timed(process.execPath, ['-r', 'ts-node/register/transpile-only', 'main.ts'], {
      env: { ...process.env, PIPEWATCH_ENV: ENV, PIPEWATCH_PIPELINES: catalog, CDKTF_OUTDIR: outdir },
      timeoutS: 600,
    });
    if (synthSeconds === 'timeout') throw new Error(`synth of ${pipelines} pipelines took over 600 s`);
    const stack = readLocalStack(outdir);
    const ruleFiles = filesUnder(stack, 'prometheus', '/etc/prometheus/rules/');
    const ruleBytes = [...ruleFiles.values()].reduce((sum, text) => sum + Buffer.byteLength(text), 0);
    const rules = [...ruleFiles.values()].reduce((sum, text) => sum + (parse(text).groups ?? []).reduce((n: number, g: any) => n + g.rules.length, 0), 0);
    const stackConfig = parse(filesUnder(stack, 'prometheus', '/etc/prometheus/prometheus.yml').values().next().value!);
    const dashboards = [...filesUnder(stack, 'grafana', '/etc/grafana/dashboards/').entries()].map(([path, text]) => ({ uid: path.split('/').pop()!.replace(/\.json$/, ''), ...dashboardSize(JSON.parse(text)) }));
    const most = (key: 'panels' | 'queries') => dashboards.reduce((a, b) => (b[key] > a[key] ? b : a));
    const evaluation = await ruleEvaluation(join(work, 'prometheus'), catalog, pipelines, ruleFiles, stackConfig);
    const plan = typeof tf === 'string' ? 'not run' : await planSeconds(tf, stack.dir);
    return {
      pipelines,
      synthSeconds,
      jsonBytes: stack.jsonBytes,
      planSeconds: plan,
      ruleBytes,
      rules,
      evaluationSeconds: evaluation.seconds,
      evaluationIntervalSeconds: evaluation.intervalSeconds,
      seriesPerPipeline: evaluation.seriesPerPipeline,
      mostPanels: most('panels'),
      mostQueries: most('queries'),
    };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

const mb = (bytes: number) => (bytes / 1e6).toFixed(2);
const seconds = (s: Seconds) => (typeof s === 'number' ? s.toFixed(1) : s === 'timeout' ? `>${PLAN_TIMEOUT_S}` : 'n/a');

const benchmark: Benchmark = {
  name: 'stack cost by pipeline count: synth, plan, rules, dashboards',
  async run(print) {
    const tf = await terraformToolchain();
    if (typeof tf === 'string') print(`NOT CHECKED terraform plan: ${tf}`);
    const samples: ScaleSample[] = [];
    for (const pipelines of SIZES) {
      samples.push(await measure(pipelines, tf));
      print(`measured ${pipelines} pipelines`);
    }
    print('');
    const rows = samples.map((s) => [
      s.pipelines.toLocaleString('en-US'),
      s.synthSeconds.toFixed(1),
      mb(s.jsonBytes),
      seconds(s.planSeconds),
      mb(s.ruleBytes),
      String(s.rules),
      (s.evaluationSeconds * 1000).toFixed(0),
      `${((100 * s.evaluationSeconds) / s.evaluationIntervalSeconds).toFixed(1)}%`,
      s.seriesPerPipeline.toFixed(0),
      `${s.mostPanels.panels} ${s.mostPanels.uid}`,
      `${s.mostQueries.queries} ${s.mostQueries.uid}`,
    ]);
    for (const line of table(['pipelines', 'synth s', 'JSON MB', 'plan s', 'rules MB', 'rules', 'eval ms', 'eval/interval', 'series/pipeline', 'most panels', 'most queries'], rows)) print(line);
    print('');
    print(`JSON: cdk.tf.json of local-${ENV}; plan: terraform plan of it on an empty state (init excluded, ${typeof tf === 'string' ? 'not run' : `providers ${tf.env.PIPEWATCH_PROVIDER_SOURCE}`}, stopped after ${PLAN_TIMEOUT_S} s)`);
    print(`eval: largest sum of prometheus_rule_group_last_duration_seconds over ${EVALUATION_CYCLES} cycles of a fresh Prometheus scraping the simulator (range windows not yet full)`);

    const missed: string[] = [];
    const largest = samples[samples.length - 1];
    const middle = samples.find((s) => s.pipelines === 100)!;
    const check = (ok: boolean, text: string) => {
      print(`${ok ? 'ok    ' : 'MISSED'} ${text}`);
      if (!ok) missed.push(text);
    };
    const growth = (name: string, at: (s: ScaleSample) => Seconds) => {
      const [a, b] = [at(middle), at(largest)];
      if (typeof a !== 'number' || typeof b !== 'number') {
        if (a === 'not run' || b === 'not run') return print(`NOT CHECKED ${name} growth: not measured`);
        return check(false, `${name} growth ${middle.pipelines} -> ${largest.pipelines}: not measured (${seconds(a)} / ${seconds(b)})`);
      }
      const factor = b / a / (largest.pipelines / middle.pipelines);
      check(factor <= MAX_SUPERLINEAR, `${name} growth ${middle.pipelines} -> ${largest.pipelines}: x${(b / a).toFixed(2)}, ${factor.toFixed(2)} of linear (goal <= ${MAX_SUPERLINEAR})`);
    };
    print('');
    growth('synth time', (s) => s.synthSeconds);
    growth('JSON size', (s) => s.jsonBytes);
    growth('plan time', (s) => s.planSeconds);
    growth('rule file size', (s) => s.ruleBytes);
    growth('rule evaluation', (s) => s.evaluationSeconds);
    const n = largest.pipelines.toLocaleString('en-US');
    if (largest.planSeconds === 'not run') print(`NOT CHECKED plan at ${n}: ${tf as string}`);
    else check(typeof largest.planSeconds === 'number' && largest.planSeconds <= GOALS.planSeconds, `plan at ${n}: ${seconds(largest.planSeconds)} s (goal <= ${GOALS.planSeconds})`);
    check(largest.synthSeconds <= GOALS.synthSeconds, `synth at ${n}: ${largest.synthSeconds.toFixed(1)} s (goal <= ${GOALS.synthSeconds})`);
    check(largest.mostPanels.panels <= GOALS.panels, `largest dashboard at ${n}: ${largest.mostPanels.panels} panels (${largest.mostPanels.uid}; goal <= ${GOALS.panels})`);
    check(largest.mostQueries.queries <= GOALS.queries, `largest dashboard at ${n}: ${largest.mostQueries.queries} queries (${largest.mostQueries.uid}; goal <= ${GOALS.queries})`);
    const share = largest.evaluationSeconds / largest.evaluationIntervalSeconds;
    check(share <= GOALS.evaluationShare, `rule evaluation at ${n}: ${(share * 100).toFixed(1)}% of the ${largest.evaluationIntervalSeconds} s interval (goal <= ${GOALS.evaluationShare * 100}%)`);
    return missed.length === 0;
  },
};

export default benchmark;
