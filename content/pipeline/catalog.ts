import { readFileSync } from 'fs';
import { resolve } from 'path';
import { parse } from 'yaml';
import { z } from 'zod';
import { Duration } from '../duration';
import { closestMatch } from '../edit-distance';
import { PipewatchValidationError } from '../validation';
import { toYaml } from '../yaml';
import { PipelineSpec } from './spec';
import { validatePipelineCatalog } from './validate';

/** "30m", "1h30m", "28d": converted to a Duration, with the parse error as the zod issue. */
export const duration = z.string().transform((text, ctx) => {
  try {
    return Duration.parse(text);
  } catch (e) {
    ctx.addIssue({ code: z.ZodIssueCode.custom, message: (e as Error).message });
    return z.NEVER;
  }
});
export const severity = z.enum(['critical', 'warning', 'info']);

const pipelineSchema = z
  .object({
    dagId: z.string(),
    schedule: z.string(),
    ownerTeam: z.string(),
    deadline: duration.optional(),
    maxStaleness: duration.optional(),
    expectedDuration: duration,
    severity: z
      .object({
        runFailed: severity,
        deadlineMissed: severity,
        dataStale: severity,
        dataQuality: severity,
        durationRegression: severity,
        budgetBurnFast: severity,
        budgetBurnSlow: severity,
        metricsAbsent: severity,
      })
      .partial()
      .strict()
      .optional(),
    dataQualityChecks: z.array(z.object({ name: z.string(), dataset: z.string(), minCompleteness: z.number().optional() }).strict()).optional(),
    upstream: z.array(z.string()).optional(),
    tasks: z.array(z.object({ taskId: z.string(), expectedDuration: duration }).strict()),
    slo: z.object({ successRatio: z.number(), window: duration.optional() }).strict().optional(),
    description: z.string().optional(),
  })
  .strict();

const catalogSchema = z.object({ pipelines: z.array(pipelineSchema) }).strict();

/** The repository's catalog, pipelines.yaml: what `main.ts` (unless PIPEWATCH_PIPELINES says otherwise), the tests and the simulator read. */
export const DEFAULT_PIPELINES_FILE = resolve(__dirname, '..', '..', 'pipelines.yaml');

export type IssuePath = readonly (string | number)[];

/** Path of an issue as written in the file, e.g. `tasks[0].expectedDuration`. */
export function fieldPath(path: IssuePath): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');
}

/** `p.yaml: pipelines[1] (example_etl)` and the rest of the path inside that pipeline. */
function locate(file: string, document: unknown, path: IssuePath): { where: string; field: string } {
  if (path[0] !== 'pipelines' || typeof path[1] !== 'number') return { where: `${file}: (top level)`, field: fieldPath(path) };
  const dagId = valueAt(document, [...path.slice(0, 2), 'dagId']);
  const pipeline = `pipelines[${path[1]}]${typeof dagId === 'string' ? ` (${dagId})` : ''}`;
  return { where: `${file}: ${pipeline}`, field: fieldPath(path.slice(2)) };
}

/** A misspelt or unsupported field: the message names the file, pipeline, field and the closest known field. */
export class UnknownFieldError extends Error {
  constructor(where: string, field: string, known: readonly string[]) {
    const name = field.replace(/^.*\./, '');
    const closest = closestMatch(name, known);
    const fix = closest ? `did you mean ${closest}?` : `remove it; known fields here: ${known.join(', ')}`;
    super(`${where}: ${field}: unknown field; ${fix}`);
    this.name = 'UnknownFieldError';
  }
}

/** The object schema an issue path points into, so unknown keys can be compared with the known ones. */
export function objectSchemaAt(schema: z.ZodTypeAny, path: IssuePath): z.AnyZodObject | undefined {
  const unwrap = (s: z.ZodTypeAny): z.ZodTypeAny => (s instanceof z.ZodOptional ? unwrap(s.unwrap()) : s instanceof z.ZodEffects ? unwrap(s.innerType()) : s);
  let node: z.ZodTypeAny | undefined = schema;
  for (const key of path) {
    node = node && unwrap(node);
    node = node instanceof z.ZodArray ? node.element : node instanceof z.ZodObject ? node.shape[key] : undefined;
  }
  node = node && unwrap(node);
  return node instanceof z.ZodObject ? node : undefined;
}

/** A YAML file's document; a syntax error names the file and the position. */
export function parseYamlFile(text: string, file: string): unknown {
  try {
    return parse(text);
  } catch (e) {
    throw new PipewatchValidationError(file, 'YAML', (e as Error).message.split('\n')[0], 'Fix the YAML syntax at the position shown.');
  }
}

/** Parses a YAML pipeline catalog; errors name the file, the pipeline and the field path. */
export function parsePipelineCatalog(text: string, file: string): PipelineSpec[] {
  const document = parseYamlFile(text, file);
  const result = catalogSchema.safeParse(document);
  if (!result.success) {
    const issues = result.error.issues;
    // A misspelt key explains the other issues (a required field "missing"), so it is reported first.
    for (const unknown of issues) {
      if (unknown.code !== z.ZodIssueCode.unrecognized_keys) continue;
      const { where, field } = locate(file, document, [...unknown.path, unknown.keys[0]]);
      throw new UnknownFieldError(where, field, Object.keys(objectSchemaAt(catalogSchema, unknown.path)?.shape ?? {}));
    }
    const issue = issues[0];
    throw new PipewatchValidationError(`${file}: ${fieldPath(issue.path) || '(top level)'}`, 'value', valueAt(document, issue.path), `${issue.message}. See docs/alerting.md for the catalog format.`);
  }
  const specs: PipelineSpec[] = result.data.pipelines;
  validatePipelineCatalog(specs, (i) => `${file}: pipelines[${i}] (${specs[i].dagId})`);
  return specs;
}

export function valueAt(document: unknown, path: IssuePath): unknown {
  return path.reduce<unknown>((node, key) => (node !== null && typeof node === 'object' ? (node as Record<string, unknown>)[key] : undefined), document);
}

/** Reads and validates a YAML pipeline catalog such as pipelines.yaml. */
export function loadPipelineCatalog(file: string): PipelineSpec[] {
  return parsePipelineCatalog(readFileSync(file, 'utf8'), file);
}

/** The specs as catalog YAML (durations as `30m`), which loadPipelineCatalog reads back unchanged. */
export function renderPipelineCatalog(specs: readonly PipelineSpec[]): string {
  const plain = JSON.parse(JSON.stringify({ pipelines: specs }, (_, v) => (v instanceof Duration ? v.toPromDuration() : v)));
  return toYaml(plain);
}
