"""Column and source metadata shared by every source module."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class Kind(StrEnum):
    """How a delivered value is cleaned and checked."""

    TEXT = "text"  # free text: trimmed only
    CODE = "code"  # identifiers: trimmed, full-width folded, upper-cased
    USCC = "uscc"  # unified social credit code, check character verified
    REGION = "region"  # 6-digit administrative division code
    ICP = "icp"  # ICP filing number
    DATE = "date"
    DATETIME = "datetime"
    NUMBER = "number"
    INTEGER = "integer"
    URL = "url"


@dataclass(frozen=True)
class Column:
    """One canonical column of a landing source."""

    name: str
    header_zh: str
    kind: Kind = Kind.TEXT
    required: bool = False
    personal: bool = False
    description: str = ""
    accepted: tuple[str, ...] = ()

    @property
    def sql_type(self) -> str:
        return {
            Kind.DATE: "DATE",
            Kind.DATETIME: "TIMESTAMP",
            Kind.NUMBER: "DOUBLE",
            Kind.INTEGER: "BIGINT",
        }.get(self.kind, "VARCHAR")


@dataclass(frozen=True)
class Source:
    """A landing source: its folder name, columns and row key."""

    name: str
    title_zh: str
    columns: tuple[Column, ...]
    key: tuple[str, ...] = ()
    daily: bool = True
    required_if_empty: dict[str, str] = field(default_factory=dict)

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)

    @property
    def required(self) -> tuple[Column, ...]:
        return tuple(c for c in self.columns if c.required)

    @property
    def raw_columns(self) -> list[tuple[str, str]]:
        """Columns of the raw table: personal fields become a keyed hash and a mask."""
        out: list[tuple[str, str]] = []
        for c in self.columns:
            if c.personal:
                out += [(f"{c.name}_hash", "VARCHAR"), (f"{c.name}_masked", "VARCHAR")]
            else:
                out.append((c.name, c.sql_type))
        return out
