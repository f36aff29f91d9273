import { containerLogOptions } from '../../content/logs/collector-config';
import { Container, ContainerHealthcheck, ContainerUpload, ContainerVolumes } from '@cdktf/provider-docker/lib/container';
import { Image, ImageBuild } from '@cdktf/provider-docker/lib/image';
import { Volume } from '@cdktf/provider-docker/lib/volume';
import { Construct } from 'constructs';
import { ConfigFile, ConfigFileAssets } from './config-files';
import { ImageKey } from './images';
import { Platform } from './platform';
import { SecretFile } from './secrets';
import { invalid, requirePort } from '../../content/validation';

export interface PublishedPort {
  readonly internal: number;
  /** Host port. @default - same as internal */
  readonly external?: number;
  /** @default 'tcp' */
  readonly protocol?: 'tcp' | 'udp';
}

export type Mount =
  | { readonly volume: Volume; readonly containerPath: string; readonly readOnly?: boolean }
  | { readonly hostPath: string; readonly containerPath: string; readonly readOnly?: boolean };

export interface ServiceContainerProps {
  readonly platform: Platform;
  /** Service name: network alias other containers use, and the suffix of the container name. */
  readonly service: string;
  readonly image: ImageKey;
  /** Build the image from a Dockerfile when the image map still points at the default local tag. */
  readonly build?: ImageBuild;
  readonly command?: string[];
  readonly entrypoint?: string[];
  readonly env?: Readonly<Record<string, string>>;
  /** @default - nothing published */
  readonly ports?: readonly PublishedPort[];
  readonly mounts?: readonly Mount[];
  readonly configFiles?: readonly ConfigFile[];
  readonly secretFiles?: readonly SecretFile[];
  /** Required for long-running services. */
  readonly healthcheck?: ContainerHealthcheck;
  /**
   * A job that runs to completion on deploy (migrations): the deploy waits for
   * it and fails if it fails; it is never restarted and has no healthcheck. @default false
   */
  readonly oneShot?: boolean;
  /** @default - the image's user */
  readonly user?: string;
  /** @default false */
  readonly privileged?: boolean;
  /** @default 'unless-stopped' */
  readonly restart?: 'no' | 'on-failure' | 'always' | 'unless-stopped';
  /** Wait for the healthcheck to pass before the deploy continues. @default true */
  readonly waitHealthy?: boolean;
  /** Hard memory limit. @default - unlimited */
  readonly memoryMb?: number;
  /** Services that must be created first (e.g. the database before its users). */
  readonly dependsOn?: readonly ServiceContainer[];
}

/**
 * One container of the environment, with the house rules applied: pinned
 * image from the image map, private network, loopback-only ports, healthcheck,
 * restart policy, environment-prefixed name. Config files are uploaded from
 * the synthesized stack directory (ConfigFileAssets) and secret files from
 * their Terraform references; a change to any of them replaces the container on deploy.
 */
export class ServiceContainer extends Construct {
  readonly container: Container;
  readonly image: Image;
  /** Host name other containers reach this service at. */
  readonly hostname: string;
  private readonly files: ContainerUpload[];
  private readonly configFiles: ConfigFileAssets;

  constructor(scope: Construct, id: string, props: ServiceContainerProps) {
    super(scope, id);
    const { platform } = props;
    this.hostname = props.service;
    this.image = platform.imageResource(props.image, props.build);

    const ports = (props.ports ?? []).map((p) => ({
      internal: requirePort(this, 'ports.internal', p.internal),
      external: requirePort(this, 'ports.external', p.external ?? p.internal),
      ip: platform.publishAddress,
      protocol: p.protocol ?? 'tcp',
    }));

    if (!props.oneShot && !props.healthcheck) {
      invalid(this, 'healthcheck', undefined, 'Every long-running service needs a healthcheck; set oneShot for run-to-completion jobs.');
    }
    this.configFiles = new ConfigFileAssets(this, 'ConfigFiles', platform.resourceName(props.service));
    this.files = [...(props.configFiles ?? []).map((f) => this.configFiles.upload(f)), ...(props.secretFiles ?? []).map(secretUpload)];
    this.container = new Container(this, 'Resource', {
      name: platform.resourceName(props.service),
      hostname: props.service,
      image: this.image.imageId,
      command: props.command,
      entrypoint: props.entrypoint,
      env: Object.entries(props.env ?? {}).map(([k, v]) => `${k}=${v}`),
      ports,
      volumes: (props.mounts ?? []).map(toDockerVolume),
      upload: this.files,
      healthcheck: props.healthcheck,
      user: props.user,
      privileged: props.privileged,
      memory: props.memoryMb,
      // Swap set to the limit (none beyond it): left unset, Docker makes it twice the limit and every plan would update the container.
      memorySwap: props.memoryMb,
      // json-file with the container's name and environment on every line: what the log shipper reads.
      logDriver: 'json-file',
      logOpts: containerLogOptions(),
      ...(props.oneShot
        ? { restart: 'no', mustRun: false, attach: true, logs: false }
        : { restart: props.restart ?? 'unless-stopped', mustRun: true, wait: props.waitHealthy ?? true, waitTimeout: 300 }),
      networksAdvanced: [{ name: platform.network.name, aliases: [props.service] }],
      labels: [
        { label: 'pipewatch.environment', value: platform.environment },
        { label: 'pipewatch.service', value: props.service },
      ],
      dependsOn: props.dependsOn?.map((d) => d.container),
    });
  }

  /** Uploads one more config file; like every upload, a change to it replaces the container. */
  addConfigFile(file: ConfigFile): void {
    this.files.push(this.configFiles.upload(file));
    this.container.putUpload(this.files);
  }

  addSecretFile(file: SecretFile): void {
    this.files.push(secretUpload(file));
    this.container.putUpload(this.files);
  }

  /** `http://<service>:<port>` as seen from the other containers. */
  url(port: number, path = ''): string {
    return `http://${this.hostname}:${port}${path}`;
  }
}

function toDockerVolume(m: Mount): ContainerVolumes {
  return 'volume' in m
    ? { volumeName: m.volume.name, containerPath: m.containerPath, readOnly: m.readOnly ?? false }
    : { hostPath: m.hostPath, containerPath: m.containerPath, readOnly: m.readOnly ?? false };
}

/** Secret content is a Terraform reference (random_password, sensitive variable): it must stay one. */
function secretUpload(f: SecretFile): ContainerUpload {
  return { file: f.path, content: f.content };
}
