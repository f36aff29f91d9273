import { ChildProcess, spawn } from 'child_process';
import { closeSync, existsSync, openSync, readFileSync } from 'fs';
import { waitFor } from './wait';

export interface ProcessSpec {
  /** Short name for messages, e.g. `prometheus`. */
  readonly name: string;
  readonly command: string;
  readonly args: readonly string[];
  /** Added to a minimal environment (PATH, HOME, LANG): nothing else of the test's environment leaks in. */
  readonly env?: Readonly<Record<string, string>>;
  readonly cwd?: string;
  /** stdout and stderr are appended here, across restarts. */
  readonly logFile: string;
  /** True once the process serves (usually an HTTP probe). */
  readonly ready: () => Promise<boolean>;
  /** @default 30000 */
  readonly readyTimeoutMs?: number;
  /** Signal for an orderly stop. @default 'SIGTERM' */
  readonly stopSignal?: NodeJS.Signals;
}

/** Every process started and not yet stopped, so a crashed test run still kills them on exit. */
const running = new Set<ManagedProcess>();
/** Synchronous clean-ups for servers started by other means (PostgreSQL through pg_ctl). */
const exitHooks = new Set<() => void>();

process.once('exit', () => {
  for (const p of running) p.killNow();
  for (const hook of exitHooks) hook();
});

/** Runs `hook` (synchronously) if the process exits before `remove()` is called. */
export function onProcessExit(hook: () => void): { remove(): void } {
  exitHooks.add(hook);
  return { remove: () => exitHooks.delete(hook) };
}

/**
 * A server process: started with its output in a log file, waited for until
 * ready, stopped with its own signal (SIGKILL if it does not exit in time) and
 * restarted with the same arguments, so its data directory is kept. Processes
 * stay in the test's process group: scripts/sandboxed-jest.sh kills the group.
 */
export class ManagedProcess {
  private child: ChildProcess | undefined;
  private exited: Promise<void> = Promise.resolve();

  constructor(readonly spec: ProcessSpec) {}

  get pid(): number | undefined {
    return this.child?.pid;
  }

  get isRunning(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  async start(): Promise<void> {
    if (this.isRunning) throw new Error(`${this.spec.name} is already running (pid ${this.pid})`);
    const log = openSync(this.spec.logFile, 'a');
    try {
      const child = spawn(this.spec.command, [...this.spec.args], {
        cwd: this.spec.cwd,
        env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/root', LANG: 'C.UTF-8', ...this.spec.env },
        stdio: ['ignore', log, log],
      });
      this.child = child;
      this.exited = new Promise((resolve) => child.once('exit', () => resolve()));
      child.once('error', () => undefined);
    } finally {
      closeSync(log);
    }
    running.add(this);
    let ready = false;
    const polling = new AbortController();
    // An exit while starting is final: stop polling at once.
    const exitedEarly = this.exited.then(() => {
      if (ready) return;
      const reason = `${this.spec.name} exited while starting (code ${this.child?.exitCode}, signal ${this.child?.signalCode})`;
      polling.abort(reason);
      throw new Error(reason);
    });
    exitedEarly.catch(() => undefined);
    try {
      const options = { timeoutMs: this.spec.readyTimeoutMs ?? 30_000, intervalMs: 100, signal: polling.signal };
      await Promise.race([waitFor(`${this.spec.name} is ready`, () => this.spec.ready(), options), exitedEarly]);
      ready = true;
    } catch (error) {
      polling.abort('start failed');
      // Leave nothing running, and say why with the log.
      await this.stop(5_000);
      throw new Error(`${(error as Error).message}\n--- ${this.spec.logFile} ---\n${this.logTail()}`);
    }
  }

  /** Orderly stop; SIGKILL after `timeoutMs`. */
  async stop(timeoutMs = 15_000): Promise<void> {
    if (!this.isRunning) {
      running.delete(this);
      return;
    }
    this.child!.kill(this.spec.stopSignal ?? 'SIGTERM');
    const killer = setTimeout(() => this.child?.kill('SIGKILL'), timeoutMs);
    await this.exited;
    clearTimeout(killer);
    running.delete(this);
  }

  async restart(): Promise<void> {
    await this.stop();
    await this.start();
  }

  /** Synchronous SIGKILL, for process exit handlers. */
  killNow(): void {
    if (this.isRunning) this.child!.kill('SIGKILL');
  }

  logTail(lines = 40): string {
    if (!existsSync(this.spec.logFile)) return '(no log)';
    return readFileSync(this.spec.logFile, 'utf8').split('\n').slice(-lines).join('\n');
  }
}
