"""Spans for the steps of a task, children of the span Airflow starts for each task try.

With ``[traces] otel_on``, Airflow 3.1 starts a span per DAG run and one per task
try, and hands the try's span context to the task as ``ti.context_carrier`` (a W3C
``traceparent``). ``step_tracer`` continues that trace: every step span it opens
is a child of the try's span, exported over OTLP/HTTP to the endpoint Airflow
itself uses (``[traces] otel_host``/``otel_port``). With traces off it is a no-op.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from opentelemetry import trace
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.trace import Status, StatusCode
from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator

SCOPE = "pipewatch.etl"
log = logging.getLogger(__name__)


def _provider() -> TracerProvider | None:
    from airflow.configuration import conf

    if not conf.getboolean("traces", "otel_on", fallback=False):
        return None
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

    scheme = "https" if conf.getboolean("traces", "otel_ssl_active", fallback=False) else "http"
    endpoint = f"{scheme}://{conf.get('traces', 'otel_host')}:{conf.getint('traces', 'otel_port')}/v1/traces"
    provider = TracerProvider(resource=Resource.create({"service.name": conf.get("traces", "otel_service")}))
    # Synchronous export: a task process may end right after its last step, before a batch would go out.
    provider.add_span_processor(SimpleSpanProcessor(OTLPSpanExporter(endpoint=endpoint)))
    return provider


@contextmanager
def step_tracer(context_carrier: Mapping[str, str] | None) -> Iterator[trace.Tracer]:
    """A tracer whose spans continue the trace of the task try that `context_carrier` names."""
    provider = _provider()
    if provider is None:
        yield trace.NoOpTracer()
        return
    parent = TraceContextTextMapPropagator().extract(dict(context_carrier or {}))
    token = trace.context_api.attach(parent)
    try:
        yield provider.get_tracer(SCOPE)
    finally:
        trace.context_api.detach(token)
        provider.force_flush()


@contextmanager
def step(tracer: trace.Tracer, name: str, **attributes: Any) -> Iterator[trace.Span]:
    """One step's span; an exception is recorded on it as an event, its status set to error, and raised on."""
    with tracer.start_as_current_span(f"etl.{name}", attributes=attributes, record_exception=False, set_status_on_exception=False) as span:
        context = span.get_span_context()
        if context.is_valid:
            # Grafana's Loki datasource links a log line to its trace by this `trace_id=` (TRACE_ID_PATTERN).
            log.info("etl.%s trace_id=%032x span_id=%016x", name, context.trace_id, context.span_id)
        try:
            yield span
        except Exception as error:
            span.record_exception(error)
            span.set_status(Status(StatusCode.ERROR, f"{type(error).__name__}: {error}"))
            raise
