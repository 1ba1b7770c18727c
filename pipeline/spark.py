"""ENGINE=spark: the same dbt project builds the marts on Apache Spark (dbt-spark's session method, PySpark in
this process) from the Parquet lake; the marts are then taken into the build database, where the marts gate,
publication and bulletins read them exactly as after a DuckDB build."""

from __future__ import annotations

import contextlib
import json
import logging
from pathlib import Path

import duckdb

from extract.load import write_lake_control
from pipeline.config import Settings
from pipeline.publication import sql_literal

SCHEMA = "marts"
# py4j says goodbye at interpreter exit, when the log's stream may be closed already
logging.getLogger("py4j").setLevel(logging.WARNING)


def snapshot_control(settings: Settings) -> None:
    """Write the load audit, quarantine, quality results, held batches and load log into the lake (the
    sources' rows are there already, written by each load)."""
    with duckdb.connect(str(settings.build_db), read_only=True) as con:
        write_lake_control(con, settings.warehouse)


def _marts(target: Path) -> dict[str, dict]:
    """The marts' manifest nodes from the dbt run."""
    manifest = json.loads((target / "manifest.json").read_text())
    return {
        node["name"]: node
        for node in manifest["nodes"].values()
        if node["resource_type"] == "model" and node["schema"] == SCHEMA and node["config"]["enabled"]
    }


def _raw_view_of(node: dict) -> str | None:
    """The raw table a mart is a view of (load_audit, quality_results), else None. Such a view stays a view
    over the build database's raw table, so that it shows what the gates record after the build."""
    parents = node["depends_on"]["nodes"]
    if node["config"]["materialized"] == "view" and len(parents) == 1 and parents[0].startswith("source."):
        return parents[0].split(".")[-1]
    return None


def import_marts(settings: Settings, target: Path) -> list[str]:
    """Replace the build database's marts with Spark's, in one transaction, with the descriptions dbt gave
    them; returns the names taken."""
    from pyspark.sql import SparkSession

    spark = SparkSession.active()  # the session dbt-spark's build made in this process
    names = sorted(t.name for t in spark.catalog.listTables(SCHEMA) if not t.isTemporary)  # not dbt_tmp views
    nodes = _marts(target)
    with duckdb.connect(str(settings.build_db)) as con:
        con.execute("BEGIN TRANSACTION")
        con.execute(f"CREATE SCHEMA IF NOT EXISTS {SCHEMA}")
        views = {
            v
            for (v,) in con.execute(
                "SELECT view_name FROM duckdb_views() WHERE schema_name = ? AND NOT internal", [SCHEMA]
            ).fetchall()
        }
        for name in names:
            relation = f'{SCHEMA}."{name}"'
            con.execute(f"DROP {'VIEW' if name in views else 'TABLE'} IF EXISTS {relation}")
            node = nodes.get(name, {"description": "", "columns": {}, "config": {}, "depends_on": {"nodes": []}})
            frame = spark.table(f"{SCHEMA}.{name}")
            if raw := _raw_view_of(node):
                columns = ", ".join(f'"{c}"' for c in frame.columns)
                con.execute(f"CREATE VIEW {relation} AS SELECT {columns} FROM raw.{raw}")
            else:
                con.register("incoming", frame.toArrow())
                con.execute(f"CREATE TABLE {relation} AS SELECT * FROM incoming")
                con.unregister("incoming")
            kind = "VIEW" if raw else "TABLE"
            if node["description"]:
                con.execute(f"COMMENT ON {kind} {relation} IS {sql_literal(node['description'])}")
            for column, spec in node["columns"].items():
                if spec["description"] and column in frame.columns:
                    con.execute(f'COMMENT ON COLUMN {relation}."{column}" IS {sql_literal(spec["description"])}')
        con.execute("COMMIT")
    return names


def stop() -> None:
    """End the Spark session: the next build starts one with its own warehouse's metastore and folders."""
    from pyspark.errors import PySparkRuntimeError
    from pyspark.sql import SparkSession

    with contextlib.suppress(PySparkRuntimeError):  # no session: dbt failed before it made one
        SparkSession.active().stop()
