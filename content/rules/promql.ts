import { parser } from '@prometheus-io/lezer-promql';

type Tree = ReturnType<typeof parser.parse>;

/** A PromQL expression that does not parse, named by where it was declared. */
export class PromQLSyntaxError extends Error {
  constructor(where: string, expr: string, position: number) {
    super(`${where}: PromQL does not parse at offset ${position} ("${expr.slice(position, position + 30)}") in: ${expr}. Fix the expression; it must be accepted by Prometheus as written.`);
    this.name = 'PromQLSyntaxError';
  }
}

/** Throws PromQLSyntaxError unless `expr` parses; `where` names the rule (e.g. `group pipeline-etl, alert PipelineRunFailed`). */
export function assertValidPromQL(expr: string, where: string): void {
  assertParsed(parser.parse(expr), expr, where);
}

function assertParsed(tree: Tree, expr: string, where: string): void {
  if (expr.trim() === '') throw new PromQLSyntaxError(where, expr, 0);
  let errorAt: number | undefined;
  tree.iterate({
    enter(node) {
      if (errorAt === undefined && node.type.isError) errorAt = node.from;
    },
  });
  if (errorAt !== undefined) throw new PromQLSyntaxError(where, expr, errorAt);
}

/**
 * Metric names the expression selects, read from its parse tree. Selectors by
 * `{__name__=…}` are rejected: a name hidden in a matcher could not be checked
 * against the metric catalog.
 */
export function selectedMetricNames(expr: string, where: string): string[] {
  const shape = shapeOf(expr);
  const known = namesByShape.get(shape);
  if (known) return [...known];
  const names = parseSelectedMetricNames(expr, where);
  namesByShape.set(shape, names);
  return [...names];
}

/** Metric names by expression shape: a rule set repeats expressions (and thousands of `vector(N)` thresholds), each parsed once per process. */
const namesByShape = new Map<string, readonly string[]>();
const NUMBER_VECTOR = /^vector\(-?\d+(?:\.\d+)?(?:e[+-]?\d+)?\)$/;

/** `vector(<number>)` parses alike and selects nothing whatever the number; any other expression is its own shape. */
const shapeOf = (expr: string): string => (NUMBER_VECTOR.test(expr) ? 'vector(0)' : expr);

function parseSelectedMetricNames(expr: string, where: string): string[] {
  const tree = parser.parse(expr);
  assertParsed(tree, expr, where);
  const names = new Set<string>();
  const cursor = tree.cursor();
  do {
    if (cursor.name === 'VectorSelector') {
      const selector = expr.slice(cursor.from, cursor.to);
      const name = /^[a-zA-Z_:][a-zA-Z0-9_:]*/.exec(selector)?.[0];
      if (name === undefined || /__name__/.test(selector)) {
        throw new Error(`${where}: the selector ${selector} has no plain metric name. Write the metric name before the braces so it can be checked against content/metrics/catalog.ts.`);
      }
      names.add(name);
    }
  } while (cursor.next());
  return [...names];
}
