import { DockerProvider } from '@cdktf/provider-docker/lib/provider';
import { RandomProvider } from '@cdktf/provider-random/lib/provider';
import { TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { MonitoringStack, MonitoringStackProps } from '../constructs/monitoring-stack';

export interface LocalDockerStackProps extends MonitoringStackProps {
  /** Docker engine address. @default 'unix:///var/run/docker.sock' */
  readonly dockerHost?: string;
}

/** The whole stack on the local Docker engine, ports on loopback. */
export class LocalDockerStack extends TerraformStack {
  readonly monitoring: MonitoringStack;

  constructor(scope: Construct, id: string, props: LocalDockerStackProps) {
    super(scope, id);
    new DockerProvider(this, 'Docker', { host: props.dockerHost ?? 'unix:///var/run/docker.sock' });
    new RandomProvider(this, 'Random');
    this.monitoring = new MonitoringStack(this, 'Monitoring', props);
  }
}
