"""Shared fixtures: an isolated warehouse (landing, warehouse and reports folders) per test."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from pipeline.config import Settings


@pytest.fixture
def settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    """A warehouse of its own under tmp_path, also visible to code that reads the environment."""
    for var, name in (("LANDING_DIR", "landing"), ("WAREHOUSE_DIR", "warehouse"), ("REPORTS_DIR", "reports")):
        monkeypatch.setenv(var, str(tmp_path / name))
    monkeypatch.setenv("PII_HASH_KEY", "test-key-not-a-secret")
    s = Settings.from_env()
    s.landing.mkdir(parents=True)
    return s
