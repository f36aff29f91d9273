import { App } from 'cdktf';
import { resolve } from 'path';
import { environmentName, grafanaTarget, hostPortOffset } from './stacks/environments';
import { GrafanaStack } from './stacks/grafana';
import { LocalDockerStack } from './stacks/local-docker';
import { EXAMPLE_PIPELINES } from './stacks/pipelines';
import { RemoteDockerStack } from './stacks/remote-docker';

const app = new App();
const environment = environmentName();
const common = { environment, pipelines: EXAMPLE_PIPELINES, hostPortOffset: hostPortOffset() };

new LocalDockerStack(app, `local-${environment}`, common);
new RemoteDockerStack(app, `remote-${environment}`, { ...common, dagsDir: resolve(__dirname, 'airflow/dags') });
new GrafanaStack(app, `grafana-${environment}`, { ...grafanaTarget(), pipelines: EXAMPLE_PIPELINES });

app.synth();
