import { AddressInfo } from 'net';
import { DEFAULT_PIPELINES_FILE } from '../../../content/pipeline/catalog';
import { App, AppConfig, AppDependencies, createApp } from '../../../metrics-app/src/app';
import { ManualClock } from '../../../metrics-app/src/clock';
import { createLogger, Logger } from '../../../service-kit/log';

/** Monday 2025-01-06 00:00 UTC: a fixed start keeps schedules and seeded outcomes the same in every run. */
export const TEST_START_MS = Date.UTC(2025, 0, 6, 0, 0, 0);

export const TEST_CONFIG: AppConfig = {
  host: '127.0.0.1',
  port: 0,
  timeScale: 60,
  seed: 'test-seed',
  // Tests step the model themselves; the timer's steps see an unmoved clock and change nothing.
  tickMs: 60_000,
  pipelines: DEFAULT_PIPELINES_FILE,
  scenarios: [],
  historyBufferRows: 1000,
  historyMemoryRows: 1000,
};

/** A logger that keeps its JSON lines for assertions. */
export function memoryLogger(): Logger & { readonly lines: Array<Record<string, unknown>> } {
  const lines: Array<Record<string, unknown>> = [];
  return { lines, ...createLogger({ level: 'debug', write: (line) => lines.push(JSON.parse(line)) }) };
}

export interface TestApp {
  readonly app: App;
  readonly clock: ManualClock;
  readonly log: ReturnType<typeof memoryLogger>;
}

export function testApp(overrides: Partial<AppConfig> = {}, deps: Partial<AppDependencies> = {}): TestApp {
  const clock = new ManualClock(TEST_START_MS);
  const log = memoryLogger();
  const app = createApp({ ...TEST_CONFIG, ...overrides }, { wallClock: clock, log, ...deps });
  return { app, clock, log };
}

/** A started test app and a small client for its HTTP API. */
export async function startedTestApp(overrides: Partial<AppConfig> = {}, deps: Partial<AppDependencies> = {}): Promise<TestApp & { readonly call: Call }> {
  const test = testApp(overrides, deps);
  const address: AddressInfo = await test.app.start();
  return { ...test, call: client(`http://127.0.0.1:${address.port}`) };
}

export type Call = (method: string, path: string, body?: unknown) => Promise<{ status: number; json: any; text: string; headers: Headers }>;

function client(base: string): Call {
  return async (method, path, body) => {
    const response = await fetch(`${base}${path}`, {
      method,
      ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body), headers: { 'Content-Type': 'application/json' } }),
    });
    const text = await response.text();
    const isJson = response.headers.get('content-type')?.startsWith('application/json');
    return { status: response.status, json: isJson ? JSON.parse(text) : undefined, text, headers: response.headers };
  };
}

/**
 * An app whose registry holds every simulated family: healthy hours, then a
 * failing pipeline and a data-quality drop, then recovery, and a hung task at the end.
 */
export function populatedApp(): TestApp {
  const test = testApp();
  const { runner, scenarios } = test.app;
  runner.step();
  runner.fastForward(6 * 3600);
  scenarios.set({ dagId: 'example_etl', kind: 'fail' });
  scenarios.set({ dagId: 'data_quality', kind: 'dq_drop' });
  runner.fastForward(3 * 3600);
  scenarios.clear('example_etl');
  scenarios.clear('data_quality');
  scenarios.set({ dagId: 'datalake_ingest', kind: 'hang' });
  runner.fastForward(2 * 3600);
  return test;
}
