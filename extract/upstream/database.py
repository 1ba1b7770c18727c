"""Pull a night's window from a SQL database through SQLAlchemy (a registration-system replica, say)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

import sqlalchemy as sa

from extract.upstream import PullFailed, connection, label, window
from extract.upstream.config import DatabasePull

# Airflow connection types and the SQLAlchemy driver that serves each (the drivers pinned in pyproject.toml)
DRIVERS = {"postgres": "postgresql+psycopg", "postgresql": "postgresql+psycopg"}
BATCH = 5_000
ENCODING_HINT = (
    "。数据库编码可能是 SQL_ASCII 而存有 GBK 等编码的文字：请在 upstream.toml 中为该源设置 client_encoding（如 GBK）"
)


def engine(config: DatabasePull) -> sa.Engine:
    """An engine for the source's connection; the password never appears in a message."""
    conn = connection(config.connection, config.source)
    if conn.conn_type not in DRIVERS:
        raise PullFailed(
            f"{label(config.source)}：连接 {config.connection} 的类型 {conn.conn_type} 不受支持"
            f"（可用：{'、'.join(DRIVERS)}）"
        )
    url = sa.URL.create(
        DRIVERS[conn.conn_type],
        username=conn.login or None,
        password=conn.password or None,
        host=conn.host or None,
        port=conn.port,
        database=conn.schema or None,
    )
    connect_args: dict[str, Any] = {}
    if url.drivername.startswith("postgresql"):  # PostgreSQL converts to it from any encoding but SQL_ASCII
        connect_args["client_encoding"] = config.client_encoding or "UTF8"
    return sa.create_engine(url, connect_args=connect_args, pool_pre_ping=False)


def statement(config: DatabasePull, day: date) -> sa.Select:
    """SELECT the table's or query's rows whose window column falls in the night's window."""
    start, end = window(day)
    if not config.window_has_timezone:  # a local (Beijing) timestamp or date column
        start, end = start.replace(tzinfo=None), end.replace(tzinfo=None)
    if config.table:
        schema, _, name = config.table.rpartition(".")
        relation: Any = sa.table(name, schema=schema or None)
    else:
        relation = sa.text(f"({config.query})").columns().subquery("upstream_query")
    bound = sa.column(config.window_column)
    return (
        sa.select(sa.text("*"))
        .select_from(relation)
        .where(bound >= sa.bindparam("window_start", start), bound < sa.bindparam("window_end", end))
    )


def fetch(config: DatabasePull, day: date) -> Iterator[dict[str, Any]]:
    """The window's rows as mappings, streamed in batches."""
    eng = engine(config)
    try:
        with eng.connect() as con:
            result = con.execution_options(stream_results=True, yield_per=BATCH).execute(statement(config, day))
            for row in result.mappings():
                yield dict(row)
    except UnicodeDecodeError as exc:
        detail = f"数据无法按 {exc.encoding} 解码（{exc.reason}）"
        raise PullFailed(f"{label(config.source)}：{detail}{ENCODING_HINT}") from exc
    except sa.exc.SQLAlchemyError as exc:
        detail = str(getattr(exc, "orig", None) or exc).splitlines()[0]
        hint = ENCODING_HINT if "invalid byte sequence" in detail else ""
        raise PullFailed(f"{label(config.source)}：数据库拉取失败（连接 {config.connection}）：{detail}{hint}") from exc
    finally:
        eng.dispose()
