import { sleep } from '../live/harness/wait';

/** What one request asks of the served model (tests/streaming/fraud_scorer_model.py), and through which API. */
export type ModelRequest = 'fast' | 'slow' | 'negative' | 'invocationsFast' | 'invocationsNegative';

/** Each slow request's delay: over the tier's 0.5 s p95 bound, in the histogram's (0.75 s, 1 s] bucket. */
export const SLOW_SECONDS = 0.8;
/**
 * One cycle of ten requests: 2 refused for a negative amount, one through each API (20% failed, bound 5%),
 * and 1 slow (10% of requests over the 0.5 s bound, so the 95th percentile is too).
 */
const CYCLE: readonly ModelRequest[] = ['fast', 'fast', 'fast', 'fast', 'fast', 'fast', 'invocationsFast', 'negative', 'slow', 'invocationsNegative'];

function request(baseUrl: string, model: string, kind: ModelRequest): { url: string; body: unknown } {
  const amount = kind === 'negative' || kind === 'invocationsNegative' ? -5 : 120;
  const delay = kind === 'slow' ? SLOW_SECONDS : 0;
  if (kind.startsWith('invocations')) return { url: `${baseUrl}/invocations`, body: { dataframe_split: { columns: ['amount', 'delay_seconds'], data: [[amount, delay]] } } };
  const tensor = (name: string, value: number) => ({ name, shape: [1], datatype: 'FP64', data: [value] });
  return { url: `${baseUrl}/v2/models/${model}/infer`, body: { inputs: [tensor('amount', amount), tensor('delay_seconds', delay)] } };
}

/**
 * Inference requests to a model server, one at a time at `perSecond`, at most `max` of them:
 * MLflow's /invocations API and MLServer's model API (V2 inference protocol), in CYCLE's order.
 * Each answer's HTTP status is kept by kind (0: no answer within 10 s).
 */
export class ModelLoad {
  readonly statuses: Record<ModelRequest, number[]> = { fast: [], slow: [], negative: [], invocationsFast: [], invocationsNegative: [] };
  private stopped = false;
  private readonly done: Promise<void>;

  constructor(baseUrl: string, model: string, perSecond: number, max: number) {
    this.done = this.run(baseUrl, model, 1000 / perSecond, max);
  }

  private async run(baseUrl: string, model: string, intervalMs: number, max: number): Promise<void> {
    for (let i = 0; i < max && !this.stopped; i++) {
      const started = Date.now();
      const kind = CYCLE[i % CYCLE.length];
      const { url, body } = request(baseUrl, model, kind);
      try {
        const response = await fetch(url, { method: 'POST', body: JSON.stringify(body), headers: { 'Content-Type': 'application/json' }, signal: AbortSignal.timeout(10_000) });
        await response.arrayBuffer();
        this.statuses[kind].push(response.status);
      } catch {
        this.statuses[kind].push(0);
      }
      await sleep(Math.max(0, intervalMs - (Date.now() - started)));
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.done;
  }
}
