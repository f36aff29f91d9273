import { DockerProvider } from '@cdktf/provider-docker/lib/provider';
import { RandomProvider } from '@cdktf/provider-random/lib/provider';
import { TerraformStack, TerraformVariable } from 'cdktf';
import { Construct } from 'constructs';
import { MonitoringStack, MonitoringStackProps } from '../constructs/monitoring-stack';

export type RemoteDockerStackProps = Omit<MonitoringStackProps, 'dags'> & {
  /** Local directory whose DAG files are uploaded to the remote containers. */
  readonly dagsDir: string;
};

/**
 * The same stack on a Docker engine on another machine (a cloud VM). The
 * engine address and TLS material are Terraform variables, so none of them is
 * written into the synthesized configuration:
 *   docker_host     ssh://deploy@vm.example.com  or  tcp://vm.example.com:2376
 *   docker_ca_pem, docker_cert_pem, docker_key_pem   (sensitive; empty for ssh)
 * Ports stay on the VM's loopback: reach the UIs through an SSH tunnel.
 */
export class RemoteDockerStack extends TerraformStack {
  readonly monitoring: MonitoringStack;

  constructor(scope: Construct, id: string, props: RemoteDockerStackProps) {
    super(scope, id);
    const host = new TerraformVariable(this, 'docker_host', {
      type: 'string',
      description: 'Docker engine of the remote host: ssh://user@host or tcp://host:2376 (TLS)',
    });
    const tls = (name: string, what: string) =>
      new TerraformVariable(this, name, { type: 'string', sensitive: true, default: '', description: `${what} (PEM) for tcp:// with TLS; empty for ssh://` });
    const ca = tls('docker_ca_pem', 'CA certificate');
    const cert = tls('docker_cert_pem', 'Client certificate');
    const key = tls('docker_key_pem', 'Client private key');

    new DockerProvider(this, 'Docker', {
      host: host.stringValue,
      caMaterial: ca.stringValue,
      certMaterial: cert.stringValue,
      keyMaterial: key.stringValue,
      sshOpts: ['-o', 'StrictHostKeyChecking=yes', '-o', 'ServerAliveInterval=30'],
    });
    new RandomProvider(this, 'Random');
    const { dagsDir, ...monitoring } = props;
    this.monitoring = new MonitoringStack(this, 'Monitoring', { ...monitoring, dags: { uploadFrom: dagsDir } });
  }
}
