import { Fn } from 'cdktf';
import { Construct } from 'constructs';
import { SERVICE_NAMES, SERVICE_PORTS } from '../../content/endpoints';
import { wgetProbe } from '../core/healthchecks';
import { Platform } from '../core/platform';
import { SECRETS_DIR } from '../core/secrets';
import { ServiceContainer } from '../core/service-container';
import { Redis } from '../redis/redis';

export interface RedisExporterProps {
  readonly platform: Platform;
  readonly redis: Redis;
}

const PASSWORD_FILE = `${SECRETS_DIR}/redis_exporter_passwords.json`;

/** redis_exporter: redis_up, memory, clients. */
export class RedisExporter extends Construct {
  readonly service: ServiceContainer;

  constructor(scope: Construct, id: string, props: RedisExporterProps) {
    super(scope, id);
    const address = `redis://${props.redis.service.hostname}:${SERVICE_PORTS.redis}`;
    this.service = new ServiceContainer(this, 'Resource', {
      platform: props.platform,
      service: SERVICE_NAMES.redisExporter,
      image: 'redisExporter',
      command: [`--redis.addr=${address}`, `--redis.password-file=${PASSWORD_FILE}`],
      // redis_exporter's password file maps each address to its password.
      secretFiles: [{ path: PASSWORD_FILE, content: Fn.jsonencode({ [address]: props.redis.password.value }) }],
      healthcheck: wgetProbe(`http://127.0.0.1:${SERVICE_PORTS.redisExporter}/health`),
    });
  }
}
