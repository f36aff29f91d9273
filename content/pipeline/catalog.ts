import { readFileSync } from 'fs';
import { parse } from 'yaml';
import { z } from 'zod';
import { Duration } from '../duration';
import { PipewatchValidationError } from '../validation';
import { PipelineSpec } from './spec';
import { validatePipelineCatalog } from './validate';

/** "30m", "1h30m", "28d": converted to a Duration, with the parse error as the zod issue. */
const duration = z.string().transform((text, ctx) => {
  try {
    return Duration.parse(text);
  } catch (e) {
    ctx.addIssue({ code: z.ZodIssueCode.custom, message: (e as Error).message });
    return z.NEVER;
  }
});
const severity = z.enum(['critical', 'warning', 'info']);

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

/** Path of an issue as written in the file, e.g. `pipelines[1].tasks[0].expectedDuration`. */
function fieldPath(path: readonly (string | number)[]): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');
}

/** Parses a YAML pipeline catalog; errors name the file and the field path. */
export function parsePipelineCatalog(text: string, file: string): PipelineSpec[] {
  let document: unknown;
  try {
    document = parse(text);
  } catch (e) {
    throw new PipewatchValidationError(file, 'YAML', (e as Error).message.split('\n')[0], 'Fix the YAML syntax at the position shown.');
  }
  const result = catalogSchema.safeParse(document);
  if (!result.success) {
    const issue = result.error.issues[0];
    const at = fieldPath(issue.path);
    throw new PipewatchValidationError(`${file}: ${at || '(top level)'}`, 'value', valueAt(document, issue.path), `${issue.message}. See docs/alerting.md for the catalog format.`);
  }
  const specs: PipelineSpec[] = result.data.pipelines;
  validatePipelineCatalog(specs, (i) => `${file}: pipelines[${i}] (${specs[i].dagId})`);
  return specs;
}

function valueAt(document: unknown, path: readonly (string | number)[]): unknown {
  return path.reduce<unknown>((node, key) => (node !== null && typeof node === 'object' ? (node as Record<string, unknown>)[key] : undefined), document);
}

/** Reads and validates a YAML pipeline catalog such as pipelines.yaml. */
export function loadPipelineCatalog(file: string): PipelineSpec[] {
  return parsePipelineCatalog(readFileSync(file, 'utf8'), file);
}
