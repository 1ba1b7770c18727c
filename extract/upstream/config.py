"""How each source reaches the landing zone, read from one TOML file (upstream.toml, or $UPSTREAM_CONFIG).

`drop`: upstream delivers files; the night waits for them until a deadline. `database`: the night pulls its
window from a SQL database. `http`: the night pulls its window from a paged JSON API. Credentials are never in
the file: `connection` names an Airflow connection, or the environment variable AIRFLOW_CONN_<NAME>.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field, fields
from datetime import time
from pathlib import Path
from typing import Any

from extract.sources import SOURCES
from pipeline.config import ROOT


class ConfigError(ValueError):
    """The upstream configuration is wrong; the message is Chinese and names the source and the setting."""


@dataclass(frozen=True)
class Drop:
    """Files dropped by upstream into the landing zone; waited for until `deadline` on the day after D (without
    one, the night does not wait: for sources that deliver only some days)."""

    source: str
    deadline: time | None = None


@dataclass(frozen=True)
class DatabasePull:
    """D's window of a table or query, bounded by `window_column` (D 00:00 to D+1 00:00, Asia/Shanghai)."""

    source: str
    connection: str
    window_column: str
    table: str | None = None
    query: str | None = None
    columns: dict[str, str] = field(default_factory=dict)  # contract name → upstream column
    client_encoding: str | None = None  # e.g. GBK for a SQL_ASCII database that holds GBK bytes
    window_has_timezone: bool = False  # the window column is timestamptz (else local Beijing time)


@dataclass(frozen=True)
class HttpPull:
    """D's window of a paged JSON API: page numbers or a cursor, retried on 5xx and connection errors."""

    source: str
    connection: str
    path: str
    records: str = "data"  # dotted path to the list of records in a page
    paging: str = "page"  # page | cursor
    page_param: str = "page"
    size_param: str = "page_size"
    page_size: int = 500
    first_page: int = 1
    cursor_param: str = "cursor"
    next_cursor: str = "next_cursor"  # dotted path to the next cursor; empty or null on the last page
    window_params: tuple[str, str] = ("start", "end")
    params: dict[str, str] = field(default_factory=dict)
    columns: dict[str, str] = field(default_factory=dict)  # contract name → upstream field
    timeout: float = 30.0
    retries: int = 3
    backoff: float = 2.0  # seconds before the first retry, doubling after each


Upstream = Drop | DatabasePull | HttpPull
MODES: dict[str, type[Drop] | type[DatabasePull] | type[HttpPull]] = {
    "drop": Drop,
    "database": DatabasePull,
    "http": HttpPull,
}


def config_path() -> Path:
    value = Path(os.environ.get("UPSTREAM_CONFIG") or "upstream.toml")
    return value if value.is_absolute() else ROOT / value


def _source_config(name: str, table: dict[str, Any]) -> Upstream:
    where = f"上游配置 [{name}]"
    if name not in SOURCES:
        raise ConfigError(f"{where}：没有名为 {name} 的数据源（可选：{'、'.join(SOURCES)}）")
    options = dict(table)
    mode = options.pop("mode", "drop")
    if mode not in MODES:
        raise ConfigError(f"{where}：mode 应为 drop、database 或 http，而不是 {mode!r}")
    kind = MODES[mode]
    known = {f.name for f in fields(kind)} - {"source"}
    if unknown := sorted(set(options) - known):
        usable = "、".join(sorted(known))
        raise ConfigError(f"{where}：不认识的设置 {'、'.join(unknown)}（mode = {mode} 可用：{usable}）")
    if "deadline" in options:
        try:
            options["deadline"] = time.fromisoformat(options["deadline"])
        except (TypeError, ValueError):
            raise ConfigError(f"{where}：deadline 应为 HH:MM，而不是 {options['deadline']!r}") from None
    if "window_params" in options:
        options["window_params"] = tuple(options["window_params"])
    columns = options.get("columns", {})
    spec = SOURCES[name]
    if unknown := sorted(set(columns) - {c.name for c in spec.columns}):
        raise ConfigError(f"{where}.columns：{'、'.join(unknown)} 不是 {name} 的契约列名")
    try:
        config = kind(source=name, **options)
    except TypeError as exc:
        raise ConfigError(f"{where}：缺少必需的设置（{exc}）") from None
    if isinstance(config, DatabasePull) and (config.table is None) == (config.query is None):
        raise ConfigError(f"{where}：table 与 query 须且只能给出一个")
    if isinstance(config, HttpPull) and config.paging not in ("page", "cursor"):
        raise ConfigError(f"{where}：paging 应为 page 或 cursor，而不是 {config.paging!r}")
    return config


def load(path: Path | None = None) -> dict[str, Upstream]:
    """Every source's configuration; a source the file does not name is a file drop with the default deadline."""
    path = path or config_path()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"上游配置文件 {path} 格式错误：{exc}") from exc
    configs: dict[str, Upstream] = {name: Drop(source=name) for name in SOURCES}
    for name, table in data.items():
        if not isinstance(table, dict):
            raise ConfigError(f"上游配置文件 {path}：{name} 应为一个表（[{name}]）")
        configs[name] = _source_config(name, table)
    return configs
