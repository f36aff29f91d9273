import { randomBytes } from 'crypto';
import { writeFileSync } from 'fs';
import { join } from 'path';
import { ManagedProcess } from './processes';
import { isTcpOpen } from './ports';

/** The stack's Redis settings (constructs/redis/redis.ts: RedisProps.maxMemoryMb default, eviction, append-only) on loopback. */
const STACK_SETTINGS = ['maxmemory 256mb', 'maxmemory-policy noeviction', 'appendonly yes'];

/** Redis with a password, configured like the stack's. */
export class LiveRedis {
  readonly password = randomBytes(12).toString('hex');
  readonly process: ManagedProcess;

  private constructor(
    binary: string,
    dir: string,
    readonly port: number,
  ) {
    // The password goes in a config file, not on the command line where `ps` shows it.
    const configFile = join(dir, 'redis.conf');
    writeFileSync(configFile, [`bind 127.0.0.1`, `port ${port}`, `requirepass ${this.password}`, `dir ${dir}`, ...STACK_SETTINGS, ''].join('\n'), { mode: 0o600 });
    this.process = new ManagedProcess({ name: 'redis', command: binary, args: [configFile], logFile: join(dir, 'redis.log'), ready: () => isTcpOpen(port) });
  }

  static async start(binary: string, dir: string, port: number): Promise<LiveRedis> {
    const redis = new LiveRedis(binary, dir, port);
    await redis.process.start();
    return redis;
  }

  get address(): string {
    return `redis://127.0.0.1:${this.port}`;
  }
}
