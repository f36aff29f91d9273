import { TASK_LOG_PATH_ATTRIBUTES } from './collector-config';

/**
 * How Loki's OTLP endpoint turns the collector's resource attributes into stream labels.
 * Loki indexes a documented default set of resource attributes (dots become underscores);
 * every other resource attribute is stored as structured metadata, queryable but not indexed.
 * Source: Loki's "Ingesting logs to Loki using OpenTelemetry Collector" (format considerations).
 */
export const LOKI_DEFAULT_INDEX_ATTRIBUTES = [
  'service.name',
  'service.namespace',
  'service.instance.id',
  'deployment.environment',
  'deployment.environment.name',
  'cloud.region',
  'cloud.availability_zone',
  'k8s.cluster.name',
  'k8s.namespace.name',
  'k8s.pod.name',
  'k8s.container.name',
  'container.name',
  'k8s.replicaset.name',
  'k8s.deployment.name',
  'k8s.statefulset.name',
  'k8s.daemonset.name',
  'k8s.cronjob.name',
  'k8s.job.name',
] as const;

/**
 * Task-log attributes the stack indexes on top of Loki's defaults. dag_id and task_id are bounded by
 * the DAGs' code (one stream per task of each pipeline: about 10,000 at 1,000 pipelines); run_id and
 * try_number grow with every run, so they stay structured metadata.
 */
export const STACK_INDEX_ATTRIBUTES: readonly string[] = TASK_LOG_PATH_ATTRIBUTES.filter((a) => a === 'dag_id' || a === 'task_id');

/** limits_config.otlp_config of Loki: the stack's index labels, Loki's defaults kept. */
export function lokiOtlpLimits(): object {
  return { resource_attributes: { ignore_defaults: false, attributes_config: [{ action: 'index_label', attributes: [...STACK_INDEX_ATTRIBUTES] }] } };
}

/** The label Loki gives a resource attribute. */
export const lokiLabelName = (attribute: string): string => attribute.replace(/[^a-zA-Z0-9_]/g, '_');

type Json = Record<string, any>;
const RESOURCE_FIELD = /^resource\["([^"]+)"\]$/;
const NAMED_GROUP = /\(\?P<([A-Za-z_][A-Za-z0-9_]*)>/g;

/** Resource attributes a filelog receiver's operators set: moved, copied or added into resource[…], or parsed into the resource. */
function operatorResourceAttributes(operator: Json): string[] {
  if (operator.parse_to === 'resource' && typeof operator.regex === 'string') return [...operator.regex.matchAll(NAMED_GROUP)].map((m) => m[1]);
  const target = typeof operator.to === 'string' ? operator.to : operator.type === 'add' ? operator.field : undefined;
  const match = typeof target === 'string' ? RESOURCE_FIELD.exec(target) : null;
  return match ? [match[1]] : [];
}

/**
 * The stream labels Loki makes of what the rendered collector config ships: the resource attributes its
 * logs pipeline sets (receivers' operators, resource processors) that Loki's rendered config indexes
 * (its defaults unless ignored, plus its index_label rules), named as Loki names them.
 */
export function lokiStreamLabels(collectorConfig: Json, lokiConfig: Json): string[] {
  const pipeline = collectorConfig.service.pipelines.logs;
  const fromReceivers = (pipeline.receivers as string[]).flatMap((id) => ((collectorConfig.receivers[id]?.operators ?? []) as Json[]).flatMap(operatorResourceAttributes));
  const fromProcessors = ((pipeline.processors ?? []) as string[])
    .filter((id) => id === 'resource' || id.startsWith('resource/'))
    .flatMap((id) => (collectorConfig.processors[id].attributes as Json[]).filter((a) => a.action === 'insert' || a.action === 'upsert').map((a) => a.key as string));
  const otlp = lokiConfig.limits_config?.otlp_config?.resource_attributes ?? {};
  const indexed = new Set<string>([
    ...(otlp.ignore_defaults ? [] : LOKI_DEFAULT_INDEX_ATTRIBUTES),
    ...((otlp.attributes_config ?? []) as Json[]).filter((c) => c.action === 'index_label').flatMap((c) => c.attributes as string[]),
  ]);
  return [...new Set([...fromReceivers, ...fromProcessors].filter((a) => indexed.has(a)).map(lokiLabelName))].sort();
}
