import { closestMatch } from '../edit-distance';
import { invalid } from '../validation';

/**
 * Which nodes of a dbt project the monitored invocations run: dbt's own node
 * selection, passed on the command line as written. Either expressions
 * (`select`, `exclude`) or one named selector of the project's selectors.yml.
 */
export interface DbtSelectors {
  /** `--select` expressions, each one union member, e.g. `['tag:hourly', 'fct_orders+']`. */
  readonly select?: readonly string[];
  /** `--exclude` expressions, e.g. `['tag:deprecated']`. */
  readonly exclude?: readonly string[];
  /** A selector defined in the project's selectors.yml: `--selector <name>`; not combined with select/exclude. */
  readonly selector?: string;
}

/** The node selection methods of dbt 1.12 (`method:value`, dbt's MethodName). */
export const DBT_SELECTION_METHODS = [
  'access', 'config', 'exposure', 'file', 'fqn', 'group', 'metric', 'package', 'path', 'resource_type', 'result', 'saved_query',
  'selector', 'semantic_model', 'source', 'source_status', 'state', 'tag', 'test_name', 'test_type', 'unit_test', 'version',
] as const;

/**
 * One selection member: optional graph operators (`@`, `N+` before, `+N` after)
 * around a node name or `method[.key]:value`; `,` joins intersections.
 */
const MEMBER = /^(@|\d*\+)?(?:([a-z_]+)(?:\.[A-Za-z0-9_.]+)?:)?([A-Za-z0-9_.*?/\[\]][A-Za-z0-9_.*?/\[\]-]*)(\+\d*)?$/;
const SELECTOR_NAME = /^[A-Za-z_][A-Za-z0-9_-]{0,99}$/;

/** Checks the selection of one project; `where` is its construct path or list position. */
export function validateDbtSelectors(selectors: DbtSelectors, where: string): void {
  const { select, exclude, selector } = selectors;
  if (selector !== undefined) {
    if (select !== undefined || exclude !== undefined) {
      invalid(where, 'selectors', selectors, 'dbt ignores --select and --exclude when --selector is given: declare either `selector` (defined in selectors.yml) or `select`/`exclude`, not both.');
    }
    if (!SELECTOR_NAME.test(selector)) invalid(where, 'selectors.selector', selector, 'Use the `name` of a selector in the project\'s selectors.yml: letters, digits, "_" and "-" (e.g. "nightly").');
    return;
  }
  if (!select?.length && !exclude?.length) {
    invalid(where, 'selectors', selectors, 'Give `select` and/or `exclude` expressions (e.g. { select: ["tag:hourly"] }) or a `selector` name, or leave `selectors` out to run the whole project.');
  }
  for (const key of ['select', 'exclude'] as const) selectors[key]?.forEach((expression, i) => validateExpression(expression, `selectors.${key}[${i}]`, where));
}

function validateExpression(expression: string, key: string, where: string): void {
  if (/\s/.test(expression) || expression === '') {
    invalid(where, key, expression, 'Write one selection per list entry, without spaces: dbt reads a space as "or", so ["tag:a", "tag:b"] says it plainly.');
  }
  for (const member of expression.split(',')) {
    const match = MEMBER.exec(member);
    if (!match) {
      invalid(where, key, expression, 'Use dbt node selection syntax: a node name or method:value, with optional graph operators and "," for intersection (e.g. "tag:hourly", "+fct_orders", "path:models/marts,config.materialized:table").');
    }
    const method = match[2];
    if (method !== undefined && !(DBT_SELECTION_METHODS as readonly string[]).includes(method)) {
      const guess = closestMatch(method, DBT_SELECTION_METHODS);
      invalid(where, key, expression, `"${method}" is not a dbt selection method${guess ? `; did you mean "${guess}"` : ''}? dbt knows ${DBT_SELECTION_METHODS.join(', ')}.`);
    }
  }
}

/** The dbt command-line flags of a selection: what the DAG appends to `dbt build` and `dbt source freshness`. */
export function dbtSelectionArgs(selectors: DbtSelectors | undefined): string[] {
  if (!selectors) return [];
  if (selectors.selector !== undefined) return ['--selector', selectors.selector];
  return [...(selectors.select?.length ? ['--select', ...selectors.select] : []), ...(selectors.exclude?.length ? ['--exclude', ...selectors.exclude] : [])];
}

/**
 * The environment of the example DAG (dbt/dags/dbt_shop.py) for one declared
 * project: where it is, the target, and the selection it passes to dbt.
 */
export function dbtDagEnvironment(spec: { readonly path: string; readonly target: string; readonly selectors?: DbtSelectors }): Record<string, string> {
  const s = spec.selectors;
  return {
    PIPEWATCH_DBT_PROJECT_DIR: spec.path,
    PIPEWATCH_DBT_TARGET: spec.target,
    ...(s?.select?.length ? { PIPEWATCH_DBT_SELECT: s.select.join(' ') } : {}),
    ...(s?.exclude?.length ? { PIPEWATCH_DBT_EXCLUDE: s.exclude.join(' ') } : {}),
    ...(s?.selector !== undefined ? { PIPEWATCH_DBT_SELECTOR: s.selector } : {}),
  };
}
