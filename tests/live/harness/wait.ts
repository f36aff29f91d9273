export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export interface WaitOptions {
  readonly timeoutMs: number;
  /** @default 250 */
  readonly intervalMs?: number;
  /** Stops waiting (with an error) once aborted. */
  readonly signal?: AbortSignal;
}

/**
 * Polls `probe` until it returns something other than undefined/false and
 * returns that. Errors thrown by the probe count as "not yet" (a server still
 * starting refuses connections); the last one is quoted when time runs out.
 */
export async function waitFor<T>(what: string, probe: () => Promise<T | undefined | false>, options: WaitOptions): Promise<T> {
  const deadline = Date.now() + options.timeoutMs;
  let lastError: unknown;
  for (;;) {
    if (options.signal?.aborted) throw new Error(`stopped waiting until ${what}: ${String(options.signal.reason)}`);
    try {
      const value = await probe();
      if (value !== undefined && value !== false) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) {
      const reason = lastError instanceof Error ? ` (last error: ${lastError.message})` : '';
      throw new Error(`timed out after ${Math.round(options.timeoutMs / 1000)}s waiting until ${what}${reason}`);
    }
    await sleep(options.intervalMs ?? 250);
  }
}
