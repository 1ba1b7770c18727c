"""Upstream → landing zone: pull a source's window for a delivery date from a database or an HTTP API, or tell
whether a dropped delivery has arrived.

A pull writes what it got as one UTF-8 CSV with the contract's column names,
`$LANDING_DIR/<source>/<D>/pulled_<mode>.csv`, replacing the file of an earlier pull of the same date, so re-runs
and backfills replay from the landing zone exactly as they do for dropped files.
"""

from __future__ import annotations

import csv
import json
import os
from collections.abc import Iterable, Iterator, Mapping
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from extract.sources import SOURCES
from extract.upstream.config import DatabasePull, Drop, HttpPull, Upstream

if TYPE_CHECKING:
    from airflow.sdk import Connection

TZ = ZoneInfo("Asia/Shanghai")


class PullFailed(RuntimeError):
    """A pull gave up; the message is Chinese and names the source and the cause."""


def window(day: date) -> tuple[datetime, datetime]:
    """The night's window: D 00:00 to D+1 00:00, Asia/Shanghai."""
    start = datetime.combine(day, time(0), tzinfo=TZ)
    return start, start + timedelta(days=1)


def connection(conn_id: str, source: str) -> Connection:
    """An Airflow connection: from AIRFLOW_CONN_<ID> (URI or JSON), else from Airflow inside a task."""
    from airflow.sdk import Connection

    if value := os.environ.get(f"AIRFLOW_CONN_{conn_id.upper()}"):
        if value.lstrip().startswith("{"):
            return Connection.from_json(value, conn_id=conn_id)
        return Connection.from_uri(value, conn_id=conn_id)
    try:
        return Connection.get(conn_id)
    except Exception as exc:  # outside a task there is no Airflow to ask; inside, the connection may not exist
        raise PullFailed(
            f"{label(source)}：找不到连接 {conn_id}，请在 Airflow 中创建该连接，"
            f"或设置环境变量 AIRFLOW_CONN_{conn_id.upper()}（{type(exc).__name__}）"
        ) from None


def label(source: str) -> str:
    return f"{SOURCES[source].title_zh}（{source}）"


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def contract_records(
    source: str, records: Iterable[Mapping[str, Any]], columns: Mapping[str, str]
) -> Iterator[dict[str, str]]:
    """Upstream records under the contract's column names: a column mapped in `columns` from its upstream
    field, else from a field named as the contract or its Chinese header; other upstream fields stay behind."""
    spec = [
        (c.name, (columns[c.name],) if c.name in columns else (c.name, c.header_zh)) for c in SOURCES[source].columns
    ]
    for record in records:
        yield {name: _text(next((record[f] for f in fields if f in record), None)) for name, fields in spec}


def write_landing(landing: Path, source: str, day: date, mode: str, rows: Iterable[dict[str, str]]) -> int:
    """Write the pulled rows as the date's pulled file, atomically; returns the number of rows."""
    folder = landing / source / day.isoformat()
    target = folder / f"pulled_{mode}.csv"
    # written beside the date folder, which appears only with a complete file: a failed pull leaves no trace
    tmp = folder.parent / f".{day.isoformat()}.{target.name}.{os.getpid()}.tmp"
    tmp.parent.mkdir(parents=True, exist_ok=True)
    count = 0
    try:
        with tmp.open("w", encoding="utf-8", newline="") as f:
            writer = csv.DictWriter(f, fieldnames=[c.name for c in SOURCES[source].columns])
            writer.writeheader()
            for row in rows:
                writer.writerow(row)
                count += 1
        folder.mkdir(exist_ok=True)
        tmp.replace(target)
    finally:
        tmp.unlink(missing_ok=True)
    return count


def pull(config: Upstream, day: date, landing: Path) -> int:
    """Pull one source's window for a date into the landing zone; returns the rows landed."""
    if isinstance(config, DatabasePull):
        from extract.upstream.database import fetch

        mode = "database"
    elif isinstance(config, HttpPull):
        from extract.upstream.http import fetch

        mode = "http"
    else:
        raise ValueError(f"{config.source} is a file drop, not a pull")
    rows = contract_records(config.source, fetch(config, day), config.columns)
    return write_landing(landing, config.source, day, mode, rows)


def arrived(source: str, day: date, landing: Path) -> bool:
    """Whether a dropped delivery for the date is in the landing zone (its date folder exists)."""
    return (landing / source / day.isoformat()).is_dir()


def deadline(config: Drop, day: date) -> datetime | None:
    """When the night stops waiting for a drop: the configured time of the day after D, Asia/Shanghai."""
    return None if config.deadline is None else datetime.combine(day + timedelta(days=1), config.deadline, tzinfo=TZ)
