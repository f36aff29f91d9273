/**
 * The docker tier's trace probe: one OTLP span, and what Jaeger's query API must answer for it.
 * Pure: tests/docker/check.ts sends and queries, tests/docker/trace-checks.test.ts covers the matching.
 */

export interface ProbeSpan {
  readonly service: string;
  readonly name: string;
  /** 32 lowercase hex digits, the first not 0 (Jaeger's API writes the id without leading zeros). */
  readonly traceId: string;
  readonly spanId: string;
  /** Value of the span's `probe.id` attribute. */
  readonly probeId: string;
}

export const PROBE_ATTRIBUTE = 'probe.id';

/** The OTLP/HTTP JSON body (`POST /v1/traces`) carrying the probe span, one millisecond long, ending now. */
export function otlpBody(span: ProbeSpan, nowMs: number): object {
  const endNs = BigInt(nowMs) * 1_000_000n;
  return {
    resourceSpans: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: span.service } }] },
        scopeSpans: [
          {
            scope: { name: 'pipewatch-docker-tier' },
            spans: [
              {
                traceId: span.traceId,
                spanId: span.spanId,
                name: span.name,
                kind: 1,
                startTimeUnixNano: String(endNs - 1_000_000n),
                endTimeUnixNano: String(endNs),
                attributes: [{ key: PROBE_ATTRIBUTE, value: { stringValue: span.probeId } }],
              },
            ],
          },
        ],
      },
    ],
  };
}

type Tag = { readonly key: string; readonly value: unknown };
/** A trace as Jaeger's `/api/traces` answers it. */
export interface JaegerTrace {
  readonly traceID: string;
  readonly spans: readonly { readonly spanID: string; readonly operationName: string; readonly processID: string; readonly tags: readonly Tag[] }[];
  readonly processes: Readonly<Record<string, { readonly serviceName: string; readonly tags: readonly Tag[] }>>;
}

const tag = (tags: readonly Tag[], key: string) => tags.find((t) => t.key === key)?.value;

/**
 * What is missing for Jaeger to hold the probe span as sent, with the collector's `deployment.environment`
 * resource attribute: an empty list when it does.
 */
export function probeProblems(traces: readonly JaegerTrace[], span: ProbeSpan, environment: string): string[] {
  const trace = traces.find((t) => t.traceID === span.traceId);
  if (!trace) return [`no trace ${span.traceId} among ${traces.length} of service ${span.service}`];
  const found = trace.spans.find((s) => s.spanID === span.spanId);
  if (!found) return [`trace ${span.traceId} has no span ${span.spanId}`];
  const process = trace.processes[found.processID];
  const problems: string[] = [];
  if (found.operationName !== span.name) problems.push(`span name ${found.operationName}, sent ${span.name}`);
  if (tag(found.tags, PROBE_ATTRIBUTE) !== span.probeId) problems.push(`${PROBE_ATTRIBUTE} ${String(tag(found.tags, PROBE_ATTRIBUTE))}, sent ${span.probeId}`);
  if (process?.serviceName !== span.service) problems.push(`service ${process?.serviceName}, sent ${span.service}`);
  const env = process ? tag(process.tags, 'deployment.environment') : undefined;
  if (env !== environment) problems.push(`deployment.environment ${String(env)}, expected ${environment} (set by the collector)`);
  return problems;
}
