import { Construct } from 'constructs';
import { renderPipelineCatalog } from '../../content/pipeline/catalog';
import { PipelineSpec } from '../../content/pipeline/spec';
import { SECRETS_DIR } from '../core/secrets';
import { SERVICE_NAMES, SERVICE_PORTS } from '../../content/endpoints';
import { LocalImage, localBuild, nodeHealthz, rebuildOnSourceChange } from '../core/local-image';
import { Platform } from '../core/platform';
import { ServiceContainer } from '../core/service-container';
import { requirePositive } from '../../content/validation';
import { DatabaseLogin } from '../postgres/postgres';

export interface MetricsAppProps {
  readonly platform: Platform;
  /** Run-history database owner login. */
  readonly history: DatabaseLogin;
  /** The pipelines to simulate, read at synth so pipelines added to the stack later are simulated too. */
  readonly pipelines: () => readonly PipelineSpec[];
  /** Pipeline hours simulated per real hour. @default 60 */
  readonly timeScale?: number;
  /** Seed for deterministic runs. @default 1 */
  readonly seed?: number;
  /** @default 8000 */
  readonly hostPort?: number;
}

/** The simulator image is built from its own code and the content it shares with the stack. */
const SIMULATOR_IMAGE: LocalImage = { key: 'metricsApp', dockerfile: 'metrics-app/Dockerfile', sources: ['metrics-app', 'content', 'service-kit', 'package.json', 'package-lock.json', 'tsconfig.json'] };
/** The pipeline catalog the stack renders for the simulator; the pipelines it monitors, nothing else. */
export const SIMULATOR_PIPELINES_FILE = '/etc/pipewatch/simulator-pipelines.yaml';

/**
 * The pipeline simulator. Its image is built from metrics-app/ by the Docker
 * provider unless the image map points elsewhere, and rebuilt when its sources change.
 */
export class MetricsApp extends Construct {
  readonly service: ServiceContainer;

  constructor(scope: Construct, id: string, props: MetricsAppProps) {
    super(scope, id);
    const { platform, history } = props;
    const build = localBuild(platform, SIMULATOR_IMAGE);
    this.service = new ServiceContainer(this, 'Resource', {
      platform,
      service: SERVICE_NAMES.metricsApp,
      image: 'metricsApp',
      build,
      env: {
        PORT: String(SERVICE_PORTS.metricsApp),
        SIM_SEED: String(props.seed ?? 1),
        SIM_PIPELINES_FILE: SIMULATOR_PIPELINES_FILE,
        SIM_TIME_SCALE: String(requirePositive(this, 'timeScale', props.timeScale ?? 60)),
        PGHOST: history.host,
        PGPORT: String(history.port),
        PGDATABASE: history.database,
        PGUSER: history.user,
        PGPASSWORD_FILE: `${SECRETS_DIR}/history_password`,
      },
      configFiles: [{ path: SIMULATOR_PIPELINES_FILE, content: () => renderPipelineCatalog(props.pipelines()) }],
      secretFiles: [history.password.asFile('history_password')],
      dependsOn: [history.provisionedBy],
      ports: [{ internal: SERVICE_PORTS.metricsApp, external: props.hostPort }],
      healthcheck: nodeHealthz(SERVICE_PORTS.metricsApp),
    });
    if (build) rebuildOnSourceChange(this.service, SIMULATOR_IMAGE);
  }
}
