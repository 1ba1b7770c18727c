"""Export a published table to CSV or XLSX for statisticians, with formula-looking cells neutralised.

A spreadsheet runs a cell that begins with =, +, - or @ (and tab or carriage return) as a formula; delivered
text (a post title, a complaint's respondent) may carry one. Such a text cell is written with a leading
apostrophe, which spreadsheets show as text.
"""

from __future__ import annotations

import csv
from pathlib import Path

import duckdb
import openpyxl

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: object) -> object:
    """A text cell that a spreadsheet would run as a formula, made plain text."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def export(marts: Path, table: str, out: Path) -> int:
    """Write `table` of the published marts to `out` (.csv, UTF-8 with BOM for Excel, or .xlsx); returns rows."""
    with duckdb.connect(str(marts), read_only=True) as con:
        names = {t for (t,) in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
        if table not in names:
            raise SystemExit(f"集市中没有表 {table}；可导出的表：{'、'.join(sorted(names))}")
        cursor = con.execute(f'SELECT * FROM "{table}"')
        header = [d[0] for d in cursor.description]
        rows = [[neutralise(v) for v in row] for row in cursor.fetchall()]
    out.parent.mkdir(parents=True, exist_ok=True)
    if out.suffix.lower() == ".xlsx":
        workbook = openpyxl.Workbook(write_only=True)
        sheet = workbook.create_sheet(table[:31])
        sheet.append(header)
        for row in rows:
            sheet.append(row)
        workbook.save(out)
    elif out.suffix.lower() == ".csv":
        with out.open("w", encoding="utf-8-sig", newline="") as f:
            writer = csv.writer(f)
            writer.writerow(header)
            writer.writerows(rows)
    else:
        raise SystemExit(f"仅支持导出为 .csv 或 .xlsx：{out}")
    return len(rows)
