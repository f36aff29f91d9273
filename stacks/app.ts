import { App } from 'cdktf';
import { resolve } from 'path';
import { loadPipelineCatalog } from '../content/pipeline/catalog';
import { environmentName, grafanaTarget, hostPortOffset, pipelinesFile, remoteWriteTargets, streamingSettings } from './environments';
import { GrafanaStack } from './grafana';
import { LocalDockerStack } from './local-docker';
import { RemoteDockerStack } from './remote-docker';

/** The cdktf app `main.ts` synthesizes: local, remote and Grafana stacks of one environment, from the pipeline catalog. */
export function buildApp(env: NodeJS.ProcessEnv = process.env, app: App = new App()): App {
  const environment = environmentName(env);
  const pipelines = loadPipelineCatalog(pipelinesFile(env));
  const streaming = streamingSettings(pipelines.map((p) => p.dagId), env);
  const common = { environment, pipelines, hostPortOffset: hostPortOffset(env), remoteWrite: remoteWriteTargets(env), streaming };
  new LocalDockerStack(app, `local-${environment}`, common);
  new RemoteDockerStack(app, `remote-${environment}`, { ...common, dagsDir: resolve(__dirname, '..', 'airflow', 'dags') });
  new GrafanaStack(app, `grafana-${environment}`, { ...grafanaTarget(env), pipelines });
  return app;
}
