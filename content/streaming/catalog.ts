import { readFileSync } from 'fs';
import { resolve } from 'path';
import { z } from 'zod';
import { duration, fieldPath, IssuePath, objectSchemaAt, parseYamlFile, severity, UnknownFieldError, valueAt } from '../pipeline/catalog';
import { PipewatchValidationError } from '../validation';
import { StreamingPipelineSpec } from './spec';
import { validateStreamingPipelines } from './validate';

const pipelineSchema = z
  .object({
    name: z.string(),
    ownerTeam: z.string(),
    topics: z.array(z.string()),
    consumerGroup: z.string(),
    maxLag: z.number().optional(),
    maxProcessingLatency: duration.optional(),
    spark: z.object({ app: z.string(), query: z.string() }).strict().optional(),
    deltaTables: z.array(z.object({ table: z.string(), maxCommitAge: duration.optional(), maxFiles: z.number().optional() }).strict()).optional(),
    servedModel: z.object({ model: z.string(), maxErrorRatio: z.number().optional(), maxP95LatencySeconds: z.number().optional() }).strict().optional(),
    upstream: z.array(z.string()).optional(),
    severity: z
      .object({ lagGrowing: severity, latencyHigh: severity, queryStalled: severity, jobsFailed: severity, executorLost: severity, deltaSmallFiles: severity, deltaStale: severity, modelErrors: severity, modelLatency: severity })
      .partial()
      .strict()
      .optional(),
    description: z.string().optional(),
  })
  .strict();

const catalogSchema = z.object({ streaming: z.array(pipelineSchema) }).strict();

/** The example platform's streaming pipelines, beside pipelines.yaml. */
export const DEFAULT_STREAMING_FILE = resolve(__dirname, '..', '..', 'streaming.yaml');

function where(file: string, document: unknown, path: IssuePath): string {
  if (path[0] !== 'streaming' || typeof path[1] !== 'number') return `${file}: (top level)`;
  const name = valueAt(document, [...path.slice(0, 2), 'name']);
  return `${file}: streaming[${path[1]}]${typeof name === 'string' ? ` (${name})` : ''}`;
}

/** Parses a YAML streaming catalog; errors name the file, the pipeline and the field. `knownDagIds` are the batch pipelines upstreams may name. */
export function parseStreamingCatalog(text: string, file: string, knownDagIds: readonly string[] = []): StreamingPipelineSpec[] {
  const document = parseYamlFile(text, file);
  const result = catalogSchema.safeParse(document);
  if (!result.success) {
    const issues = result.error.issues;
    for (const unknown of issues) {
      if (unknown.code !== z.ZodIssueCode.unrecognized_keys) continue;
      const path = [...unknown.path, unknown.keys[0]];
      throw new UnknownFieldError(where(file, document, path), fieldPath(path.slice(2)), Object.keys(objectSchemaAt(catalogSchema, unknown.path)?.shape ?? {}));
    }
    const issue = issues[0];
    throw new PipewatchValidationError(`${where(file, document, issue.path)}: ${fieldPath(issue.path.slice(2)) || '(top level)'}`, 'value', valueAt(document, issue.path), `${issue.message}. See docs/streaming.md for the catalog format.`);
  }
  const specs: StreamingPipelineSpec[] = result.data.streaming;
  validateStreamingPipelines(specs, knownDagIds, (i) => `${file}: streaming[${i}] (${specs[i].name})`);
  return specs;
}

export function loadStreamingCatalog(file: string, knownDagIds: readonly string[] = []): StreamingPipelineSpec[] {
  return parseStreamingCatalog(readFileSync(file, 'utf8'), file, knownDagIds);
}
