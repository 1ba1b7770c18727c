"""Publication: a night's changes applied to a copy of the published marts equal the marts copied whole."""

from __future__ import annotations

import json
import logging
import shutil
from pathlib import Path

import duckdb
import pytest
from test_pipeline import DAYS, deliver, snapshot

from pipeline import night, publication
from pipeline.config import Settings
from pipeline.publication import compact

PATCHED = {"complaints", "entity_indicator_versions", "keyword_hits", "suspect_entity_versions"}


def published(settings: Settings) -> dict[str, object]:
    """Every published table's rows, and its table and column comments."""
    with duckdb.connect(str(settings.marts_db), read_only=True) as con:
        comments = con.execute(
            "SELECT table_name, column_name, comment FROM duckdb_columns() ORDER BY 1, column_index"
        ).fetchall()
        comments += con.execute(
            "SELECT table_name, NULL, comment FROM duckdb_tables() "
            "UNION ALL SELECT view_name, NULL, comment FROM duckdb_views() WHERE NOT internal ORDER BY 1"
        ).fetchall()
    return {"rows": snapshot(settings.marts_db), "comments": comments}


def patched(caplog: pytest.LogCaptureFixture) -> set[str]:
    """The marts the last publication wrote only the changes of, from its log line."""
    lines = [r.getMessage() for r in caplog.records if r.name == "pipeline.publication"]
    caplog.clear()
    return {name for line in lines for name in line.split("：")[1].split(" ")[0].split("、")}


def scoped_tests(settings: Settings) -> dict[str, bool]:
    """Each data test of suspect_entity_versions in the last build: whether it looked at the rebuild scope only."""
    results = json.loads((night.dbt_target(settings) / "run_results.json").read_text())["results"]
    return {
        r["unique_id"]: "int_entity_changes_detected" in r["compiled_code"]
        for r in results
        if r["unique_id"].startswith("test.") and "suspect_entity_versions_" in r["unique_id"]
    }


def whole(settings: Settings) -> dict[str, object]:
    """The current build published whole (the record of the last publication set aside)."""
    (settings.warehouse / publication.PUBLISHED).unlink()
    night.publish(settings)
    return published(settings)


@pytest.mark.slow
def test_night_publishes_its_changes_only_onto_the_file_of_the_build_before(
    settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="pipeline.publication")
    deliver(settings.landing)
    night.run_night(DAYS[0], settings)
    assert patched(caplog) == set(), "a new warehouse publishes every mart whole"

    night.run_night(DAYS[1], settings)
    assert patched(caplog) == PATCHED
    assert published(settings) == whole(settings)
    tests = scoped_tests(settings)
    assert len(tests) >= 4 and all(tests.values()), f"an incremental night tests its rebuild scope: {tests}"

    # a held publication keeps the last good marts: the next build's changes are not over them
    night.ingest(DAYS[2], settings)
    night.build_marts(DAYS[2], settings)
    night.publish(settings, hold=True)
    caplog.clear()
    night.run_night(DAYS[2], settings)
    assert patched(caplog) == set(), "after a held night, the marts are copied whole"
    assert published(settings) == whole(settings)

    # a published file replaced by hand is never patched
    copy = settings.warehouse / "restored.duckdb"
    shutil.copyfile(settings.marts_db, copy)
    copy.replace(settings.marts_db)
    night.run_night(DAYS[2], settings)
    assert patched(caplog) == set(), "a file the warehouse did not publish is copied whole"

    (settings.warehouse / ".dbt_build_running").touch()  # as a build killed before its end leaves it
    night.run_night(DAYS[2], settings)
    assert patched(caplog) == set(), "after a killed build, everything is recomputed and copied whole"

    night.run_night(DAYS[1], settings)  # an earlier night delivered again: its dates and all after are rewritten
    assert patched(caplog) == PATCHED
    assert published(settings) == whole(settings)

    night.dbt(["build", "--full-refresh"], settings)  # rewrote every row, not only what it detected
    night.publish(settings)
    assert patched(caplog) == set()
    tests = scoped_tests(settings)
    assert len(tests) >= 4 and not any(tests.values()), f"a full refresh tests every row: {tests}"

    # rebuilt whole without the dates of change, the versions would keep only the last build's scope
    with pytest.raises(night.NightFailed, match="int_entity_snapshots_dated"):
        night.dbt(["build", "--full-refresh", "-s", "suspect_entity_versions"], settings)


def test_file_with_many_free_blocks_is_written_anew(tmp_path: Path) -> None:
    path = tmp_path / "patched.duckdb"
    with duckdb.connect(str(path)) as con:
        con.execute("CREATE TABLE t AS SELECT range AS n, md5(range::VARCHAR) AS s FROM range(2000000)")
        con.execute("CREATE TABLE kept AS SELECT range AS n FROM range(10)")
    assert compact(path)
    with duckdb.connect(str(path)) as con:
        con.execute("DROP TABLE t")
        con.execute("CHECKPOINT")
    assert not compact(path), "most of the file is free blocks: publish it whole"
