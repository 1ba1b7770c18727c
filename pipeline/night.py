"""The nightly pipeline, step by step; `make run` and the Airflow DAG call these same functions."""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Sequence
from datetime import date, timedelta
from pathlib import Path

import duckdb

from extract.batch import parse_delivery
from extract.load import load_date, write_stage
from extract.sources import SOURCES
from pipeline.config import ROOT, Settings
from pipeline.lock import writer_lock

log = logging.getLogger(__name__)
DBT_DIR = ROOT / "dbt_project"


class NightFailed(RuntimeError):
    """A step of the night failed; the message is Chinese and names the step."""


def extract_source(source: str, day: date, settings: Settings) -> list[dict]:
    """Read and check one source's delivery for a date; stage it for loading. Returns its audit rows."""
    settings.prepare()
    batch = parse_delivery(SOURCES[source], settings.landing, day, settings.hash_key())
    write_stage(batch, settings.warehouse)
    return batch.audit


def load_raw(day: date, settings: Settings) -> dict[str, int]:
    """Replace the date's partition of every raw table with what was staged, in one transaction."""
    with writer_lock(settings.warehouse), duckdb.connect(str(settings.build_db)) as con:
        return load_date(con, settings.warehouse, day)


def dbt(args: Sequence[str], settings: Settings) -> None:
    """Run dbt in this process against the warehouse's build database."""
    from dbt.cli.main import dbtRunner

    os.environ["DBT_DUCKDB_PATH"] = str(settings.build_db)
    os.environ["DBT_TARGET_PATH"] = str(settings.warehouse / "dbt_target")
    os.environ["DBT_SEND_ANONYMOUS_USAGE_STATS"] = "false"
    result = dbtRunner().invoke(
        [
            *args,
            "--project-dir",
            str(DBT_DIR),
            "--profiles-dir",
            str(DBT_DIR),
            "--log-path",
            str(settings.warehouse / "dbt_logs"),
            "--quiet",
        ]
    )
    _release_duckdb()
    if not result.success:
        detail = result.exception or "; ".join(
            f"{r.node.name}: {r.message}" for r in (result.result or []) if r.status in ("error", "fail")
        )
        raise NightFailed(f"dbt {args[0]} 失败：{detail}")


def _release_duckdb() -> None:
    """dbt-duckdb keeps its database open for the life of the process; close it so others can write."""
    from dbt.adapters.duckdb.connections import DuckDBConnectionManager

    with DuckDBConnectionManager._LOCK:
        if DuckDBConnectionManager._ENV is not None:
            DuckDBConnectionManager._ENV.close()
            DuckDBConnectionManager._ENV = None


def build_marts(settings: Settings) -> None:
    """Build and test every model on the build database."""
    with writer_lock(settings.warehouse):
        dbt(["build"], settings)


def _literal(text: str) -> str:
    """A SQL string literal (COMMENT ON takes no parameters)."""
    return "'" + text.replace("'", "''") + "'"


def publish(settings: Settings) -> Path:
    """Copy the marts into a new file, then atomically replace marts.duckdb with it."""
    target = settings.marts_db
    tmp = settings.warehouse / f".marts.{os.getpid()}.duckdb.tmp"
    tmp.unlink(missing_ok=True)
    with writer_lock(settings.warehouse):
        with duckdb.connect(str(tmp)) as con:
            con.execute(f"ATTACH '{settings.build_db}' AS build (READ_ONLY)")
            tables = con.execute(
                "SELECT table_name, comment FROM duckdb_tables() "
                "WHERE database_name = 'build' AND schema_name = 'marts' ORDER BY table_name"
            ).fetchall()
            for table, comment in tables:
                con.execute(f'CREATE TABLE main."{table}" AS SELECT * FROM build.marts."{table}"')
                if comment:
                    con.execute(f'COMMENT ON TABLE main."{table}" IS {_literal(comment)}')
            for table, column, comment in con.execute(
                "SELECT table_name, column_name, comment FROM duckdb_columns() "
                "WHERE database_name = 'build' AND schema_name = 'marts' AND comment IS NOT NULL"
            ).fetchall():
                con.execute(f'COMMENT ON COLUMN main."{table}"."{column}" IS {_literal(comment)}')
            con.execute("DETACH build")
            con.execute("CHECKPOINT")
        fd = os.open(tmp, os.O_RDONLY)
        os.fsync(fd)
        os.close(fd)
        tmp.replace(target)
        dir_fd = os.open(settings.warehouse, os.O_RDONLY)
        os.fsync(dir_fd)
        os.close(dir_fd)
    return target


def docs(settings: Settings) -> Path:
    """The data dictionary: dbt docs as one self-contained page under the reports folder."""
    import shutil

    if not settings.build_db.exists():
        raise NightFailed("仓库尚未构建，请先运行 make demo 或 make run")
    with writer_lock(settings.warehouse):
        dbt(["docs", "generate", "--static"], settings)
    target = settings.reports / "docs" / "index.html"
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(settings.warehouse / "dbt_target" / "static_index.html", target)
    return target


def render(day: date, settings: Settings) -> list[Path]:
    """Write the bulletins due on a date from the published marts."""
    from reports.render import render_due

    return render_due(day, settings)


def run_night(day: date, settings: Settings) -> list[Path]:
    """The whole night for one delivery date."""
    settings.prepare()
    with writer_lock(settings.warehouse):
        for name in SOURCES:
            extract_source(name, day, settings)
        load_raw(day, settings)
        build_marts(settings)
        publish(settings)
    return render(day, settings)


def dates(start: date, end: date) -> list[date]:
    return [start + timedelta(days=i) for i in range((end - start).days + 1)]


def backfill(start: date, end: date, settings: Settings, progress: Callable[[str], None] = log.info) -> list[Path]:
    """Every night of a range in order, then every bulletin the range makes due.

    Each night's deliveries are extracted and loaded in order; the marts, which are a function of the
    loaded partitions alone, are then built and published once, so the result equals running the
    nights one by one.
    """
    settings.prepare()
    days = dates(start, end)
    with writer_lock(settings.warehouse):
        for i, day in enumerate(days, start=1):
            for name in SOURCES:
                extract_source(name, day, settings)
            counts = load_raw(day, settings)
            progress(f"[{i}/{len(days)}] {day} 已装载：" + "，".join(f"{k} {v}" for k, v in counts.items()))
        progress("构建数据集市（dbt build）……")
        build_marts(settings)
        publish(settings)
    progress("生成简报……")
    from reports.render import render_due

    paths: list[Path] = []
    for day in days:
        paths += render_due(day, settings)
    return sorted(set(paths))
