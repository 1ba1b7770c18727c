"""Turn one source's delivery for one date into clean rows, quarantined rows and an audit."""

from __future__ import annotations

import hashlib
import hmac
import json
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from extract import clean
from extract.readers import SUFFIXES, FileRejected, RowError, read
from extract.spec import Column, Kind, Source

_CLEANERS: dict[Kind, Callable[[str], Any]] = {
    Kind.TEXT: str.strip,
    Kind.CODE: lambda v: clean.fold(v).upper(),
    Kind.USCC: clean.clean_uscc,
    Kind.REGION: clean.clean_region,
    Kind.ICP: clean.clean_icp,
    Kind.DATE: clean.parse_date,
    Kind.DATETIME: clean.parse_datetime,
    Kind.NUMBER: clean.parse_number,
    Kind.INTEGER: clean.parse_integer,
    Kind.URL: clean.clean_url,
}
_MASKS: dict[str, Callable[[str], str]] = {
    "phone": clean.mask_phone,
    "complainant_phone": clean.mask_phone,
    "email": clean.mask_email,
    "complainant_name": clean.mask_name,
    "legal_rep_id": lambda v: clean.fold(v)[:6] + "********" + clean.fold(v)[-4:],
}
FREE_TEXT = {"description", "content", "title", "note", "business_scope"}


def _header_key(text: str) -> str:
    return unicodedata.normalize("NFKC", text).replace("\ufeff", "").strip().lower()


def keyed_hash(key: bytes, value: str) -> str:
    """The keyed hash (HMAC-SHA256) that stands for a personal value wherever records are linked."""
    normalised = clean.fold(value).upper().replace(" ", "")
    return hmac.new(key, normalised.encode(), hashlib.sha256).hexdigest()[:32]


def label(column: Column) -> str:
    return f"{column.header_zh}({column.name})"


@dataclass
class Batch:
    """What one source delivered on one date, after checking."""

    source: Source
    delivery_date: date
    rows: list[dict[str, Any]] = field(default_factory=list)
    quarantine: list[dict[str, Any]] = field(default_factory=list)
    audit: list[dict[str, Any]] = field(default_factory=list)


class Parser:
    """Checks the rows of one source's files against its metadata."""

    def __init__(self, source: Source, delivery_date: date, hash_key: bytes) -> None:
        self.source = source
        self.delivery_date = delivery_date
        self.hash_key = hash_key
        self.by_header = {}
        for c in source.columns:
            self.by_header[_header_key(c.name)] = c
            self.by_header[_header_key(c.header_zh)] = c
        self.seen_keys: dict[tuple[Any, ...], str] = {}
        # what each row needs, worked out once per source rather than once per row
        self.required = source.required
        self.required_if_empty = source.required_if_empty
        self.outputs = [(c.name, _MASKS[c.name] if c.personal else None, c.name in FREE_TEXT) for c in source.columns]

    def keyed_hash(self, value: str) -> str:
        return keyed_hash(self.hash_key, value)

    def map_header(self, header: list[str], name: str) -> dict[str, Column]:
        mapping: dict[str, Column] = {}
        for h in header:
            column = self.by_header.get(_header_key(h or ""))
            if column is not None:
                if column in mapping.values():
                    raise FileRejected(f"文件 {name} 的列 {label(column)} 出现了两次")
                mapping[h] = column
        present = set(mapping.values())
        for column in self.source.required:
            if column not in present:
                raise FileRejected(f"文件 {name} 缺少必填列：{label(column)}")
        for col, alternative in self.source.required_if_empty.items():
            if self.source.column(col) not in present and self.source.column(alternative) not in present:
                raise FileRejected(
                    f"文件 {name} 缺少必填列：{label(self.source.column(col))}"
                    f"（或 {label(self.source.column(alternative))}）"
                )
        return mapping

    def protect(self, values: dict[str, Any]) -> dict[str, Any]:
        """Replace personal values by a keyed hash and a mask; mask personal data in free text."""
        out: dict[str, Any] = {}
        for name, mask, free_text in self.outputs:
            value = values.get(name)
            if mask is not None:
                out[f"{name}_hash"] = None if value is None else self.keyed_hash(value)
                out[f"{name}_masked"] = None if value is None else mask(value)
            elif free_text and isinstance(value, str):
                out[name] = clean.mask_free_text(value)
            else:
                out[name] = value
        return out

    def check_row(
        self, cells: dict[str, str | None], mapping: dict[str, Column]
    ) -> tuple[dict[str, Any], list[str], list[str]]:
        """Clean one row: (values, reasons to quarantine, notes on optional values set aside)."""
        values: dict[str, Any] = {}
        reasons: list[str] = []
        notes: list[str] = []
        for header, column in mapping.items():
            text = cells.get(header)
            if text is None:
                continue
            if "\x00" in text:  # a NUL is never data, and no database column takes one
                text = text.replace("\x00", "")
            if not text.strip():
                continue
            if column.personal:
                values[column.name] = text.strip()
                continue
            try:
                values[column.name] = _CLEANERS[column.kind](text)
            except clean.CellError as exc:
                if column.required or column.name in self.required_if_empty:
                    reasons.append(f"{label(column)}：{exc}")
                else:
                    notes.append(f"{label(column)}：{exc}，已置空")
        for column in self.required:
            if values.get(column.name) is None and not any(label(column) in r for r in reasons):
                reasons.append(f"缺少必填值：{label(column)}")
        for col, alternative in self.required_if_empty.items():
            if values.get(col) is None and values.get(alternative) is None and not reasons:
                reasons.append(
                    f"缺少必填值：{label(self.source.column(col))}（{label(self.source.column(alternative))}为空时必填）"
                )
        if self.source.name == "registrations":
            values.setdefault("event", "设立")
            values.setdefault("event_date", values.get("established_date"))
        return values, reasons, notes

    def parse_file(self, path: Path, batch: Batch) -> None:
        name = path.name
        audit = {
            "source": self.source.name,
            "delivery_date": self.delivery_date,
            "file_name": name,
            "rows_delivered": 0,
            "rows_loaded": 0,
            "rows_quarantined": 0,
            "status": "loaded",
            "error": None,
        }
        rows: list[dict[str, Any]] = []
        quarantined: list[dict[str, Any]] = []
        keys: dict[tuple[Any, ...], str] = {}
        items = iter(())
        try:
            items = read(path)
            mapping = self.map_header(next(items), name)
            for row_number, cells in items:
                audit["rows_delivered"] += 1
                if isinstance(cells, RowError):
                    quarantined.append(self._quarantine(name, row_number, [cells.reason], {"_text": cells.text}))
                    continue
                values, reasons, notes = self.check_row(cells, mapping)
                key = tuple(values.get(k) for k in self.source.key)
                first = (keys.get(key) or self.seen_keys.get(key)) if self.source.key and not reasons else None
                if first:
                    reasons.append(f"主键重复：与 {first} 相同，本批次只保留首次出现的一行")
                if reasons:
                    quarantined.append(self._quarantine(name, row_number, reasons, values))
                    continue
                keys[key] = f"{name} 第{row_number}行"
                rows.append(
                    self.protect(values)
                    | {"_file": name, "_row_number": row_number, "_row_notes": "；".join(notes) or None}
                )
        except FileRejected as exc:
            audit["rows_delivered"] += _count_rest(items)
            audit.update(status="rejected", error=str(exc), rows_loaded=0, rows_quarantined=0)
            batch.audit.append(audit)
            return
        self.seen_keys |= keys
        audit["rows_loaded"] = len(rows)
        audit["rows_quarantined"] = len(quarantined)
        if quarantined:
            audit["error"] = f"{len(quarantined)}行隔离，首条原因：{quarantined[0]['reason']}"
        batch.rows += rows
        batch.quarantine += quarantined
        batch.audit.append(audit)

    def _quarantine(self, name: str, row_number: int, reasons: list[str], values: dict[str, Any]) -> dict[str, Any]:
        record = self.protect(values) if "_text" not in values else values
        return {
            "source": self.source.name,
            "delivery_date": self.delivery_date,
            "file_name": name,
            "row_number": row_number,
            "reason": "；".join(reasons),
            "record": json.dumps(record, ensure_ascii=False, default=str),
        }


def _count_rest(items: Any) -> int:
    """Rows left in a rejected file, so the audit still says how many were delivered."""
    count = 0
    try:
        for _ in items:
            count += 1
    except FileRejected:
        pass
    return count


def delivery_files(landing_dir: Path, source: str, delivery_date: date) -> list[Path] | None:
    """The files of one delivery, or None when the source did not deliver that day."""
    folder = landing_dir / source / delivery_date.isoformat()
    if not folder.is_dir():
        return None
    return sorted(p for p in folder.iterdir() if not p.name.startswith("."))


def parse_delivery(source: Source, landing_dir: Path, delivery_date: date, hash_key: bytes) -> Batch:
    """Read every file of one source for one delivery date."""
    batch = Batch(source, delivery_date)
    files = delivery_files(landing_dir, source.name, delivery_date)
    if files is None:
        batch.audit.append(
            {
                "source": source.name,
                "delivery_date": delivery_date,
                "file_name": None,
                "rows_delivered": 0,
                "rows_loaded": 0,
                "rows_quarantined": 0,
                "status": "missing",
                "error": f"{source.title_zh}（{source.name}）当日未交付数据",
            }
        )
        return batch
    parser = Parser(source, delivery_date, hash_key)
    root = landing_dir.resolve()
    for path in files:
        audit = {
            "source": source.name,
            "delivery_date": delivery_date,
            "file_name": path.name,
            "rows_delivered": 0,
            "rows_loaded": 0,
            "rows_quarantined": 0,
            "status": "rejected",
        }
        if not path.resolve().is_relative_to(root) or not path.resolve().is_file():
            batch.audit.append(audit | {"error": f"文件 {path.name} 指向着陆区之外或不是普通文件，拒绝读取"})
        elif path.suffix.lower() not in SUFFIXES:
            batch.audit.append(audit | {"error": f"文件 {path.name} 类型不受支持，仅接受 csv / xlsx / jsonl"})
        else:
            parser.parse_file(path, batch)
    return batch
