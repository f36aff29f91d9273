/**
 * What the docker tier (scripts/docker-tier/run.sh) judges, as plain functions
 * over the synthesized configuration, Prometheus's answers and Terraform's plan.
 */
import { ScrapeTarget } from '../live/harness/prometheus';
import { Upload, uploadText } from '../support/uploads';

type Json = Record<string, any>;

/** Host names the synthesized prometheus.yml (uploaded into the Prometheus container from `stackDir`) scrapes. */
export function scrapedHosts(cdkTfJson: Json, stackDir: string): string[] {
  const containers = Object.values(cdkTfJson.resource.docker_container) as Json[];
  const prometheus = containers.find((c) => String(c.name).endsWith('-prometheus'));
  if (!prometheus) throw new Error('no Prometheus container in the synthesized stack');
  const config = (prometheus.upload as Upload[]).find((u) => u.file.endsWith('prometheus.yml'));
  if (!config) throw new Error('the Prometheus container uploads no prometheus.yml');
  return [...new Set([...uploadText(stackDir, config).matchAll(/- ([a-z0-9-]+):\d+/g)].map((m) => m[1]))];
}

/** Scraped hosts no deployed service answers for: components the tier leaves out (tests/docker/tier-app.ts). */
export function notDeployed(cdkTfJson: Json, stackDir: string, deployedServices: readonly string[]): string[] {
  return scrapedHosts(cdkTfJson, stackDir).filter((host) => !deployedServices.includes(host));
}

/** Targets whose health is not what deployment implies: deployed ones must be up, left-out ones down. */
export function targetProblems(targets: readonly ScrapeTarget[], leftOut: readonly string[]): string[] {
  const host = (t: ScrapeTarget) => t.instance.split(':')[0];
  return targets
    .filter((t) => (t.health === 'up') === leftOut.includes(host(t)))
    .map((t) => `${t.job}=${t.health}${t.lastError ? ` (${t.lastError})` : ''}`);
}

/** `address:actions` of every resource a `terraform show -json` plan changes (no-op and read left out). */
export function plannedChanges(plan: Json): string[] {
  return (plan.resource_changes as Json[])
    .filter((c) => !(c.change.actions as string[]).every((a) => a === 'no-op' || a === 'read'))
    .map((c) => `${c.address}:${(c.change.actions as string[]).join('+')}`);
}

/** Whether the plan replaces exactly one resource per pattern in `addresses` and changes nothing else. */
export function replacesOnly(changes: readonly string[], addresses: readonly RegExp[]): boolean {
  if (changes.length !== addresses.length) return false;
  return changes.every((change) => {
    const [target, actions] = change.split(':');
    return addresses.filter((a) => a.test(target)).length === 1 && (actions === 'delete+create' || actions === 'create+delete');
  }) && addresses.every((a) => changes.some((c) => a.test(c.split(':')[0])));
}
