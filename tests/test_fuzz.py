"""Property tests over the readers: whatever rows or bytes arrive, in any format, nothing crashes and every
delivered row is loaded or quarantined."""

from __future__ import annotations

import tempfile
from datetime import date
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st
from landing import write
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from extract.batch import parse_delivery
from extract.sources import SOURCES

DAY = date(2026, 3, 2)
COLUMNS = (
    "ticket_id",
    "received_at",
    "kind",
    "target_name",
    "target_uscc",
    "description",
    "amount",
    "complainant_phone",
    "complainant_region",
    "target_url",
)
FORMATS = ("csv-utf8", "csv-bom", "csv-gbk", "xlsx", "jsonl")

text = st.text(alphabet=st.characters(exclude_categories=("Cs",)), max_size=40)
plausible = st.sampled_from(
    [
        "T-1",
        "2026-03-02 10:00",
        "2026年3月2日",
        "45000",
        "举报",
        "投诉",
        "云数贸",
        "91440300MA5FXXXX1X",
        " ",
        "=1+1",
        "<script>alert(1)</script>",
        "'; DROP TABLE raw.complaints; --",
        "１２３",
        "https://x.cn/a?b=1",
    ]
)
rows = st.lists(
    st.fixed_dictionaries({c: st.one_of(st.none(), text, plausible) for c in COLUMNS}), min_size=1, max_size=12
)


def representable(value: str | None, fmt: str) -> str | None:
    """What the format can carry: GBK has no emoji, a workbook no control characters."""
    if value is None:
        return None
    if fmt == "csv-gbk":
        return value.encode("gbk", errors="replace").decode("gbk")
    if fmt == "xlsx":
        return ILLEGAL_CHARACTERS_RE.sub("", value)
    return value


def blank(row: dict[str, str | None]) -> bool:
    return not any(v and v.strip() for v in row.values())


@given(rows=rows, fmt=st.sampled_from(FORMATS), chinese=st.booleans())
@settings(max_examples=150, deadline=None)
def test_every_delivered_row_is_loaded_or_quarantined(rows: list[dict], fmt: str, chinese: bool) -> None:
    rows = [{k: representable(v, fmt) for k, v in r.items()} for r in rows]
    with tempfile.TemporaryDirectory() as tmp:
        landing = Path(tmp)
        write(landing / "complaints" / DAY.isoformat(), "fuzz", "complaints", rows, fmt, chinese=chinese)
        batch = parse_delivery(SOURCES["complaints"], landing, DAY, b"key")
    (audit,) = batch.audit
    assert audit["status"] == "loaded", audit
    # a line of nothing but separators is no row in CSV or XLSX; every JSON line is one
    delivered = len(rows) if fmt == "jsonl" else sum(not blank(r) for r in rows)
    assert audit["rows_delivered"] == delivered
    assert audit["rows_loaded"] + audit["rows_quarantined"] == delivered
    assert (len(batch.rows), len(batch.quarantine)) == (audit["rows_loaded"], audit["rows_quarantined"])
    assert all(q["reason"] for q in batch.quarantine)


@given(payload=st.binary(max_size=3000), suffix=st.sampled_from([".csv", ".jsonl", ".xlsx"]))
@settings(max_examples=200, deadline=None)
def test_any_bytes_give_a_verdict_not_a_crash(payload: bytes, suffix: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "keyword_hits" / DAY.isoformat()
        folder.mkdir(parents=True)
        (folder / f"blob{suffix}").write_bytes(payload)
        batch = parse_delivery(SOURCES["keyword_hits"], Path(tmp), DAY, b"key")
    (audit,) = batch.audit
    if audit["status"] == "rejected":
        assert f"blob{suffix}" in audit["error"]
    else:
        assert audit["rows_loaded"] + audit["rows_quarantined"] == audit["rows_delivered"]
        assert (len(batch.rows), len(batch.quarantine)) == (audit["rows_loaded"], audit["rows_quarantined"])
