"""Quality gates, one bad delivery at a time: the gate's outcome, its trace in the marts and in the bulletin.

Each test feeds one kind of bad delivery and checks, end to end: the expectation that fails (suite, Chinese
label, observed value, severity) in the published quality_results, whether the night is held, the daily
bulletin's held notice or data-completeness note, and that every delivered row is accounted for in load_audit.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import duckdb
import pytest
from landing import bad_check, make_uscc, write
from test_pipeline import snapshot

from extract.sources import SOURCES
from pipeline import night
from pipeline.config import Settings

REJECTED = "整文件拒收（缺少必填列、格式或编码错误）"
MISSING = "当日未交付"
SEEN_BEFORE = "工单编号未在此前各夜交付过（重复交付只计一次）"
NOT_EMPTY = "当日装载行数大于零"
CODES_BLOCKING = "统一社会信用代码校验位通过率不低于50%"
CODES_WARNING = "统一社会信用代码校验位通过率不低于95%"
HELD_HEADING = "数据质量阻断说明"
COMPLETENESS = "数据完整性"
ALWAYS_PUBLISHED = {"load_audit", "quality_results"}
SCHEME_TEXT = "交3000元激活费成为会员，发展下线拿直推奖，还有对碰奖和静态收益"


def volume_label(median: int) -> str:
    return f"装载量在近28夜中位数（{median}行）的一半至三倍之间"


# ---------------------------------------------------------------- deliveries


@dataclass
class Delivery:
    """One night's landing files, and how many data rows each one holds."""

    landing: Path
    day: date
    written: dict[tuple[str, str], int] = field(default_factory=dict)

    def put(self, source: str, name: str, rows: list[dict[str, Any]], fmt: str, chinese: bool = False) -> str:
        path = write(self.landing / source / self.day.isoformat(), name, source, rows, fmt, chinese)
        self.written[(source, path.name)] = len(rows)
        return path.name

    def withdraw(self, source: str) -> None:
        """Upstream takes a source's files of this date back (before delivering them again)."""
        for path in (self.landing / source / self.day.isoformat()).iterdir():
            path.unlink()
            del self.written[(source, path.name)]

    def expected(self) -> dict[tuple[str, str | None], int]:
        """Rows delivered per (source, file); a source without files has its `missing` row with none."""
        delivered = {source for source, _ in self.written}
        return {**self.written, **{(s, None): 0 for s in SOURCES if s not in delivered}}


def registration(n: int, day: date, region: str = "440300") -> dict[str, Any]:
    return {
        "uscc": make_uscc(n, region),
        "name": f"深圳市测试{n}号贸易有限公司",
        "established_date": (day - timedelta(days=1)).isoformat(),
        "region_code": region[:4] + "05",
        "business_scope": "日用百货销售",
    }


def complaint(ticket: str, day: date, description: str = "快递延误，商家拒绝退款", **extra: Any) -> dict[str, Any]:
    return {
        "ticket_id": ticket,
        "received_at": f"{day} 10:00",
        "kind": "投诉",
        "target_name": "某商贸公司",
        "description": description,
        **extra,
    }


def good_night(landing: Path, day: date, n: int, skip: tuple[str, ...] = ()) -> Delivery:
    """A small, clean delivery of every daily source in mixed formats; ids are distinct for each n."""
    d = Delivery(landing, day)
    scheme = make_uscc(100 * n + 1, "450500")
    if "registrations" not in skip:
        regs = [
            {
                "uscc": scheme,
                "name": f"北海市云数贸{n}号网络科技有限公司",
                "legal_rep": "赵某",
                "established_date": (day - timedelta(days=1)).isoformat(),
                "region_code": "450502",
                "phone": "13900001111",
                "business_scope": "网络技术开发；会员管理",
            },
            registration(100 * n + 2, day),
        ]
        d.put("registrations", "reg", regs, "csv-gbk", chinese=True)
    if "icp_filings" not in skip:
        icp = [
            {
                "site_license": f"桂ICP备2026{n:06d}号-1",
                "sponsor_name": f"北海市云数贸{n}号网络科技有限公司",
                "sponsor_nature": "企业",
                "sponsor_uscc": scheme,
                "domain": f"yunshumao{n}.vip",
                "approved_date": (day - timedelta(days=1)).isoformat(),
            }
        ]
        d.put("icp_filings", "icp", icp, "xlsx")
    if "complaints" not in skip:
        tickets = [
            complaint(
                f"Q{n}-0",
                day,
                SCHEME_TEXT,
                kind="举报",
                target_name=f"云数贸{n}号",
                target_url=f"https://www.yunshumao{n}.vip/app",
                amount=30000,
                complainant_region="450502",
            ),
            complaint(f"Q{n}-1", day, "会员卡退费难，说好的返利积分没到账", amount=200),
        ]
        d.put("complaints", "tickets", tickets, "jsonl")
    if "keyword_hits" not in skip:
        hits = [
            {
                "hit_id": f"H{n}",
                "captured_at": f"{day} 08:00",
                "platform": "微信公众号",
                "url": f"http://yunshumao{n}.vip/post/1",
                "title": "云数贸模式介绍",
                "content": "报单即享见点奖、层碰、双轨，日息千分之五，复投出局",
                "keyword": "见点奖",
                "reads": 1000,
                "shares": 10,
            }
        ]
        d.put("keyword_hits", "hits", hits, "csv-bom")
    return d


# ---------------------------------------------------------------- reading the warehouse back


def query(db: Path, sql: str, params: list[Any] | None = None) -> list[tuple[Any, ...]]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql, params or []).fetchall()


def quality(db: Path, day: date, table: str = "quality_results") -> dict[tuple[str, str], tuple[bool, str, str]]:
    """(suite, expectation) → (success, observed, severity) of one night."""
    rows = query(
        db, f"SELECT suite, expectation, success, observed, severity FROM {table} WHERE delivery_date = ?", [day]
    )
    results = {(suite, label): (success, observed, severity) for suite, label, success, observed, severity in rows}
    assert len(results) == len(rows), "one row per night, suite and expectation"
    return results


def blocking_failures(results: dict[tuple[str, str], tuple[bool, str, str]]) -> list[tuple[str, str]]:
    return sorted(k for k, (success, _, severity) in results.items() if severity == "blocking" and not success)


def assert_accounted(
    db: Path, delivery: Delivery, table: str = "load_audit"
) -> dict[tuple[str, str | None], tuple[int, int, int, str, str | None]]:
    """Every delivered row accounted for: one audit row per file, rows delivered as written, none lost."""
    rows = query(
        db,
        "SELECT source, file_name, rows_delivered, rows_loaded, rows_quarantined, status, error "
        f"FROM {table} WHERE delivery_date = ?",
        [delivery.day],
    )
    audit = {(r[0], r[1]): (r[2], r[3], r[4], r[5], r[6]) for r in rows}
    assert len(audit) == len(rows), "one load_audit row per delivered file"
    assert {k: v[0] for k, v in audit.items()} == delivery.expected()
    for (source, file_name), (delivered, loaded, quarantined, status, error) in audit.items():
        if status == "loaded":
            assert loaded + quarantined == delivered, (source, file_name)
        elif status == "rejected":
            assert (loaded, quarantined) == (0, 0), (source, file_name)
            assert error and file_name in error, (source, file_name, error)
        else:
            assert status == "missing", (source, file_name, status)
            assert file_name is None and (delivered, loaded, quarantined) == (0, 0, 0)
    return audit


def registered(settings: Settings, day: date) -> set[str]:
    """USCCs of the published registered entities first seen on a date."""
    sql = "SELECT uscc FROM entities WHERE entity_kind = 'registered' AND first_seen_date = ?"
    return {uscc for (uscc,) in query(settings.marts_db, sql, [day])}


def held_batches(settings: Settings, day: date) -> list[tuple[Any, ...]]:
    return query(settings.build_db, "SELECT source, reason FROM raw.held_batches WHERE delivery_date = ?", [day])


@dataclass
class Section:
    heading: str = ""
    css_class: str = ""
    rows: list[tuple[str, ...]] = field(default_factory=list)
    items: list[str] = field(default_factory=list)
    text: list[str] = field(default_factory=list)


class BulletinParser(HTMLParser):
    """The bulletin's sections by heading: table rows (cell texts), list items and all text; scripts ignored."""

    def __init__(self) -> None:
        super().__init__()
        self.sections: list[Section] = []
        self._section: Section | None = None
        self._skip = 0
        self._h2 = False
        self._row: list[str] | None = None
        self._cell: list[str] | None = None
        self._item: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self._skip += 1
        elif tag == "section":
            self._section = Section(css_class=dict(attrs).get("class") or "")
            self.sections.append(self._section)
        elif tag == "h2":
            self._h2 = True
        elif tag == "tr":
            self._row = []
        elif tag in ("td", "th"):
            self._cell = []
        elif tag == "li":
            self._item = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self._skip -= 1
        elif tag == "section":
            self._section = None
        elif tag == "h2":
            self._h2 = False
        elif tag in ("td", "th") and self._cell is not None and self._row is not None:
            self._row.append("".join(self._cell).strip())
            self._cell = None
        elif tag == "tr" and self._row is not None and self._section is not None:
            self._section.rows.append(tuple(self._row))
            self._row = None
        elif tag == "li" and self._item is not None and self._section is not None:
            self._section.items.append("".join(self._item).strip())
            self._item = None

    def handle_data(self, data: str) -> None:
        if self._skip or self._section is None:
            return
        self._section.text.append(data)
        if self._h2:
            self._section.heading += data.strip()
        for buffer in (self._cell, self._item):
            if buffer is not None:
                buffer.append(data)


def bulletin(settings: Settings, day: date) -> dict[str, Section]:
    parser = BulletinParser()
    parser.feed((settings.reports / "daily" / f"{day.isoformat()}.html").read_text(encoding="utf-8"))
    return {s.heading: s for s in parser.sections}


def note(day: date, suite: str, label: str, observed: str) -> str:
    """A warning as the bulletin's data-completeness section lists it."""
    return f"{day.isoformat()} {suite}：{label}（警告），观测值 {observed}"


# ---------------------------------------------------------------- the tests


@pytest.mark.slow
def test_file_without_required_column_is_rejected_whole_and_night_publishes(settings: Settings) -> None:
    day = date(2026, 4, 6)
    d = good_night(settings.landing, day, 1)
    incomplete = [
        {k: v for k, v in complaint(f"R-{i}", day).items() if k != "description"} | {"amount": 100 + i}
        for i in range(3)
    ]
    rejected = d.put("complaints", "tickets_gbk", incomplete, "csv-gbk", chinese=True)
    assert rejected == "tickets_gbk.csv"
    assert "诉求内容".encode("gbk") not in (settings.landing / "complaints" / str(day) / rejected).read_bytes()

    night.run_night(day, settings)

    audit = assert_accounted(settings.marts_db, d)
    error = "文件 tickets_gbk.csv 缺少必填列：诉求内容(description)"
    assert audit[("complaints", rejected)] == (3, 0, 0, "rejected", error)
    assert audit[("complaints", "tickets.jsonl")] == (2, 2, 0, "loaded", None)

    results = quality(settings.marts_db, day)
    assert results[("delivery.complaints", REJECTED)] == (False, "1/2行不符，例如 rejected", "warning")
    assert results[("delivery.registrations", REJECTED)][0] is True
    assert blocking_failures(results) == []
    assert held_batches(settings, day) == []

    # not held: the night's other files, and the other file of the same source, are published
    tickets = query(settings.marts_db, "SELECT ticket_id FROM complaints WHERE delivery_date = ? ORDER BY 1", [day])
    assert tickets == [("Q1-0",), ("Q1-1",)]
    assert registered(settings, day) == {make_uscc(101, "450500"), make_uscc(102)}
    assert query(settings.marts_db, "SELECT count(*) FROM keyword_hits WHERE delivery_date = ?", [day]) == [(1,)]

    page = bulletin(settings, day)
    assert HELD_HEADING not in page
    section = page[COMPLETENESS]
    assert (
        "12315投诉举报",
        day.isoformat(),
        "整文件拒收",
        f"tickets_gbk.csv：交付3行，装载0行，隔离0行。{error}",
    ) in section.rows
    assert section.items == [note(day, "delivery.complaints", REJECTED, "1/2行不符，例如 rejected")]


@pytest.mark.slow
def test_failing_check_characters_hold_the_night_until_redelivered(settings: Settings) -> None:
    good, bad = date(2026, 4, 6), date(2026, 4, 7)
    good_night(settings.landing, good, 1)
    night.run_night(good, settings)
    before = snapshot(settings.marts_db)
    assert before["complaints"] and before["suspect_entities"], "the good night published marts with content"

    d = good_night(settings.landing, bad, 2, skip=("registrations",))
    regs = [registration(200 + i, bad) for i in range(10)]
    for row in regs[:8]:
        row["uscc"] = bad_check(row["uscc"])
    name = d.put("registrations", "reg_bad", regs, "xlsx", chinese=True)
    night.run_night(bad, settings)

    # the bad rows are quarantined with their reason, the two good ones loaded
    audit = assert_accounted(settings.marts_db, d)
    first = f"统一社会信用代码(uscc)：统一社会信用代码校验位错误：{regs[0]['uscc']}"
    assert audit[("registrations", name)] == (10, 2, 8, "loaded", f"8行隔离，首条原因：{first}")
    reasons = query(
        settings.build_db,
        "SELECT reason FROM raw.quarantine WHERE source = 'registrations' AND delivery_date = ? ORDER BY row_number",
        [bad],
    )
    assert reasons == [(f"统一社会信用代码(uscc)：统一社会信用代码校验位错误：{r['uscc']}",) for r in regs[:8]]

    # the blocking gate fails and holds the night: the last good marts stay, audit and quality are tonight's
    observed = "8/10行不符，例如 False, False, False"
    results = quality(settings.marts_db, bad)
    assert results[("codes.registrations", CODES_BLOCKING)] == (False, observed, "blocking")
    assert results[("codes.registrations", CODES_WARNING)] == (False, observed, "warning")
    assert blocking_failures(results) == [("codes.registrations", CODES_BLOCKING)]
    assert held_batches(settings, bad) == [("registrations", f"{CODES_BLOCKING}（{observed}）")]
    after = snapshot(settings.marts_db)
    assert set(after) == set(before)
    assert {t: v for t, v in after.items() if t not in ALWAYS_PUBLISHED} == {
        t: v for t, v in before.items() if t not in ALWAYS_PUBLISHED
    }
    assert {r[1] for r in after["load_audit"]} == {good, bad}, "load_audit refreshed on the held night"
    assert {r[0] for r in after["quality_results"]} == {good, bad}, "quality_results refreshed on the held night"

    page = bulletin(settings, bad)
    held = "".join(page[HELD_HEADING].text)
    assert page[HELD_HEADING].css_class == "held"
    assert (
        f"{bad} 的数据未通过阻断性质量检查，当夜数据集市未更新，沿用此前最近一次成功发布的集市（截至 {good}）" in held
    )
    assert f"原因：codes.registrations：{CODES_BLOCKING}（{observed}）" in held
    section = page[COMPLETENESS]
    assert (
        "企业登记",
        bad.isoformat(),
        "已装载",
        f"{name}：交付10行，装载2行，隔离8行。8行隔离，首条原因：{first}",
    ) in (section.rows)
    assert note(bad, "codes.registrations", CODES_WARNING, observed) in section.items

    # upstream re-delivers the date with valid codes; the re-run clears the hold and publishes the night
    d.withdraw("registrations")
    fixed = [registration(200 + i, bad) for i in range(10)]
    name = d.put("registrations", "reg_fixed", fixed, "csv-utf8")
    night.run_night(bad, settings)

    assert held_batches(settings, bad) == []
    audit = assert_accounted(settings.marts_db, d)
    assert audit[("registrations", name)] == (10, 10, 0, "loaded", None)
    results = quality(settings.marts_db, bad)
    assert results[("codes.registrations", CODES_BLOCKING)][::2] == (True, "blocking")
    assert results[("codes.registrations", CODES_WARNING)][::2] == (True, "warning")
    assert blocking_failures(results) == []
    assert registered(settings, bad) == {r["uscc"] for r in fixed}
    tickets = query(settings.marts_db, "SELECT ticket_id FROM complaints WHERE delivery_date = ? ORDER BY 1", [bad])
    assert tickets == [("Q2-0",), ("Q2-1",)]
    assert HELD_HEADING not in bulletin(settings, bad)
    assert not any(CODES_WARNING in item for item in bulletin(settings, bad)[COMPLETENESS].items)


@pytest.mark.slow
def test_ticket_redelivered_on_a_later_night_warns_and_counts_once(settings: Settings) -> None:
    first, later = date(2026, 4, 6), date(2026, 4, 7)
    d1 = good_night(settings.landing, first, 1)
    night.ingest(first, settings)
    d2 = good_night(settings.landing, later, 2)
    again = complaint("Q1-1", first, "会员卡退费难，说好的返利积分没到账（再次反映）", amount=999)
    d2.put("complaints", "resent", [again], "csv-gbk", chinese=True)
    night.run_night(later, settings)

    results = quality(settings.marts_db, later)
    assert results[("raw.complaints", SEEN_BEFORE)] == (False, "1/3行不符，例如 True", "warning")
    assert quality(settings.marts_db, first)[("raw.complaints", SEEN_BEFORE)][::2] == (True, "warning")
    assert blocking_failures(results) == []
    assert_accounted(settings.marts_db, d1)
    audit = assert_accounted(settings.marts_db, d2)
    assert audit[("complaints", "resent.csv")] == (1, 1, 0, "loaded", None)

    rows = query(settings.marts_db, "SELECT ticket_id, delivery_date, amount FROM complaints ORDER BY 1")
    # Q1-1 once, as first delivered (the re-delivery's amount 999 is not loaded a second time)
    assert rows == [("Q1-0", first, 30000.0), ("Q1-1", first, 200.0), ("Q2-0", later, 30000.0), ("Q2-1", later, 200.0)]

    items = bulletin(settings, later)[COMPLETENESS].items
    assert note(later, "raw.complaints", SEEN_BEFORE, "1/3行不符，例如 True") in items


@pytest.mark.slow
def test_volume_spike_and_collapse_warn_against_the_28_night_median(settings: Settings) -> None:
    start = date(2026, 1, 1)
    history = [start + timedelta(days=i) for i in range(28)]
    spike, collapse, normal = (start + timedelta(days=28 + i) for i in range(3))
    counts = {day: 20 + i % 5 - 2 for i, day in enumerate(history)} | {spike: 200, collapse: 3, normal: 21}
    deliveries: dict[date, Delivery] = {}
    for day, n in counts.items():
        d = Delivery(settings.landing, day)
        d.put("complaints", "tickets", [complaint(f"V{day:%m%d}-{i}", day) for i in range(n)], "csv-utf8")
        deliveries[day] = d
    # loaded night by night, then gated as a backfill gates its range (one GX run; each night's check reads
    # only the nights before it)
    settings.prepare()
    night.load_nights(list(counts), settings)
    night.gate_raw(list(counts), settings)

    label = volume_label(20)
    observed = {
        day: quality(settings.build_db, day, "raw.quality_results").get(("raw.complaints", label))
        for day in (spike, collapse, normal)
    }
    assert observed == {
        spike: (False, "200", "warning"),
        collapse: (False, "3", "warning"),
        normal: (True, "21", "warning"),
    }
    # the check applies from the 8th night on (7 nights of history)
    with_volume = [
        day
        for day in history
        if any(
            s == "raw.complaints" and e.startswith("装载量在近28夜")
            for s, e in quality(settings.build_db, day, "raw.quality_results")
        )
    ]
    assert with_volume == history[7:]
    for day, d in deliveries.items():
        audit = assert_accounted(settings.build_db, d, "raw.load_audit")
        assert audit[("complaints", "tickets.csv")] == (counts[day], counts[day], 0, "loaded", None)

    night.run_night(spike, settings)
    assert quality(settings.marts_db, spike)[("raw.complaints", label)] == (False, "200", "warning")
    items = bulletin(settings, spike)[COMPLETENESS].items
    assert note(spike, "raw.complaints", label, "200") in items
    assert HELD_HEADING not in bulletin(settings, spike)


@pytest.mark.slow
def test_missing_source_warns_and_night_publishes(settings: Settings) -> None:
    day = date(2026, 4, 6)
    d = good_night(settings.landing, day, 1, skip=("icp_filings",))
    assert not (settings.landing / "icp_filings").exists()
    night.run_night(day, settings)

    audit = assert_accounted(settings.marts_db, d)
    assert audit[("icp_filings", None)] == (0, 0, 0, "missing", "网站备案（icp_filings）当日未交付数据")
    assert audit[("dispositions", None)][3] == "missing"

    results = quality(settings.marts_db, day)
    assert results[("delivery.icp_filings", MISSING)] == (False, "1/1行不符，例如 missing", "warning")
    assert results[("raw.icp_filings", NOT_EMPTY)] == (False, "0", "warning")
    for source in ("registrations", "complaints", "keyword_hits"):
        assert results[(f"delivery.{source}", MISSING)][0] is True, source
    assert ("delivery.dispositions", MISSING) not in results, "dispositions are not delivered daily"
    assert blocking_failures(results) == []
    assert held_batches(settings, day) == []

    tickets = query(settings.marts_db, "SELECT ticket_id FROM complaints WHERE delivery_date = ? ORDER BY 1", [day])
    assert tickets == [("Q1-0",), ("Q1-1",)]
    assert query(settings.marts_db, "SELECT count(*) FROM icp_sites WHERE delivery_date = ?", [day]) == [(0,)]

    page = bulletin(settings, day)
    assert HELD_HEADING not in page
    section = page[COMPLETENESS]
    assert ("网站备案", day.isoformat(), "未交付", "网站备案（icp_filings）当日未交付数据") in section.rows
    assert section.items == [
        note(day, "delivery.icp_filings", MISSING, "1/1行不符，例如 missing"),
        note(day, "raw.icp_filings", NOT_EMPTY, "0"),
    ]

    # both gates' Data Docs, written by the gate worker while the night published
    index = (settings.reports / "quality" / "index.html").read_text(encoding="utf-8")
    assert f"{day}-delivery.icp_filings" in index and f"{day}-marts.suspect_entities" in index


@pytest.mark.slow
def test_first_night_held_still_publishes_audit_and_quality(settings: Settings) -> None:
    """CONTRACT §3: load_audit and quality_results are published every night, held or not, first night too."""
    day = date(2026, 4, 6)
    d = good_night(settings.landing, day, 1, skip=("registrations",))
    regs = [registration(300 + i, day) for i in range(10)]
    for row in regs[:8]:
        row["uscc"] = bad_check(row["uscc"])
    d.put("registrations", "reg_bad", regs, "csv-utf8")

    night.ingest(day, settings)
    assert night.build_marts(day, settings) is False
    assert night.gate_marts(day, settings) == []
    night.publish_night(day, settings)

    tables = {t for (t,) in query(settings.marts_db, "SELECT table_name FROM duckdb_tables()")}
    assert tables >= ALWAYS_PUBLISHED, (
        f"held first night published {sorted(tables)}: pipeline/night.py publish() copies load_audit and "
        "quality_results from build.marts, which no dbt build has created yet"
    )
    assert_accounted(settings.marts_db, d)
    assert blocking_failures(quality(settings.marts_db, day)) == [("codes.registrations", CODES_BLOCKING)]
    night.render(day, settings)
    assert "未通过阻断性质量检查" in "".join(bulletin(settings, day)[HELD_HEADING].text)


def test_personal_value_in_a_published_mart_blocks_without_being_echoed(settings: Settings) -> None:
    """A mobile or ID number that reaches a mart's text (here planted after the build) fails the mart gate,
    named by column and kind, and the failure reports row counts, never the value."""
    day = date(2026, 4, 6)
    good_night(settings.landing, day, 1)
    night.run_night(day, settings)
    assert night.check_marts([day], settings) == []

    phone, id_number = "13912345678", "11010519491231002X"
    with duckdb.connect(str(settings.build_db)) as con:
        con.execute(
            "UPDATE marts.complaints SET target_name = target_name || '，联系' || ? WHERE ticket_id = 'Q1-1'", [phone]
        )
        con.execute("UPDATE marts.keyword_hits SET title = '身份证' || ? || '可查'", [id_number])
        # digits inside a longer run are not a phone number
        con.execute("UPDATE marts.complaints SET kind = kind || '2139123456789' WHERE ticket_id = 'Q1-0'")

    failures = night.check_marts([day], settings)
    assert failures == [
        "personal.complaints：文本列不含手机号码（1/2行不符，例如 target_name）",
        "personal.keyword_hits：文本列不含身份证号码（1/1行不符，例如 title）",
    ]
    with duckdb.connect(str(settings.build_db), read_only=True) as con:
        stored = con.execute("SELECT string_agg(observed, ' ') FROM raw.quality_results").fetchone()[0]
    assert phone not in stored and id_number not in stored


@pytest.mark.parametrize("late", ["2026-05-01 08:00", "2999-01-01 08:00"])
def test_capture_time_after_the_delivery_date_warns_and_names_it(settings: Settings, late: str) -> None:
    """A post captured after its delivery date fails the date-bound warning with the row named, whether the
    time fits the vectorised comparison (nanoseconds) or lies beyond it (year 2999); the night is not held."""
    day = date(2026, 4, 7)
    d = good_night(settings.landing, day, 1, skip=("keyword_hits",))
    hit = {"platform": "微信公众号", "url": "http://example.cn/p", "content": "日息千分之五", "keyword": "日息"}
    d.put(
        "keyword_hits",
        "hits",
        [hit | {"hit_id": "H1", "captured_at": f"{day} 08:00"}, hit | {"hit_id": "H2", "captured_at": late}],
        "jsonl",
    )
    night.ingest(day, settings)
    label = "采集时间不晚于交付日、不早于1990-01-01"
    success, observed, severity = quality(settings.build_db, day, "raw.quality_results")[("raw.keyword_hits", label)]
    assert (success, severity) == (False, "warning")
    assert observed.startswith("1/2行不符，例如 ") and late[:10] in observed
    assert held_batches(settings, day) == []
