import { otlpBody, probeProblems, ProbeSpan } from './trace-checks';

const SPAN: ProbeSpan = { service: 'pipewatch-tier-probe', name: 'tier.probe', traceId: '1f2e3d4c5b6a79880f1e2d3c4b5a6978', spanId: '0a1b2c3d4e5f6071', probeId: 'abc123' };

/** Jaeger's answer for the probe, written out by hand as /api/traces returns it. */
const stored = (overrides: { name?: string; probeId?: string; env?: string; service?: string } = {}) => [
  {
    traceID: '1f2e3d4c5b6a79880f1e2d3c4b5a6978',
    spans: [{ spanID: '0a1b2c3d4e5f6071', operationName: overrides.name ?? 'tier.probe', processID: 'p1', tags: [{ key: 'probe.id', value: overrides.probeId ?? 'abc123' }, { key: 'span.kind', value: 'internal' }] }],
    processes: { p1: { serviceName: overrides.service ?? 'pipewatch-tier-probe', tags: [{ key: 'deployment.environment', value: overrides.env ?? 'tier-a' }] } },
  },
];

describe('GIVEN the docker tier trace probe', () => {
  test('WHEN it is built THEN the OTLP body carries the ids, the service and a one-millisecond span ending now', () => {
    const body = otlpBody(SPAN, 1_700_000_000_123) as any;
    const resource = body.resourceSpans[0];
    expect(resource.resource.attributes).toEqual([{ key: 'service.name', value: { stringValue: 'pipewatch-tier-probe' } }]);
    const span = resource.scopeSpans[0].spans[0];
    expect(span).toMatchObject({ traceId: '1f2e3d4c5b6a79880f1e2d3c4b5a6978', spanId: '0a1b2c3d4e5f6071', name: 'tier.probe' });
    expect(span.startTimeUnixNano).toBe('1700000000122000000');
    expect(span.endTimeUnixNano).toBe('1700000000123000000');
    expect(span.attributes).toEqual([{ key: 'probe.id', value: { stringValue: 'abc123' } }]);
  });

  test('WHEN Jaeger holds the span as sent, tagged with the environment THEN there is no problem', () => {
    expect(probeProblems(stored(), SPAN, 'tier-a')).toEqual([]);
  });

  test('WHEN Jaeger has no such trace THEN that is the problem', () => {
    expect(probeProblems([], SPAN, 'tier-a')).toEqual(['no trace 1f2e3d4c5b6a79880f1e2d3c4b5a6978 among 0 of service pipewatch-tier-probe']);
  });

  test('WHEN the environment, the name or the attribute differ THEN each is named', () => {
    expect(probeProblems(stored({ env: 'tier-b' }), SPAN, 'tier-a')).toEqual(['deployment.environment tier-b, expected tier-a (set by the collector)']);
    expect(probeProblems(stored({ name: 'other', probeId: 'zzz' }), SPAN, 'tier-a')).toEqual(['span name other, sent tier.probe', 'probe.id zzz, sent abc123']);
  });
});
