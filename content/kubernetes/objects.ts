import { DNS_LABEL, invalid, Where } from '../validation';

/** A Kubernetes object as pipewatch writes it: plain data, ready for YAML or a server-side apply. */
export interface KubeObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: ObjectMeta;
  readonly spec?: unknown;
  readonly data?: Readonly<Record<string, string>>;
}

export interface ObjectMeta {
  readonly name: string;
  readonly namespace: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations?: Readonly<Record<string, string>>;
}

/**
 * `kubectl apply` (client side) copies the whole object into the
 * last-applied-configuration annotation, which may hold 262,144 bytes in all.
 * pipewatch keeps every object under half of that, so client-side apply and
 * the annotation's own JSON escaping leave room.
 */
export const ANNOTATION_LIMIT_BYTES = 262_144;
export const OBJECT_BUDGET_BYTES = ANNOTATION_LIMIT_BYTES / 2;

/** Size of the object as `kubectl apply` stores it in the annotation (compact JSON). */
export function objectBytes(o: unknown): number {
  return Buffer.byteLength(JSON.stringify(o), 'utf8');
}

/** Where the objects go and whom they are for: the labels every object carries. */
export interface ObjectScope {
  readonly environment: string;
  readonly namespace: string;
  /** Labels the operator's selectors look for (kube-prometheus-stack: `release: <its release name>`). */
  readonly selectorLabels: Readonly<Record<string, string>>;
}

export function metadata(scope: ObjectScope, name: string, extra: { labels?: Record<string, string>; annotations?: Record<string, string> } = {}): ObjectMeta {
  return {
    name,
    namespace: scope.namespace,
    labels: { 'app.kubernetes.io/part-of': 'pipewatch', 'app.kubernetes.io/managed-by': 'pipewatch', 'pipewatch.io/environment': scope.environment, ...scope.selectorLabels, ...extra.labels },
    ...(extra.annotations ? { annotations: extra.annotations } : {}),
  };
}

/** `pipewatch-<env>-<parts>`: a valid object name (a DNS subdomain: lowercase labels, at most 253 characters). */
export function objectName(where: Where, scope: ObjectScope, ...parts: string[]): string {
  const name = ['pipewatch', scope.environment, ...parts].join('-');
  if (name.length > 253 || !name.split('.').every((label) => DNS_LABEL.test(label))) {
    invalid(where, 'object name', name, 'Use lowercase letters, digits and dashes in team, environment and dashboard names.');
  }
  return name;
}

/** A team or other identifier as part of an object name: `_` is not allowed there. */
export const namePart = (value: string) => value.replace(/_/g, '-');

/**
 * Packs items, in order, into as few objects as keep each within
 * OBJECT_BUDGET_BYTES; `build(chunk, i)` makes the i-th object (from 0), with
 * the chunk as one JSON array in it. Sizes add up item by item (an array's
 * JSON is its items' JSON joined by commas), so packing stays linear in the
 * number of items. An item too big for an object on its own is an error
 * naming `what(item)`.
 */
export function packUnderBudget<T>(items: readonly T[], build: (chunk: readonly T[], index: number) => KubeObject, what: (item: T) => string): KubeObject[] {
  const chunks: { items: T[]; bytes: number }[] = [];
  for (const item of items) {
    const itemBytes = objectBytes(item);
    const current = chunks.at(-1);
    if (current && current.bytes + 1 + itemBytes <= OBJECT_BUDGET_BYTES) {
      current.items.push(item);
      current.bytes += 1 + itemBytes;
      continue;
    }
    const alone = objectBytes(build([], chunks.length)) + itemBytes;
    if (alone > OBJECT_BUDGET_BYTES) invalid(what(item), 'size', alone, `An object holding it alone would exceed ${OBJECT_BUDGET_BYTES} bytes; split it into smaller parts.`);
    chunks.push({ items: [item], bytes: alone });
  }
  return chunks.map((chunk, i) => {
    const object = build(chunk.items, i);
    if (objectBytes(object) !== chunk.bytes) throw new Error(`${object.kind} ${object.metadata.name}: packed as ${chunk.bytes} bytes, serializes to ${objectBytes(object)}`);
    return object;
  });
}
