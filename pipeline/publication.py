"""Publication: a new marts.duckdb, written beside the published one and renamed over it (CONTRACT §3).

A night's build changes a bounded part of the large marts: the incremental ones rewrite their rebuild scope
(as-of dates and entities, see int_entity_changes_detected) or their re-delivered and re-resolved records. So
when the published file is the one made from the build this build started from, the new file starts as a byte
copy of it and takes only those rows, and every other mart whole; otherwise (or when the file has come to hold
much free space) every mart is copied whole. Which build a published file was made from is kept beside it
(PUBLISHED), with the file's identity, so a file replaced or restored by hand is never patched.
"""

from __future__ import annotations

import json
import logging
import os
import re
import shutil
from pathlib import Path

import duckdb

from pipeline import failpoints
from pipeline.config import Settings
from pipeline.lock import writer_lock

log = logging.getLogger(__name__)
ALWAYS_PUBLISHED = ("load_audit", "quality_results")
PUBLISHED = ".publication.json"  # beside marts.duckdb: the build it was made from, and the file's identity
MAX_FREE = 0.25  # a published file with more of its blocks free than this is written anew, compact
CHANGES = "build.intermediate.int_entity_changes_detected"
REBUILD_FROM = f"(SELECT rebuild_from FROM {CHANGES} WHERE entity_id = '*')"

# marts whose build rewrites only their rebuild scope: (as-of date column, entity column)
SCOPED = {
    "entity_indicator_versions": ("as_of_date", "entity_id"),
    "suspect_entity_versions": ("as_of_date", "entity_id"),
}
# marts that are views over marts published with them: published as views (their rows are not stored twice)
VIEWS = ("entity_indicator_scores", "suspect_entities")
# a scoped mart whose kept rows' valid_to the build may also set (the post-hook end_kept_versions)
ENDED = "suspect_entity_versions"
# marts whose build rewrites only the records of re-delivered dates and records resolved anew: (date, key)
RECORDS = {"complaints": ("delivery_date", "ticket_id"), "keyword_hits": ("delivery_date", "hit_id")}


def sql_literal(text: str) -> str:
    """A SQL string literal (COMMENT ON takes no parameters)."""
    return "'" + text.replace("'", "''") + "'"


def _relations(con: duckdb.DuckDBPyConnection, database: str, schema: str) -> dict[str, str | None]:
    """Tables and views of database.schema, with their comments."""
    return dict(
        con.execute(
            "SELECT table_name, comment FROM duckdb_tables() WHERE database_name = ? AND schema_name = ? "
            "UNION ALL SELECT view_name, comment FROM duckdb_views() WHERE database_name = ? AND schema_name = ?",
            [database, schema, database, schema],
        ).fetchall()
    )


def _columns(con: duckdb.DuckDBPyConnection, database: str, schema: str, name: str) -> list[tuple[str, str]]:
    return con.execute(
        "SELECT column_name, data_type FROM duckdb_columns() WHERE database_name = ? AND schema_name = ? "
        "AND table_name = ? ORDER BY column_index",
        [database, schema, name],
    ).fetchall()


def _view_sql(con: duckdb.DuckDBPyConnection, database: str, schema: str, name: str) -> str | None:
    """The query of the view database.schema.name, or None when it is not a view."""
    row = con.execute(
        "SELECT sql FROM duckdb_views() WHERE database_name = ? AND schema_name = ? AND view_name = ?",
        [database, schema, name],
    ).fetchone()
    if row is None:
        return None
    query = re.fullmatch(r"CREATE VIEW \S+ AS (.*?);?\s*", row[0], re.DOTALL | re.IGNORECASE)
    if query is None:
        raise ValueError(f"视图 {schema}.{name} 的定义无法解析：{row[0][:80]}")
    return query.group(1)


def _kind(con: duckdb.DuckDBPyConnection, name: str) -> str:
    """VIEW when main.name is a view, else TABLE."""
    here = con.execute("SELECT current_database()").fetchone()[0]
    views = con.execute(
        "SELECT count(*) FROM duckdb_views() WHERE database_name = ? AND schema_name = 'main' AND view_name = ?",
        [here, name],
    ).fetchone()[0]
    return "VIEW" if views else "TABLE"


def _drop(con: duckdb.DuckDBPyConnection, name: str) -> None:
    """Drop main.name, a table or a view, if it exists."""
    con.execute(f'DROP {_kind(con, name)} IF EXISTS main."{name}"')


def _comment(con: duckdb.DuckDBPyConnection, database: str, schema: str, name: str, comment: str | None) -> None:
    """The relation's table and column comments, as the build has them (none where it has none), on main.name."""
    con.execute(f'COMMENT ON {_kind(con, name)} main."{name}" IS {sql_literal(comment) if comment else "NULL"}')
    for column, text in con.execute(
        "SELECT column_name, comment FROM duckdb_columns() WHERE database_name = ? AND schema_name = ? "
        "AND table_name = ?",
        [database, schema, name],
    ).fetchall():
        con.execute(f'COMMENT ON COLUMN main."{name}"."{column}" IS {sql_literal(text) if text else "NULL"}')


def _copy(con: duckdb.DuckDBPyConnection, database: str, schema: str, name: str, comment: str | None) -> None:
    """database.schema.name as a table main.name, replacing any, with its comments; a view over marts (VIEWS)
    as that view, reading the tables of main it is named after."""
    _drop(con, name)
    query = _view_sql(con, database, schema, name) if name in VIEWS else None
    if query is not None:
        con.execute(f'CREATE VIEW main."{name}" AS {query}')
    else:
        con.execute(f'CREATE TABLE main."{name}" AS SELECT * FROM {database}.{schema}."{name}"')
    _comment(con, database, schema, name, comment)


def _apply_changes(con: duckdb.DuckDBPyConnection, name: str) -> None:
    """Make main.name equal to build.marts.name by the rows this build rewrote, as the model rewrote them."""
    source = f'build.marts."{name}"'
    if name in SCOPED:
        day, entity = SCOPED[name]
        scope = f"{day} >= {REBUILD_FROM} OR {entity} IN (SELECT entity_id FROM {CHANGES} WHERE entity_id <> '*')"
        con.execute(f'DELETE FROM main."{name}" WHERE {scope}')
        con.execute(f'INSERT INTO main."{name}" SELECT * FROM {source} WHERE {scope}')
        if name == ENDED:  # the kept versions that held on into the scope, as the post-hook ended them
            con.execute(
                f'UPDATE main."{name}" AS p SET valid_to = b.valid_to FROM {source} AS b '
                f"WHERE (p.valid_to IS NULL OR p.valid_to >= {REBUILD_FROM}) "
                "AND p.entity_id = b.entity_id AND p.as_of_date = b.as_of_date "
                "AND p.valid_to IS DISTINCT FROM b.valid_to"
            )
        return
    day, key = RECORDS[name]
    # as the model selects them (redelivered_or_re_resolved): the re-delivered dates, and the records whose
    # resolution differs from what was published
    con.execute(
        f"CREATE TEMP TABLE changed AS SELECT * FROM {source} AS b WHERE b.{day} >= {REBUILD_FROM} "
        f'OR NOT EXISTS (SELECT 1 FROM main."{name}" AS p WHERE p.{key} = b.{key} '
        "AND p.entity_id IS NOT DISTINCT FROM b.entity_id AND p.uscc IS NOT DISTINCT FROM b.uscc "
        "AND p.resolution_method = b.resolution_method)"
    )
    con.execute(f'DELETE FROM main."{name}" WHERE {day} >= {REBUILD_FROM} OR {key} IN (SELECT {key} FROM changed)')
    con.execute(f'INSERT INTO main."{name}" SELECT * FROM changed')
    con.execute("DROP TABLE changed")


def _identity(path: Path) -> list[int]:
    stat = path.stat()
    return [stat.st_ino, stat.st_size, stat.st_mtime_ns]


def _builds(settings: Settings) -> tuple[str | None, str | None]:
    """The id of the build the marts were last built by, and of the build it started from (dbt's change state)."""
    if settings.engine != "duckdb":
        return None, None
    with duckdb.connect(str(settings.build_db), read_only=True) as con:
        columns = {
            c
            for (c,) in con.execute(
                "SELECT column_name FROM duckdb_columns() WHERE schema_name = 'intermediate' "
                "AND table_name = 'entity_inputs_state'"
            ).fetchall()
        }
        if not {"build_id", "since_build"} <= columns:
            return None, None
        built, since = con.execute(
            "SELECT max(build_id), max(since_build) FROM intermediate.entity_inputs_state"
        ).fetchone()
        # the scope publication applies must be the one that build computed (a killed build may recompute it)
        scoped = con.execute("SELECT max(build_id) FROM intermediate.int_entity_changes_detected").fetchone()[0]
    return (built, since) if scoped == built else (None, None)


def _published_build(settings: Settings) -> str | None:
    """The build the published file was made from, if the file is still the one published then."""
    record, target = settings.warehouse / PUBLISHED, settings.marts_db
    if not (record.exists() and target.exists()):
        return None
    try:
        kept = json.loads(record.read_text())
        return kept["build"] if kept["file"] == _identity(target) else None
    except (ValueError, KeyError, TypeError):  # unreadable: the file is then not known to be the one published
        return None


def compact(path: Path) -> bool:
    """True unless more than MAX_FREE of the file's blocks are free: rows replaced night after night leave
    blocks that a later write may not reuse, so a patched file is written anew before it grows much."""
    with duckdb.connect(str(path), read_only=True) as con:
        free, total = con.execute("SELECT free_blocks, total_blocks FROM pragma_database_size()").fetchone()
    return free <= MAX_FREE * total


def _record(settings: Settings, build: str | None) -> None:
    record = settings.warehouse / PUBLISHED
    tmp = settings.warehouse / f"{PUBLISHED}.{os.getpid()}.tmp"
    tmp.write_text(json.dumps({"build": build, "file": _identity(settings.marts_db)}))
    _fsync(tmp)
    tmp.replace(record)
    _fsync(settings.warehouse)


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def publish(settings: Settings, hold: bool = False) -> Path:
    """Write the marts into a new file, then atomically replace marts.duckdb with it.

    When held, the file keeps the last good marts and takes tonight's load_audit and quality_results.
    """
    target = settings.marts_db
    tmp = settings.warehouse / f".marts.{os.getpid()}.duckdb.tmp"
    with writer_lock(settings.warehouse):
        for stale in [*settings.warehouse.glob(".marts.*.duckdb.tmp*"), *settings.warehouse.glob(f"{PUBLISHED}.*.tmp")]:
            stale.unlink()  # left by a killed publication
        built, since = _builds(settings)
        published = _published_build(settings)
        # held: the last good marts stay; else the changes of one build over the file made from the one before
        base = target.exists() and (hold or (published is not None and published == since and compact(target)))
        if base:
            shutil.copyfile(target, tmp)
        with duckdb.connect(str(tmp)) as con:
            con.execute(f"ATTACH {sql_literal(str(settings.build_db))} AS build (READ_ONLY)")
            here = con.execute("SELECT current_database()").fetchone()[0]
            wanted = _relations(con, "build", "marts")
            if hold:
                wanted = {n: c for n, c in wanted.items() if n in ALWAYS_PUBLISHED}
            else:
                for name in set(_relations(con, here, "main")) - set(wanted):
                    _drop(con, name)
            patched = []
            # the views last: they read the tables copied before them
            for name, comment in sorted(wanted.items(), key=lambda item: (item[0] in VIEWS, item[0])):
                changes_only = base and not hold and (name in SCOPED or name in RECORDS)
                if changes_only and _columns(con, "build", "marts", name) == _columns(con, here, "main", name):
                    _apply_changes(con, name)
                    _comment(con, "build", "marts", name, comment)
                    patched.append(name)
                else:
                    _copy(con, "build", "marts", name, comment)
            if patched:
                log.info("发布：%s 只写入本次构建改动的行，其余数据集市整表复制", "、".join(patched))
            con.execute("DETACH build")
            con.execute("CHECKPOINT")
        _fsync(tmp)
        failpoints.reach("publish")
        tmp.replace(target)
        _fsync(settings.warehouse)
        # held: still the marts of the build recorded; on Spark none is (its marts replace the build's whole)
        _record(settings, None if settings.engine != "duckdb" else published if hold else built)
    return target
