import { ChildProcess, spawn } from 'child_process';
import { resolve } from 'path';

const REPO_ROOT = resolve(__dirname, '../..');

/** Runs `npm run simulator`'s entry point as its own process, with only the given variables. */
function startSimulator(env: Record<string, string>): { child: ChildProcess; lines: Array<Record<string, any>>; exited: Promise<number | null> } {
  const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', 'metrics-app/src/main.ts'], {
    cwd: REPO_ROOT,
    env: { PATH: process.env.PATH ?? '', HOST: '127.0.0.1', PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: Array<Record<string, any>> = [];
  let buffered = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    buffered += chunk.toString();
    const complete = buffered.split('\n');
    buffered = complete.pop()!;
    for (const line of complete) lines.push(JSON.parse(line));
  });
  // `close`, not `exit`: it waits for stdout and stderr to drain, so the last log lines are in `output`.
  const exited = new Promise<number | null>((done) => child.once('close', (code) => done(code)));
  return { child, lines, exited };
}

async function waitForLine(lines: Array<Record<string, any>>, msg: string): Promise<Record<string, any>> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const found = lines.find((l) => l.msg === msg);
    if (found) return found;
    if (Date.now() > deadline) throw new Error(`no "${msg}" log line; got ${JSON.stringify(lines)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('npm run simulator (metrics-app/src/main.ts)', () => {
  test('GIVEN an invalid SIM_TIME_SCALE WHEN started THEN it exits with code 2 and one JSON line naming the variable, value and fix', async () => {
    const { lines, exited } = startSimulator({ SIM_TIME_SCALE: 'fast' });
    expect(await exited).toBe(2);
    expect(lines).toEqual([expect.objectContaining({ level: 'error', msg: expect.stringMatching(/^invalid SIM_TIME_SCALE="fast": use a number/), exitCode: 2 })]);
  });

  test('GIVEN SIM_SCENARIOS naming a pipeline that is not simulated WHEN started THEN it exits with code 2 listing the pipelines', async () => {
    const { lines, exited } = startSimulator({ SIM_SCENARIOS: 'nope=fail' });
    expect(await exited).toBe(2);
    expect(lines[0].msg).toMatch(/invalid SIM_SCENARIOS="nope=fail": unknown dagId "nope" \(simulated pipelines: datalake_ingest/);
  });

  test('GIVEN a running simulator WHEN it receives SIGTERM THEN it stops cleanly with exit code 0 after serving /metrics', async () => {
    const { child, lines, exited } = startSimulator({ SIM_TIME_SCALE: '60', SIM_SCENARIOS: 'example_etl=fail' });
    const started = await waitForLine(lines, 'simulator started');
    expect(started).toMatchObject({ pipelines: 5, timeScale: 60, history: 'memory', scenarios: [expect.objectContaining({ dagId: 'example_etl', kind: 'fail' })] });
    const response = await fetch(`http://${started.address}/metrics`);
    expect(response.status).toBe(200);
    expect(await response.text()).toMatch(/^# TYPE airflow_dagrun_duration summary$/m);
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(lines.map((l) => l.msg).slice(-2)).toEqual(['shutting down', 'simulator stopped']);
  });
});
