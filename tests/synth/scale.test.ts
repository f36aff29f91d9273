import { PipelineSpec } from '../../content/pipeline/spec';
import { LocalDockerStack } from '../../stacks/local-docker';
import { syntheticCatalog } from '../support/synthetic-catalog';
import { TerraformJson, synthLocal } from '../support/synth';

/**
 * The deploy's cost must not grow with the catalog, and a change must reach exactly the containers that
 * read it. Every attribute of a docker_container forces a new container (the provider's schema), so a
 * container whose synthesized configuration is unchanged plans nothing and a changed one is replaced:
 * the resources that differ between two syntheses are the ones a deploy replaces. The docker tier
 * deploys 500 pipelines on a real engine and checks there that a re-plan changes nothing and a rule change
 * replaces exactly Prometheus and the simulator; Grafana has no image in it (tests/docker/tier-app.ts),
 * so a dashboard change is checked here.
 */
const PIPELINES = syntheticCatalog(500);

function synth(pipelines: readonly PipelineSpec[], dashboardTitle = 'Team view'): TerraformJson {
  const addDashboard = (stack: LocalDockerStack) => stack.monitoring.grafana!.addDashboard('team-view', () => ({ uid: 'team-view', title: dashboardTitle, panels: [] }));
  return synthLocal({ pipelines }, addDashboard).json;
}

/** Addresses (type.name) of the resources whose configuration differs between two syntheses. */
function changedResources(a: TerraformJson, b: TerraformJson): string[] {
  const flat = (json: TerraformJson) =>
    new Map(Object.entries(json.resource).flatMap(([type, byName]) => Object.entries(byName).map(([name, body]) => [`${type}.${name}`, JSON.stringify(body)])));
  const [before, after] = [flat(a), flat(b)];
  return [...new Set([...before.keys(), ...after.keys()])].filter((address) => before.get(address) !== after.get(address)).sort();
}

const nameOf = (json: TerraformJson, address: string) => {
  const [type, name] = address.split('.');
  return json.resource[type][name].name;
};

describe('GIVEN the local stack monitoring 500 pipelines', () => {
  const base = synth(PIPELINES);
  const text = JSON.stringify(base);

  test('THEN no pipeline appears in the Terraform configuration: rules, dashboards and the catalog are files beside it', () => {
    expect(PIPELINES.filter((p) => text.includes(p.dagId)).map((p) => p.dagId)).toEqual([]);
    expect(text.length).toBeLessThan(150_000);
  });

  test('WHEN one dashboard changes THEN the Grafana container is the only resource that changes', () => {
    const changed = synth(PIPELINES, 'Team view, renamed');
    expect(changedResources(base, changed).map((address) => nameOf(changed, address))).toEqual(['dev-grafana']);
  });
});
