import { Image, ImageBuild } from '@cdktf/provider-docker/lib/image';
import { Network } from '@cdktf/provider-docker/lib/network';
import { Volume } from '@cdktf/provider-docker/lib/volume';
import { Construct } from 'constructs';
import { DEFAULT_IMAGES, ImageKey, ImageMap, isImageRef, isPinned } from './images';
import { invalid, requireDnsLabel } from '../../content/validation';
import { warnCorrected } from './warnings';

export interface PlatformProps {
  /** Prefix of every container, network and volume name, so `dev` and `pr-123` share one Docker host. */
  readonly environment: string;
  /** Overrides for the pinned images (private registry, mirror, local builds). @default DEFAULT_IMAGES */
  readonly images?: ImageMap;
  /** Host address published ports bind to. Anything but loopback exposes the services. @default '127.0.0.1' */
  readonly publishAddress?: string;
}

/**
 * What every service of one environment shares: its name prefix, private
 * network, image map and the address its ports are published on.
 */
export class Platform extends Construct {
  readonly environment: string;
  readonly network: Network;
  readonly publishAddress: string;
  private readonly images: Record<ImageKey, string>;
  private readonly imageResources = new Map<ImageKey, Image>();

  constructor(scope: Construct, id: string, props: PlatformProps) {
    super(scope, id);
    this.environment = requireDnsLabel(this, 'environment', props.environment);
    this.publishAddress = props.publishAddress ?? '127.0.0.1';
    this.images = { ...DEFAULT_IMAGES };
    for (const [key, ref] of Object.entries(props.images ?? {})) {
      if (!(key in DEFAULT_IMAGES)) {
        invalid(this, `images.${key}`, ref, `Known image keys are: ${Object.keys(DEFAULT_IMAGES).join(', ')}.`);
      }
      if (ref === undefined || !isImageRef(ref)) {
        invalid(this, `images.${key}`, ref, 'Use an image reference such as "registry.example.com/prom/prometheus:v3.16.0".');
      }
      if (!isPinned(ref)) warnCorrected(this, `images.${key} "${ref}" has no pinned tag; deploys may change under you. Pin a version or digest.`);
      this.images[key as ImageKey] = ref;
    }
    if (this.publishAddress !== '127.0.0.1') {
      warnCorrected(this, `ports are published on ${this.publishAddress}, not loopback: every service is reachable from that network.`);
    }
    this.network = new Network(this, 'Network', {
      name: this.resourceName('net'),
      driver: 'bridge',
      labels: [{ label: 'pipewatch.environment', value: this.environment }],
    });
  }

  /** `<environment>-<name>`: the Docker name of anything this environment owns. */
  resourceName(name: string): string {
    return `${this.environment}-${name}`;
  }

  image(key: ImageKey): string {
    return this.images[key];
  }

  /** The docker_image for a key, one per environment however many containers use it. */
  imageResource(key: ImageKey, build?: ImageBuild): Image {
    let image = this.imageResources.get(key);
    if (!image) {
      image = new Image(this, `Image-${key}`, {
        name: this.images[key],
        // Images are shared between environments on one host: destroying one must not remove them.
        keepLocally: true,
        ...(build ? { buildAttribute: build } : {}),
      });
      this.imageResources.set(key, image);
    }
    return image;
  }

  /** A named volume owned by this environment (removed by `cdktf destroy`). */
  volume(scope: Construct, id: string, name: string): Volume {
    return new Volume(scope, id, {
      name: this.resourceName(name),
      labels: [{ label: 'pipewatch.environment', value: this.environment }],
    });
  }
}
