"""The sample generator: deterministic, in every landing format, with valid codes and a true manifest."""

from __future__ import annotations

import csv
import io
import itertools
import json
import unicodedata
from collections import defaultdict
from datetime import date, timedelta
from pathlib import Path

import openpyxl
import pytest
from stdnum.cn import ric, uscc

from extract.sources import SOURCES
from pipeline.sample import FORMATS, generate, org_code

START = date(2026, 3, 1)
DAYS = 15  # one redelivered ticket every 15 days
DAILY = ("registrations", "icp_filings", "complaints", "keyword_hits")
BAD_DATES = ("-13-45", "昨天", "/2/30", "0000-00-00")


def fold(value: object) -> str:
    """A cell as the extractor cleans it: full-width folded, trimmed."""
    return unicodedata.normalize("NFKC", "" if value is None else str(value)).strip()


def read(path: Path) -> tuple[str, list[str], list[dict[str, object]]]:
    """A landing file's format, header and rows (keyed by header)."""
    if path.suffix == ".jsonl":
        rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
        return "jsonl", list(dict.fromkeys(k for r in rows for k in r)), rows
    if path.suffix == ".xlsx":
        wb = openpyxl.load_workbook(path, read_only=True)
        values = list(wb.worksheets[0].iter_rows(values_only=True))
        wb.close()
        header = [str(h) for h in values[0]]  # rows end at their last non-empty cell: no sheet dimension
        return "xlsx", header, [dict(itertools.zip_longest(header, v)) for v in values[1:]]
    data = path.read_bytes()
    if data.startswith(b"\xef\xbb\xbf"):
        fmt, text = "csv-bom", data.decode("utf-8-sig")
    else:
        try:
            fmt, text = "csv-utf8", data.decode("utf-8")
        except UnicodeDecodeError:
            fmt, text = "csv-gb18030", data.decode("gbk")  # GBK only: a subset of GB18030
    reader = csv.reader(io.StringIO(text, newline=""))
    header = next(reader)
    return fmt, header, [dict(zip(header, r, strict=True)) for r in reader]


def canonical(source: str, header: list[str], rows: list[dict[str, object]]) -> list[dict[str, object]]:
    """Rows keyed by canonical column names, whichever header style the file has."""
    names = {c.header_zh: c.name for c in SOURCES[source].columns} | {c.name: c.name for c in SOURCES[source].columns}
    assert set(header) <= set(names), header
    return [{names[k]: v for k, v in r.items()} for r in rows]


def files(landing: Path, source: str) -> list[Path]:
    return sorted((landing / source).glob("*/*"))


def truth(landing: Path, name: str) -> list[dict[str, str]]:
    rows: list[dict[str, str]] = []
    for path in sorted((landing / "_ground_truth" / name).glob("*.csv")):
        with path.open(encoding="utf-8", newline="") as f:
            rows += csv.DictReader(f)
    return rows


def rows_of(landing: Path, source: str) -> list[dict[str, object]]:
    out: list[dict[str, object]] = []
    for path in files(landing, source):
        _, header, rows = read(path)
        out += canonical(source, header, rows)
    return out


@pytest.fixture(scope="module")
def landing(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("landing")
    counts = generate(root, START, START + timedelta(days=DAYS - 1))
    assert counts["registrations"] > 100 * DAYS and counts["keyword_hits"] > 200 * DAYS
    return root


def test_same_arguments_give_the_same_bytes_and_a_sub_range_the_same_files(landing: Path, tmp_path: Path) -> None:
    first, last = START + timedelta(days=5), START + timedelta(days=8)
    generate(tmp_path, first, last)
    written = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*") if p.is_file())
    days = {(first + timedelta(days=i)).isoformat() for i in range(4)}
    expected = sorted(
        p.relative_to(landing) for p in landing.rglob("*") if p.is_file() and (p.parent.name in days or p.stem in days)
    )
    assert written == expected
    assert any(p.suffix == ".xlsx" for p in written)
    for rel in written:
        assert (tmp_path / rel).read_bytes() == (landing / rel).read_bytes(), rel


def test_every_format_and_header_style_appears_within_ten_days(landing: Path) -> None:
    for source in DAILY:
        seen = set()
        for path in files(landing, source):
            if date.fromisoformat(path.parent.name) < START + timedelta(days=10):
                fmt, header, _ = read(path)
                chinese = header[0] in {c.header_zh for c in SOURCES[source].columns}
                seen.add((fmt, chinese))
        assert seen == set(itertools.product(FORMATS, (False, True))), source


def test_gb18030_files_are_not_utf8(landing: Path) -> None:
    gbk = [p for s in DAILY for p in files(landing, s) if read(p)[0] == "csv-gb18030"]
    assert gbk
    for path in gbk:
        data = path.read_bytes()
        data.decode("gb18030")
        with pytest.raises(UnicodeDecodeError):
            data.decode("utf-8")


def test_manifest_counts_the_rows_of_every_file(landing: Path) -> None:
    manifest = truth(landing, "manifest")
    listed = {(m["source"], m["date"], m["file_name"]) for m in manifest}
    on_disk = {(p.parent.parent.name, p.parent.name, p.name) for s in SOURCES for p in files(landing, s)}
    assert listed == on_disk
    for m in manifest:
        _, _, rows = read(landing / m["source"] / m["date"] / m["file_name"])
        assert len(rows) == int(m["rows"]), m
    malformed = defaultdict(int)
    for m in manifest:
        malformed[m["source"]] += int(m["malformed"])
    assert malformed["registrations"] == sum(bool(e["malformed"]) for e in truth(landing, "entities"))
    assert malformed["complaints"] == sum(bool(c["malformed"]) for c in truth(landing, "complaints"))
    assert 0 < malformed["keyword_hits"] == sum(bool(h["malformed"]) for h in truth(landing, "keyword_hits"))


def test_registration_codes_are_valid_unless_marked_malformed(landing: Path) -> None:
    rows = rows_of(landing, "registrations")
    entities = truth(landing, "entities")
    assert len(rows) == len(entities)
    codes = [fold(r["uscc"]).upper() for r in rows]
    valid = [c for c in codes if uscc.is_valid(c)]
    assert len(codes) - len(valid) == sum(e["malformed"] == "bad_uscc_check" for e in entities) > 0
    assert all(org_code(c[8:16]) == c[8:17] for c in valid)
    assert {e["uscc"] for e in entities} >= set(valid)
    ids = [fold(r["legal_rep_id"]) for r in rows if fold(r.get("legal_rep_id"))]
    assert ids and all(ric.is_valid(i) for i in ids)


def test_scheme_shells_share_a_person_or_contact(landing: Path) -> None:
    by_uscc = {fold(r["uscc"]).upper(): r for r in rows_of(landing, "registrations")}
    shells = defaultdict(list)
    for e in truth(landing, "entities"):
        if e["scheme_id"]:
            shells[e["scheme_id"]].append(by_uscc[e["uscc"]])
    complete = [s for s in truth(landing, "schemes") if len(shells[s["scheme_id"]]) == int(s["shells"])]
    assert len(complete) >= 2
    for scheme in complete:
        group = shells[scheme["scheme_id"]]
        assert len(group) >= 2
        assert any(
            fold(a.get(f)) and fold(a.get(f)) == fold(b.get(f))
            for a, b in itertools.combinations(group, 2)
            for f in ("legal_rep_id", "phone", "email", "address")
        ), scheme


def test_complaints_match_their_ground_truth(landing: Path) -> None:
    rows = rows_of(landing, "complaints")
    gt = truth(landing, "complaints")
    assert sorted(fold(r["ticket_id"]) for r in rows) == sorted(g["ticket_id"] for g in gt)
    redelivered = [g for g in gt if g["redelivered_from"]]
    assert len(redelivered) == 1 and not redelivered[0]["malformed"]
    assert sum(g["ticket_id"] == redelivered[0]["ticket_id"] for g in gt) == 2
    assert any(g["scheme_id"] and g["named_by"] == "trade_name" and not g["true_uscc"] for g in gt)
    by_ticket = {fold(r["ticket_id"]): r for r in rows}
    for g in gt:
        row = by_ticket[g["ticket_id"]]
        if g["malformed"] == "missing_required":
            assert not fold(row["target_name"]) or not fold(row["description"])
        elif g["malformed"] == "bad_date":
            assert any(b in fold(row["received_at"]) for b in BAD_DATES)
        elif g["malformed"] == "bad_uscc_check":
            assert not uscc.is_valid(fold(row["target_uscc"]))
        else:
            assert fold(row["target_name"]) and fold(row["description"])


def test_keyword_hits_carry_their_keyword(landing: Path) -> None:
    rows = rows_of(landing, "keyword_hits")
    malformed = {h["hit_id"] for h in truth(landing, "keyword_hits") if h["malformed"]}
    for row in rows:
        if fold(row["hit_id"]) not in malformed:
            assert fold(row["keyword"]) in fold(row["content"]), row
