import { invalid } from '../validation';
import { validateDbtSelectors } from './selection';
import { DbtProjectSpec } from './spec';

/** dbt project names and targets are identifiers; they become label values and Pushgateway group keys. */
const DBT_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,99}$/;
const TARGET = /^[A-Za-z0-9_.-]{1,100}$/;
const TEAM = /^[a-z0-9][a-z0-9_-]{0,62}$/;

/** Checks one project on its own; `where` is its construct path or list position. */
export function validateDbtProjectSpec(spec: DbtProjectSpec, where: string): void {
  if (!DBT_NAME.test(spec.project)) invalid(where, 'project', spec.project, 'Use the `name` of dbt_project.yml: letters, digits and "_", not starting with a digit (e.g. "shop").');
  if (!TARGET.test(spec.target)) invalid(where, 'target', spec.target, 'Use the profile output dbt runs against (e.g. "prod"): letters, digits, "_", "." and "-".');
  if (!TEAM.test(spec.ownerTeam)) invalid(where, 'ownerTeam', spec.ownerTeam, 'Use a lowercase team name of letters, digits, "_" and "-" (e.g. "analytics"); it becomes the `team` label routes match on.');
  if (spec.path.trim() === '') invalid(where, 'path', spec.path, 'Give the directory holding dbt_project.yml, e.g. "dbt/shop".');
  if (spec.selectors !== undefined) validateDbtSelectors(spec.selectors, where);
  const factor = spec.durationRegressionFactor;
  if (factor !== undefined && !(Number.isFinite(factor) && factor > 1)) {
    invalid(where, 'durationRegressionFactor', factor, 'Use a number above 1, e.g. 1.5 for "half as slow again as usual".');
  }
  const min = spec.minRegressionDuration;
  if (min !== undefined && min.toSeconds() <= 0) invalid(where, 'minRegressionDuration', min.toString(), 'Use a duration greater than zero, e.g. Duration.minutes(1).');
}

/** Checks a list of projects: each on its own, and no project and target monitored twice. */
export function validateDbtProjects(specs: readonly DbtProjectSpec[], whereOf: (i: number) => string = (i) => `dbt.projects[${i}]`): void {
  const seen = new Set<string>();
  specs.forEach((spec, i) => {
    validateDbtProjectSpec(spec, whereOf(i));
    const key = `${spec.project}/${spec.target}`;
    if (seen.has(key)) invalid(whereOf(i), 'project and target', key, 'Each dbt project and target is declared once; its alerts would otherwise fire twice.');
    seen.add(key);
  });
}
