"""Helpers that write landing files the way upstream systems do, for tests."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import openpyxl

from extract.clean import USCC_ALPHABET, uscc_check_char
from extract.sources import SOURCES

FORMATS = ("csv-utf8", "csv-bom", "csv-gbk", "xlsx", "jsonl")


def org_code(body: str) -> str:
    """Append the GB 11714 check character to 8 characters."""
    chars = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    total = sum(chars.index(c) * w for c, w in zip(body, (3, 7, 9, 10, 5, 8, 4, 2), strict=True))
    check = 11 - total % 11
    return body + {10: "X", 11: "0"}.get(check, str(check))


def make_uscc(n: int, region: str = "440300") -> str:
    """A valid USCC for a company, distinct for each n."""
    body = "91" + region + org_code(f"{n:08d}")
    return body + uscc_check_char(body)


def bad_check(uscc: str) -> str:
    """The same code with a wrong final check character."""
    wrong = USCC_ALPHABET[(USCC_ALPHABET.index(uscc[17]) + 1) % len(USCC_ALPHABET)]
    return uscc[:17] + wrong


def write(folder: Path, name: str, source: str, rows: list[dict[str, Any]], fmt: str, chinese: bool = False) -> Path:
    """Write rows (canonical keys) in one landing format, with canonical or Chinese headers."""
    folder.mkdir(parents=True, exist_ok=True)
    spec = SOURCES[source]
    keys = list(dict.fromkeys(k for r in rows for k in r))
    header = {k: (spec.column(k).header_zh if chinese else k) for k in keys}
    if fmt == "jsonl":
        path = folder / f"{name}.jsonl"
        lines = [json.dumps({header[k]: v for k, v in r.items()}, ensure_ascii=False) for r in rows]
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        return path
    if fmt == "xlsx":
        path = folder / f"{name}.xlsx"
        wb = openpyxl.Workbook()
        ws = wb.active
        ws.append([header[k] for k in keys])
        for r in rows:
            ws.append([r.get(k) for k in keys])
        wb.save(path)
        return path
    buf = io.StringIO(newline="")
    writer = csv.writer(buf)
    writer.writerow([header[k] for k in keys])
    for r in rows:
        writer.writerow(["" if r.get(k) is None else r.get(k) for k in keys])
    encoding = {"csv-utf8": "utf-8", "csv-bom": "utf-8-sig", "csv-gbk": "gbk"}[fmt]
    path = folder / f"{name}.csv"
    path.write_bytes(buf.getvalue().encode(encoding))
    return path
