import { buildApp } from './stacks/app';
import { synthKubernetesTarget } from './stacks/kubernetes';

const app = buildApp();
app.synth();
synthKubernetesTarget(app.outdir);
