"""Shared test setup: Airflow configured before its first import, StatsD pointed at a socket the tests read."""

from __future__ import annotations

import atexit
import json
import os
import shutil
import socket
import sys
import tempfile
from pathlib import Path

import pytest

AIRFLOW_DIR = Path(__file__).resolve().parents[1]
DAGS_DIR = AIRFLOW_DIR / "dags"
REPO_DIR = AIRFLOW_DIR.parent


def _load_catalog() -> list[dict]:
    """The pipeline catalog the stack monitors (pipelines.yaml)."""
    import yaml

    pipelines = yaml.safe_load((REPO_DIR / "pipelines.yaml").read_text())["pipelines"]
    return [
        {
            "dagId": p["dagId"],
            "schedule": p["schedule"],
            "ownerTeam": p["ownerTeam"],
            "tasks": [t["taskId"] for t in p["tasks"]],
            "dataQualityChecks": [
                {"name": c["name"], "dataset": c["dataset"], "minCompleteness": c.get("minCompleteness")}
                for c in p.get("dataQualityChecks", [])
            ],
        }
        for p in pipelines
    ]


EXPECTED_PIPELINES = _load_catalog()

# Airflow picks its Stats backend when airflow.stats is first imported, so the StatsD
# settings must be in the environment before any test module imports Airflow.
_statsd_socket = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
_statsd_socket.bind(("127.0.0.1", 0))
# The stack's StatsD settings (tags on), as constructs/airflow/settings.ts gives them to Airflow.
os.environ.update(json.loads((AIRFLOW_DIR / "statsd-settings.json").read_text()))
os.environ.update(
    {
        "AIRFLOW__METRICS__STATSD_HOST": "127.0.0.1",
        "AIRFLOW__METRICS__STATSD_PORT": str(_statsd_socket.getsockname()[1]),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "AIRFLOW__CORE__DAGS_FOLDER": str(DAGS_DIR),
    }
)
# Always a throwaway home and SQLite database, whatever the caller's environment points at:
# the end-to-end test resets the database.
_airflow_home = tempfile.mkdtemp(prefix="pipewatch-airflow-home-")
atexit.register(shutil.rmtree, _airflow_home, ignore_errors=True)
os.environ["AIRFLOW_HOME"] = _airflow_home
os.environ["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"] = f"sqlite:///{_airflow_home}/airflow.db"
# The dag-processor and workers put the DAG bundle on sys.path; the helper modules are imported the same way here.
sys.path.insert(0, str(DAGS_DIR))


class StatsdListener:
    """The receiving end of Airflow's StatsD client: what a statsd-exporter would be sent."""

    def __init__(self, sock: socket.socket) -> None:
        self._socket = sock

    def drain(self) -> None:
        self._socket.setblocking(False)
        try:
            while True:
                self._socket.recv(65535)
        except BlockingIOError:
            pass
        finally:
            self._socket.setblocking(True)

    def pipewatch_lines(self, quiet_seconds: float = 0.1) -> list[str]:
        """Every pipewatch line received until the socket stays quiet (Airflow's own metrics are left out)."""
        self._socket.settimeout(quiet_seconds)
        lines: list[str] = []
        try:
            while True:
                lines.extend(self._socket.recv(65535).decode().splitlines())
        except TimeoutError:
            pass
        finally:
            self._socket.settimeout(None)
        return [line for line in lines if line.startswith("airflow.pipewatch.")]


@pytest.fixture
def statsd() -> StatsdListener:
    listener = StatsdListener(_statsd_socket)
    listener.drain()
    return listener


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh PIPEWATCH_DATA_DIR, so every test starts with an empty lake and warehouse."""
    monkeypatch.setenv("PIPEWATCH_DATA_DIR", str(tmp_path))
    return tmp_path
