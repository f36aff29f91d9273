import { Construct } from 'constructs';
import { PUSHGATEWAY, PUSHGATEWAY_PERSISTENCE_FILE, pushgatewayFlags } from '../../content/dbt/pushgateway';
import { wgetProbe } from '../core/healthchecks';
import { Platform } from '../core/platform';
import { ServiceContainer } from '../core/service-container';

export interface PushgatewayProps {
  readonly platform: Platform;
}

/**
 * Prometheus Pushgateway for batch results (dbt invocations): a pushed group
 * stays until the next push replaces it, and the persistence file on a volume
 * brings it back after a restart or a redeploy.
 */
export class Pushgateway extends Construct {
  readonly service: ServiceContainer;
  /** `host:port` inside the environment's network. */
  readonly endpoint: string;
  /** URL the dbt jobs push to. */
  readonly url: string;

  constructor(scope: Construct, id: string, props: PushgatewayProps) {
    super(scope, id);
    this.endpoint = `${PUSHGATEWAY.service}:${PUSHGATEWAY.port}`;
    this.url = `http://${this.endpoint}`;
    this.service = new ServiceContainer(this, 'Resource', {
      platform: props.platform,
      service: PUSHGATEWAY.service,
      image: 'pushgateway',
      command: pushgatewayFlags(PUSHGATEWAY_PERSISTENCE_FILE, `:${PUSHGATEWAY.port}`),
      // The image's /pushgateway belongs to its user (nobody): a new volume there inherits that.
      mounts: [{ volume: props.platform.volume(this, 'Data', 'pushgateway-data'), containerPath: '/pushgateway' }],
      healthcheck: wgetProbe(`http://127.0.0.1:${PUSHGATEWAY.port}/-/healthy`),
    });
  }
}
