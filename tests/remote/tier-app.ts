/**
 * The remote tier's cdktf app: the `remote-<env>` stack main.ts synthesizes (RemoteDockerStack, engine
 * address and TLS material as sensitive Terraform variables, DAG files uploaded), with the images the
 * docker tier builds and its smallest useful shape: Airflow on (the DAG upload is what a remote engine
 * needs most), the simulator off, and the components without an image here left out as in the docker
 * tier (tests/docker/tier-app.ts says why). Synthesized by scripts/remote-tier/run.sh only.
 *
 * Environment: PIPEWATCH_ENV, PIPEWATCH_IMAGES_FILE (written by scripts/docker-tier/build-images.sh).
 */
import { readFileSync } from 'fs';
import { resolve } from 'path';
import { App } from 'cdktf';
import { ImageMap } from '../../constructs/core/images';
import { DEFAULT_PIPELINES_FILE, loadPipelineCatalog } from '../../content/pipeline/catalog';
import { environmentName } from '../../stacks/environments';
import { RemoteDockerStack } from '../../stacks/remote-docker';

const imagesFile = process.env.PIPEWATCH_IMAGES_FILE;
if (!imagesFile) throw new Error('PIPEWATCH_IMAGES_FILE is not set; run the tier through scripts/remote-tier/run.sh');

const app = new App();
const environment = environmentName();
new RemoteDockerStack(app, `remote-${environment}`, {
  environment,
  pipelines: loadPipelineCatalog(DEFAULT_PIPELINES_FILE),
  images: JSON.parse(readFileSync(imagesFile, 'utf8')) as ImageMap,
  dagsDir: resolve(__dirname, '../../airflow/dags'),
  grafana: false,
  logs: false,
  containerMetrics: false,
  simulator: false,
});
app.synth();
