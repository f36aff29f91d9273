import { execFileSync } from 'child_process';
import { join, resolve } from 'path';

const REPO_ROOT = resolve(__dirname, '../../..');

export interface K8sTools {
  readonly kubeApiserver: string;
  readonly etcd: string;
  /** Directory of the Prometheus Operator's CRD manifests (in the Go module cache). */
  readonly operatorCrds: string;
  readonly operatorVersion: string;
  readonly openssl: string;
  readonly prometheusOperator: string;
  readonly amtool: string;
  readonly promtool: string;
}

/** Runs scripts/install-k8s-tools.sh (cached: prints the paths at once) and reads its `name=path` lines; fails, never skips. */
export function k8sTools(): K8sTools {
  let output: string;
  try {
    output = execFileSync('bash', [join(REPO_ROOT, 'scripts/install-k8s-tools.sh')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 3_600_000 });
  } catch (error) {
    const { stdout, stderr, message } = error as { stdout?: string; stderr?: string; message: string };
    throw new Error(`scripts/install-k8s-tools.sh failed: ${message}\n${stdout ?? ''}${stderr ?? ''}`);
  }
  const found = Object.fromEntries(output.trim().split('\n').map((line) => line.split('=', 2)));
  const need = ['kube_apiserver', 'etcd', 'operator_crds', 'operator_version', 'openssl', 'prometheus_operator', 'amtool', 'promtool'];
  const missing = need.filter((k) => !found[k]);
  if (missing.length > 0) throw new Error(`scripts/install-k8s-tools.sh did not print ${missing.join(', ')}:\n${output}`);
  return { kubeApiserver: found.kube_apiserver, etcd: found.etcd, operatorCrds: found.operator_crds, operatorVersion: found.operator_version, openssl: found.openssl,
    prometheusOperator: found.prometheus_operator, amtool: found.amtool, promtool: found.promtool };
}
