import { Construct } from 'constructs';
import { SERVICE_PORTS } from '../../content/endpoints';
import { commandProbe } from '../core/healthchecks';
import { Platform } from '../core/platform';
import { GeneratedSecret, SECRETS_DIR } from '../core/secrets';
import { ServiceContainer } from '../core/service-container';
import { requirePositive } from '../../content/validation';

export interface RedisProps {
  readonly platform: Platform;
  /** maxmemory; the Redis-memory alert compares usage with it. @default 256 */
  readonly maxMemoryMb?: number;
}

const PASSWORD_FILE = `${SECRETS_DIR}/redis_password`;

/** Redis as the Celery broker, password-protected, with append-only persistence. */
export class Redis extends Construct {
  readonly service: ServiceContainer;
  readonly password: GeneratedSecret;

  constructor(scope: Construct, id: string, props: RedisProps) {
    super(scope, id);
    const maxMemoryMb = requirePositive(this, 'maxMemoryMb', props.maxMemoryMb ?? 256);
    this.password = new GeneratedSecret(this, 'Password');
    this.service = new ServiceContainer(this, 'Resource', {
      platform: props.platform,
      service: 'redis',
      image: 'redis',
      // The password goes from its file into a config file at start, so it is never on a command line.
      entrypoint: ['sh', '-c'],
      command: [
        `printf 'requirepass %s\\n' "$(cat ${PASSWORD_FILE})" > /tmp/redis.conf && exec redis-server /tmp/redis.conf --maxmemory ${maxMemoryMb}mb --maxmemory-policy noeviction --appendonly yes`,
      ],
      mounts: [{ volume: props.platform.volume(this, 'Data', 'redis-data'), containerPath: '/data' }],
      secretFiles: [this.password.asFile('redis_password')],
      healthcheck: commandProbe(`REDISCLI_AUTH="$(cat ${PASSWORD_FILE})" redis-cli ping | grep -q PONG`),
    });
  }

  /** Celery broker URL with the password inline; only ever written to a secret file. */
  brokerUrl(db = 0): string {
    return `redis://:${this.password.value}@${this.service.hostname}:${SERVICE_PORTS.redis}/${db}`;
  }
}
