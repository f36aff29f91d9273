"""GIVEN example_etl's tasks run with a parent span context as Airflow hands it to a task try, WHEN each step runs,
THEN it leaves one span per step, a child of the try's span, with its row counts and file sizes; a failing step
leaves an error span with the exception as an event."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from types import SimpleNamespace

import pytest
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import StatusCode

import example_etl
from pipewatch import etl, ingest, source, tracing

HOUR = datetime(2026, 1, 1, 9, tzinfo=timezone.utc)
TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736"
TRY_SPAN_ID = "00f067aa0ba902b7"


@pytest.fixture
def spans(monkeypatch) -> InMemorySpanExporter:
    exporter = InMemorySpanExporter()

    def provider() -> TracerProvider:
        p = TracerProvider()
        p.add_span_processor(SimpleSpanProcessor(exporter))
        return p

    monkeypatch.setattr(tracing, "_provider", provider)
    return exporter


def run_task(task_id: str, *args, conf: dict | None = None):
    dag_run = SimpleNamespace(run_after=HOUR + timedelta(hours=1, minutes=15), conf=conf or {})
    ti = SimpleNamespace(context_carrier={"traceparent": f"00-{TRACE_ID}-{TRY_SPAN_ID}-01"})
    return example_etl.example_etl().get_task(task_id).python_callable(*args, dag_run=dag_run, ti=ti)


@pytest.fixture
def landed(data_dir):
    ingest.copy_to_raw(ingest.new_files(HOUR))
    ingest.register_partitions(HOUR)


def test_each_step_is_a_child_of_the_task_try_span_with_its_rows_and_sizes(landed, spans):
    loaded = run_task("load", run_task("transform", run_task("extract")))

    finished = {span.name: span for span in spans.get_finished_spans()}
    assert list(finished) == ["etl.extract", "etl.validate", "etl.transform", "etl.write"]
    assert {format(s.context.trace_id, "032x") for s in finished.values()} == {TRACE_ID}
    assert {format(s.parent.span_id, "016x") for s in finished.values()} == {TRY_SPAN_ID}
    orders, customers = source.ORDERS_PER_HOUR, source.CUSTOMERS_PER_HOUR
    assert finished["etl.extract"].attributes["etl.orders.rows"] == orders
    assert finished["etl.extract"].attributes["etl.customers.rows"] == customers
    assert finished["etl.extract"].attributes["etl.partition"] == "dt=2026-01-01/hr=09"
    # The demo source's one unparseable amount is rejected.
    assert {k: v for k, v in finished["etl.validate"].attributes.items()} == {
        "etl.orders.rows": orders - 1,
        "etl.orders.rejected": 1,
        "etl.customers.rows": customers,
        "etl.customers.rejected": 0,
    }
    assert finished["etl.transform"].attributes["etl.orders.rows"] == orders - 1
    assert finished["etl.write"].attributes["etl.orders.rows"] == orders - 1
    assert finished["etl.write"].attributes["etl.customers.rows"] == customers
    for name in ("etl.extract", "etl.transform", "etl.write"):
        assert finished[name].attributes["etl.orders.bytes"] > 1000
        assert finished[name].attributes["etl.customers.bytes"] > 100
    assert all(s.status.status_code == StatusCode.UNSET for s in finished.values())
    assert loaded == {"orders": orders - 1, "customers": customers}


def test_a_step_failed_by_the_switch_leaves_an_error_span_with_the_exception(landed, spans):
    extracted = run_task("extract")
    with pytest.raises(etl.StepFailedOnPurpose, match="fail_step=transform"):
        run_task("transform", extracted, conf={"fail_step": "transform"})

    finished = {span.name: span for span in spans.get_finished_spans()}
    assert list(finished) == ["etl.extract", "etl.validate", "etl.transform"]
    assert finished["etl.validate"].status.status_code == StatusCode.UNSET
    failed = finished["etl.transform"]
    assert failed.status.status_code == StatusCode.ERROR
    assert failed.status.description == "StepFailedOnPurpose: step transform failed on purpose: the run's conf sets fail_step=transform"
    [event] = failed.events
    assert event.name == "exception"
    assert event.attributes["exception.type"] == "pipewatch.etl.StepFailedOnPurpose"
    assert "fail_step=transform" in event.attributes["exception.message"]


def test_with_traces_off_the_steps_run_without_spans(landed):
    assert tracing._provider() is None
    assert run_task("extract")["orders"].endswith(".csv")


def test_each_step_logs_the_trace_id_its_log_line_links_by(landed, spans, caplog):
    caplog.set_level("INFO", logger="pipewatch.tracing")
    run_task("extract")

    assert [r.getMessage().split(" span_id=")[0] for r in caplog.records if r.name == "pipewatch.tracing"] == [
        f"etl.extract trace_id={TRACE_ID}"
    ]


def test_with_traces_off_no_step_logs_a_trace_id(landed, monkeypatch, caplog):
    monkeypatch.setattr(tracing, "_provider", lambda: None)
    caplog.set_level("INFO", logger="pipewatch.tracing")
    run_task("extract")

    assert [r for r in caplog.records if "trace_id=" in r.getMessage()] == []
