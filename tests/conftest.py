"""Shared fixtures: an isolated warehouse (landing, warehouse and reports folders) per test."""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

import pytest

from pipeline.config import Settings

sys.path.insert(0, str(Path(__file__).parent))

# make test runs pytest-xdist workers, whose __main__ (execnet's) has neither __spec__ nor __file__: PySpark,
# which Great Expectations imports, then takes itself for a doctest run and exits unless the session looks
# interactive (sys.ps1). A file name would not do: spawned extract processes re-import __main__ from it.
if getattr(sys.modules["__main__"], "__spec__", None) is None and not hasattr(sys.modules["__main__"], "__file__"):
    sys.ps1 = ">>> "

# Airflow reads its settings once, at import: point it at a throw-away metadata database for this session.
_AIRFLOW_STATE = Path(tempfile.mkdtemp(prefix="airflow-tests-"))
os.environ["AIRFLOW_HOME"] = str(Path(__file__).resolve().parent.parent)
os.environ["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"] = f"sqlite:///{_AIRFLOW_STATE}/airflow.db"
os.environ["AIRFLOW__LOGGING__BASE_LOG_FOLDER"] = str(_AIRFLOW_STATE / "logs")
os.environ["AIRFLOW__CORE__DAGS_FOLDER"] = str(Path(__file__).resolve().parent.parent / "dags")


@pytest.fixture
def settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    """A warehouse of its own under tmp_path, also visible to code that reads the environment."""
    for var, name in (("LANDING_DIR", "landing"), ("WAREHOUSE_DIR", "warehouse"), ("REPORTS_DIR", "reports")):
        monkeypatch.setenv(var, str(tmp_path / name))
    monkeypatch.setenv("PII_HASH_KEY", "test-key-not-a-secret")
    s = Settings.from_env()
    s.landing.mkdir(parents=True)
    return s
