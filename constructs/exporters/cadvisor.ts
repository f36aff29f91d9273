import { Construct } from 'constructs';
import { SERVICE_NAMES, SERVICE_PORTS } from '../../content/endpoints';
import { wgetProbe } from '../core/healthchecks';
import { Platform } from '../core/platform';
import { ServiceContainer } from '../core/service-container';

export interface CadvisorProps {
  readonly platform: Platform;
}

/** cAdvisor: per-container CPU, memory, filesystem and restarts, read from the Docker host. */
export class Cadvisor extends Construct {
  readonly service: ServiceContainer;

  constructor(scope: Construct, id: string, props: CadvisorProps) {
    super(scope, id);
    const readOnlyHost = (path: string) => ({ hostPath: path, containerPath: path === '/' ? '/rootfs' : path, readOnly: true });
    this.service = new ServiceContainer(this, 'Resource', {
      platform: props.platform,
      service: SERVICE_NAMES.cadvisor,
      image: 'cadvisor',
      command: ['--docker_only=true', '--housekeeping_interval=15s', '--store_container_labels=false', '--whitelisted_container_labels=pipewatch.environment,pipewatch.service'],
      // cAdvisor reads cgroups and the Docker state of the host; it needs these mounts and privileges.
      privileged: true,
      mounts: ['/', '/var/run', '/sys', '/var/lib/docker', '/dev/disk'].map(readOnlyHost),
      healthcheck: wgetProbe(`http://127.0.0.1:${SERVICE_PORTS.cadvisor}/healthz`),
    });
  }
}
