"""Stage parsed batches as Parquet, then load a delivery date into the raw tables in one transaction."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from extract.batch import Batch
from extract.sources import SOURCES
from extract.spec import Source
from pipeline import failpoints

_ARROW = {
    "VARCHAR": pa.string(),
    "DATE": pa.date32(),
    "TIMESTAMP": pa.timestamp("us"),
    "DOUBLE": pa.float64(),
    "BIGINT": pa.int64(),
    "BOOLEAN": pa.bool_(),
}
LINEAGE = [("_file", "VARCHAR"), ("_row_number", "BIGINT"), ("_row_notes", "VARCHAR")]
QUARANTINE = [
    ("source", "VARCHAR"),
    ("delivery_date", "DATE"),
    ("file_name", "VARCHAR"),
    ("row_number", "BIGINT"),
    ("reason", "VARCHAR"),
    ("record", "VARCHAR"),
]
AUDIT = [
    ("source", "VARCHAR"),
    ("delivery_date", "DATE"),
    ("file_name", "VARCHAR"),
    ("rows_delivered", "BIGINT"),
    ("rows_loaded", "BIGINT"),
    ("rows_quarantined", "BIGINT"),
    ("status", "VARCHAR"),
    ("error", "VARCHAR"),
]
HELD = [("source", "VARCHAR"), ("delivery_date", "DATE"), ("reason", "VARCHAR")]
LOAD_LOG = [("delivery_date", "DATE"), ("load_seq", "BIGINT")]  # append-only: which dates changed since a build
QUALITY = [
    ("delivery_date", "DATE"),
    ("suite", "VARCHAR"),
    ("expectation", "VARCHAR"),
    ("success", "BOOLEAN"),
    ("observed", "VARCHAR"),
    ("severity", "VARCHAR"),
]


def _schema(columns: list[tuple[str, str]]) -> pa.Schema:
    return pa.schema([(n, _ARROW[t]) for n, t in columns])


def row_columns(source: Source) -> list[tuple[str, str]]:
    return source.raw_columns + LINEAGE


def stage_dir(warehouse: Path, delivery_date: date) -> Path:
    return warehouse / "staging" / delivery_date.isoformat()


def write_stage(batch: Batch, warehouse: Path) -> Path:
    """Write one batch as Parquet files beside each other; later loaded by one writer."""
    folder = stage_dir(warehouse, batch.delivery_date)
    folder.mkdir(parents=True, exist_ok=True)
    name = batch.source.name
    for suffix, columns, records in (
        ("rows", row_columns(batch.source), batch.rows),
        ("quarantine", QUARANTINE, batch.quarantine),
        ("audit", AUDIT, batch.audit),
    ):
        table = pa.Table.from_pylist(records, schema=_schema(columns))
        tmp = folder / f".{name}.{suffix}.parquet.tmp"
        pq.write_table(table, tmp)
        tmp.replace(folder / f"{name}.{suffix}.parquet")
    return folder


def lake_partition(warehouse: Path, source: str, delivery_date: date) -> Path:
    """A source's partition of one delivery date in the lake, in the Hive layout Spark and DuckDB read."""
    return warehouse / "lake" / source / f"delivery_date={delivery_date.isoformat()}"


def write_lake(con: duckdb.DuckDBPyConnection, warehouse: Path, delivery_date: date) -> None:
    """Write every source's raw rows of one delivery date into the lake as one Parquet file per partition
    (an empty file when nothing loaded), replaced by rename: re-running a date replaces its partitions."""
    for source in SOURCES.values():
        reader = con.sql(
            f"SELECT * EXCLUDE (_delivery_date) FROM raw.{source.name} WHERE _delivery_date = ?", params=[delivery_date]
        ).to_arrow_reader()
        _write_parquet(reader, lake_partition(warehouse, source.name, delivery_date))


CONTROL_TABLES = ("quarantine", "load_audit", "quality_results", "held_batches", "load_log")


def write_lake_control(con: duckdb.DuckDBPyConnection, warehouse: Path) -> None:
    """Write the tables the loads and gates keep (audit, quarantine, quality results, held batches, load log)
    whole into the lake, one file each, replaced by rename: the snapshot a build on another engine reads."""
    for table in CONTROL_TABLES:
        _write_parquet(con.sql(f"SELECT * FROM raw.{table}").to_arrow_reader(), warehouse / "lake" / table)


def _write_parquet(reader: pa.RecordBatchReader, folder: Path) -> None:
    """Write a reader's rows as folder/part-0.parquet, written beside it and renamed in."""
    folder.mkdir(parents=True, exist_ok=True)
    tmp = folder / ".part-0.parquet.tmp"  # Spark and DuckDB skip names starting with a dot
    with pq.ParquetWriter(tmp, reader.schema) as writer:
        for batch in reader:
            writer.write_batch(batch)
    tmp.replace(folder / "part-0.parquet")


def ensure_raw(con: duckdb.DuckDBPyConnection) -> None:
    """Create the raw schema and tables if this is a new warehouse."""
    con.execute("CREATE SCHEMA IF NOT EXISTS raw")
    for source in SOURCES.values():
        cols = ", ".join(f'"{n}" {t}' for n, t in row_columns(source))
        con.execute(f"CREATE TABLE IF NOT EXISTS raw.{source.name} (_delivery_date DATE, {cols}, _loaded_at TIMESTAMP)")
    for table, columns in (
        ("quarantine", QUARANTINE),
        ("load_audit", AUDIT),
        ("quality_results", QUALITY),
        ("held_batches", HELD),
        ("load_log", LOAD_LOG),
    ):
        cols = ", ".join(f'"{n}" {t}' for n, t in columns)
        con.execute(f"CREATE TABLE IF NOT EXISTS raw.{table} ({cols})")


def log_load(con: duckdb.DuckDBPyConnection, delivery_date: date) -> None:
    """Append to raw.load_log that what a build takes of this date changed (a load, or a change of what is held)."""
    con.execute("INSERT INTO raw.load_log SELECT ?, coalesce(max(load_seq), 0) + 1 FROM raw.load_log", [delivery_date])


def load_date(con: duckdb.DuckDBPyConnection, warehouse: Path, delivery_date: date) -> dict[str, int]:
    """Replace every source's partition of one delivery date, all in one transaction."""
    folder = stage_dir(warehouse, delivery_date)
    ensure_raw(con)
    loaded: dict[str, int] = {}
    con.execute("BEGIN TRANSACTION")
    try:
        for source in SOURCES.values():
            files = {s: folder / f"{source.name}.{s}.parquet" for s in ("rows", "quarantine", "audit")}
            if not all(f.exists() for f in files.values()):
                raise FileNotFoundError(f"{source.name} 的解析结果不存在：{folder}（请先运行抽取）")
            con.execute(f"DELETE FROM raw.{source.name} WHERE _delivery_date = ?", [delivery_date])
            cols = ", ".join(f'"{n}"' for n, _ in row_columns(source))
            con.execute(
                f"INSERT INTO raw.{source.name} (_delivery_date, {cols}, _loaded_at) "
                f"SELECT ?, {cols}, now()::TIMESTAMP FROM read_parquet(?)",
                [delivery_date, str(files["rows"])],
            )
            for table, key in (("quarantine", "quarantine"), ("load_audit", "audit")):
                con.execute(
                    f"DELETE FROM raw.{table} WHERE delivery_date = ? AND source = ?", [delivery_date, source.name]
                )
                con.execute(f"INSERT INTO raw.{table} SELECT * FROM read_parquet(?)", [str(files[key])])
            loaded[source.name] = con.execute(
                f"SELECT count(*) FROM raw.{source.name} WHERE _delivery_date = ?", [delivery_date]
            ).fetchone()[0]
        log_load(con, delivery_date)
        failpoints.reach("load")
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise
    return loaded
