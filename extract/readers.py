"""Readers for landing files: CSV (UTF-8, UTF-8 BOM, GB18030/GBK), XLSX and JSONL.

Each reader yields the header once, then (row number, cells) with cells as text or None;
a row that cannot be read at all is yielded as a RowError so it is quarantined, not lost.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path

import openpyxl

SUFFIXES = (".csv", ".xlsx", ".jsonl")
MAX_FIELD = 1_000_000  # characters in one cell; longer means a broken export
csv.field_size_limit(MAX_FIELD)


class FileRejected(Exception):
    """The whole file cannot be loaded; the message is the Chinese reason."""


@dataclass(frozen=True)
class RowError:
    """A row that could not be read; the reason is Chinese."""

    reason: str
    text: str


Cells = dict[str, str | None] | RowError


def decode(data: bytes, name: str) -> tuple[str, str]:
    """Detect UTF-8 (with or without BOM) or GB18030; refuse anything else."""
    if data.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
        raise FileRejected(f"文件 {name} 为UTF-32编码，仅接受UTF-8或GB18030/GBK编码")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise FileRejected(f"文件 {name} 为UTF-16编码，仅接受UTF-8或GB18030/GBK编码")
    try:
        return data.decode("utf-8-sig"), "utf-8-sig" if data.startswith(b"\xef\xbb\xbf") else "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError as exc:
        raise FileRejected(f"文件 {name} 编码无法识别（非UTF-8或GB18030/GBK）") from exc
    if text.count("\x00") * 20 > len(text):  # UTF-16 or UTF-32 without a byte-order mark, or binary
        raise FileRejected(f"文件 {name} 含有二进制内容，编码无法识别")
    return text, "gb18030"


def read_csv(path: Path) -> Iterator[list[str] | tuple[int, Cells]]:
    text, _ = decode(path.read_bytes(), path.name)
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except StopIteration:
        raise FileRejected(f"文件 {path.name} 为空，没有表头") from None
    except csv.Error as exc:
        raise FileRejected(f"文件 {path.name} 表头无法解析：{exc}") from exc
    yield header
    width = len(header)
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            if "field larger than field limit" in str(exc):
                raise FileRejected(
                    f"文件 {path.name} 第{reader.line_num}行附近有超过{MAX_FIELD}字符的单元格（导出损坏或缺少换行）"
                ) from exc
            raise FileRejected(f"文件 {path.name} 第{reader.line_num}行附近CSV结构损坏：{exc}") from exc
        row_number = reader.line_num
        if not any(c.strip() for c in cells):
            continue
        if len(cells) != width:
            yield (
                row_number,
                RowError(
                    f"列数不符：表头{width}列，本行{len(cells)}列（文件可能被截断或分隔符有误）",
                    ",".join(cells),
                ),
            )
            continue
        yield row_number, dict(zip(header, cells, strict=True))


def _cell_text(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, time):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def read_xlsx(path: Path) -> Iterator[list[str] | tuple[int, Cells]]:
    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a corrupt workbook
        raise FileRejected(f"文件 {path.name} 不是有效的XLSX工作簿：{type(exc).__name__}") from exc
    try:
        rows = workbook.worksheets[0].iter_rows(values_only=True)
        try:
            header = [_cell_text(v) or "" for v in next(rows)]
        except StopIteration:
            raise FileRejected(f"文件 {path.name} 为空，第一行应为表头") from None
        yield header
        for row_number, values in enumerate(rows, start=2):
            cells = [_cell_text(v) for v in values]
            if not any(c and c.strip() for c in cells):
                continue
            cells += [None] * (len(header) - len(cells))
            yield row_number, dict(zip(header, cells[: len(header)], strict=True))
    except FileRejected:
        raise
    except Exception as exc:
        raise FileRejected(f"文件 {path.name} 读取失败（XLSX损坏）：{type(exc).__name__}") from exc
    finally:
        workbook.close()


def read_jsonl(path: Path) -> Iterator[list[str] | tuple[int, Cells]]:
    text, _ = decode(path.read_bytes(), path.name)
    rows: list[tuple[int, Cells]] = []
    header: dict[str, None] = {}
    # JSON Lines ends a line at \n only: U+2028, U+0085 and the like are text inside a value
    for row_number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        if len(line) > MAX_FIELD:
            rows.append((row_number, RowError(f"该行超过{MAX_FIELD}字符（导出损坏或缺少换行）", line[:500])))
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            rows.append((row_number, RowError(f"JSON格式错误：{exc.msg}", line[:500])))
            continue
        if not isinstance(record, dict):
            rows.append((row_number, RowError("该行不是JSON对象", line[:500])))
            continue
        header.update(dict.fromkeys(record))
        rows.append(
            (
                row_number,
                {
                    k: None if v is None else v if isinstance(v, str) else json.dumps(v, ensure_ascii=False)
                    for k, v in record.items()
                },
            )
        )
    yield list(header)
    yield from rows


def read(path: Path) -> Iterator[list[str] | tuple[int, Cells]]:
    """The header, then every row of one landing file."""
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return read_csv(path)
    if suffix == ".xlsx":
        return read_xlsx(path)
    if suffix == ".jsonl":
        return read_jsonl(path)
    raise FileRejected(f"文件 {path.name} 类型不受支持，仅接受 csv / xlsx / jsonl")
