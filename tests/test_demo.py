"""`make demo` on a short range, from the Makefile: every cadence written, every delivered row accounted for."""

from __future__ import annotations

import csv
import os
import subprocess
from collections import Counter
from pathlib import Path

import duckdb
import pytest

from pipeline.config import ROOT


@pytest.mark.slow
def test_make_demo_short_range(tmp_path: Path) -> None:
    env = os.environ | {
        "LANDING_DIR": str(tmp_path / "landing"),
        "WAREHOUSE_DIR": str(tmp_path / "warehouse"),
        "REPORTS_DIR": str(tmp_path / "reports"),
    }
    result = subprocess.run(
        ["make", "demo", "DEMO_DAYS=3", "DEMO_END=2026-03-01"], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-3000:]
    assert "演示完成" in result.stdout

    reports = tmp_path / "reports"
    assert sorted(p.name for p in (reports / "daily").iterdir()) == [
        "2026-02-27.html",
        "2026-02-28.html",
        "2026-03-01.html",
    ]
    assert (reports / "weekly" / "2026-W09.html").exists()  # 2026-03-01 is a Sunday
    assert (reports / "monthly" / "2026-02.html").exists()  # 2026-02-28 closes February
    assert (reports / "index.html").exists()

    truth = tmp_path / "landing" / "_ground_truth"
    manifest = [r for f in sorted((truth / "manifest").glob("*.csv")) for r in csv.DictReader(f.open(encoding="utf-8"))]
    # an optional USCC that fails its check is set aside with a note; the complaint itself loads
    noted = Counter(
        f.stem
        for f in sorted((truth / "complaints").glob("*.csv"))
        for r in csv.DictReader(f.open(encoding="utf-8"))
        if r["malformed"] == "bad_uscc_check"
    )
    with duckdb.connect(str(tmp_path / "warehouse" / "marts.duckdb"), read_only=True) as con:
        audit = {
            (s, d.isoformat(), f): (delivered, loaded, quarantined, status)
            for s, d, f, delivered, loaded, quarantined, status in con.execute(
                "SELECT source, delivery_date, file_name, rows_delivered, rows_loaded, rows_quarantined, status "
                "FROM load_audit WHERE file_name IS NOT NULL"
            ).fetchall()
        }
        missing = con.execute("SELECT count(*) FROM load_audit WHERE status = 'missing'").fetchone()[0]
        published = con.execute("SELECT count(*) FROM complaints").fetchone()[0]
    assert len(audit) == len(manifest)
    quarantined_by_date: Counter[tuple[str, str]] = Counter()
    expected_by_date: Counter[tuple[str, str]] = Counter()
    for row in manifest:
        delivered, loaded, quarantined, status = audit[(row["source"], row["date"], row["file_name"])]
        assert status == "loaded"
        assert delivered == int(row["rows"]) == loaded + quarantined
        quarantined_by_date[(row["source"], row["date"])] += quarantined
        expected_by_date[(row["source"], row["date"])] += int(row["malformed"])
    for (source, day), expected in expected_by_date.items():
        if source == "complaints":
            expected -= noted[day]
        assert quarantined_by_date[(source, day)] == expected, (source, day)
    assert missing == 3 - len({r["date"] for r in manifest if r["source"] == "dispositions"})
    assert published > 0
