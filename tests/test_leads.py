"""The lead loop: leads issued, answered by lead id (GBK CSV) and by USCC (XLSX), overdue ones listed, an entity
verified clean left alone until new evidence, and the bulletin's disposal figures equal to SQL on the marts."""

from __future__ import annotations

import re
from datetime import date

import duckdb
import pytest
from landing import make_uscc, write
from test_pipeline import DAYS, SCHEME, deliver

from pipeline import night
from pipeline.config import Settings
from reports.render import Period, render_bulletin

CLEAN = make_uscc(7, "520100")
AGAIN = make_uscc(8, "450100")
LATER, LAST = date(2026, 3, 10), date(2026, 3, 27)
SCHEME_TEXT = "交3000元入会费成为会员，发展下线拿直推奖和见点奖，层级对碰，静态收益日息千分之五，复投出局"


def complaint(ticket: str, day: date) -> dict[str, object]:
    return {
        "ticket_id": ticket,
        "received_at": f"{day} 15:00",
        "kind": "举报",
        "target_name": "贵阳市同心圆区块链科技有限公司",
        "description": SCHEME_TEXT,
        "amount": 20000,
        "complainant_region": "520102",
    }


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    root = tmp_path_factory.mktemp("leads")
    settings = Settings(landing=root / "landing", warehouse=root / "warehouse", reports=root / "reports")
    deliver(settings.landing)
    write(
        settings.landing / "registrations" / DAYS[0].isoformat(),
        "more",
        "registrations",
        [
            {
                "uscc": CLEAN,
                "name": "贵阳市同心圆区块链科技有限公司",
                "established_date": "2026-02-20",
                "region_code": "520102",
                "reg_capital": 10,
            }
        ],
        "jsonl",
    )
    for n, day in enumerate(DAYS[:2]):
        write(
            settings.landing / "complaints" / day.isoformat(), "clean", "complaints", [complaint(f"K{n}", day)], "jsonl"
        )
    folder = settings.landing / "dispositions" / DAYS[2].isoformat()
    answer = {"action_date": DAYS[2].isoformat(), "unit": "北海市市场监督管理局"}
    write(
        folder,
        "by_lead",
        "dispositions",
        [{"lead_id": f"XS20260302-{SCHEME}", "action": "约谈", **answer}],
        "csv-gbk",
        chinese=True,
    )
    write(folder, "by_uscc", "dispositions", [{"uscc": CLEAN, "action": "核查无问题", **answer}], "xlsx")
    write(
        settings.landing / "complaints" / LATER.isoformat(), "new", "complaints", [complaint("K9", LATER)], "csv-utf8"
    )
    # the scheme's case goes to the police; later its legal representative registers another company
    transfer = {"uscc": SCHEME, "action": "移送公安", "action_date": LATER.isoformat(), "unit": "北海市市场监督管理局"}
    write(settings.landing / "dispositions" / LATER.isoformat(), "transfer", "dispositions", [transfer], "jsonl")
    again = {
        "uscc": AGAIN,
        "name": "南宁市新云数科技有限公司",
        "legal_rep": "赵某",
        "legal_rep_id": "450502199001011234",
        "established_date": "2026-03-20",
        "region_code": "450103",
    }
    write(settings.landing / "registrations" / LAST.isoformat(), "again", "registrations", [again], "csv-gbk")
    for day in [*DAYS, LATER, LAST]:
        night.run_night(day, settings)
    return settings


def _leads(settings: Settings) -> dict[tuple[str, int], tuple]:
    with duckdb.connect(str(settings.marts_db), read_only=True) as con:
        rows = con.execute(
            "SELECT entity_id, episode, lead_id, issued_date, status, last_action_date, overdue, region_code FROM leads"
        ).fetchall()
    return {(r[0], r[1]): r[2:] for r in rows}


@pytest.mark.slow
def test_leads_answered_by_lead_id_and_by_uscc(warehouse: Settings) -> None:
    leads = _leads(warehouse)
    assert leads[(SCHEME, 1)] == (f"XS20260302-{SCHEME}", DAYS[0], "移送公安", LATER, False, "450502")
    first = leads[(CLEAN, 1)]
    assert first[1:4] == (DAYS[0], "核查无问题", DAYS[2])
    with duckdb.connect(str(warehouse.marts_db), read_only=True) as con:
        matched = dict(con.execute("SELECT action, matched_by FROM lead_actions WHERE lead_id IS NOT NULL").fetchall())
    assert matched == {"约谈": "lead_id", "核查无问题": "uscc", "移送公安": "uscc"}


@pytest.mark.slow
def test_transfer_raises_harm_and_blacklists_the_organiser(warehouse: Settings) -> None:
    with duckdb.connect(str(warehouse.marts_db), read_only=True) as con:
        h03 = dict(
            con.execute(
                "SELECT as_of_date, detail FROM entity_indicator_scores WHERE entity_id = ? AND indicator_id = 'H03'",
                [SCHEME],
            ).fetchall()
        )
        screened = con.execute(
            "SELECT uscc, screened_date, reason FROM registration_screening WHERE reason_kind = 'blacklisted_rep'"
        ).fetchall()
    assert min(h03) == LATER and "移送公安" in h03[LATER], "harm counts the transfer from its date on"
    ((uscc, screened_on, reason),) = screened
    assert (uscc, screened_on) == (AGAIN, LAST) and "移送公安" in reason, "the organiser's next registration"


@pytest.mark.slow
def test_clean_entity_gets_no_new_lead_until_new_evidence(warehouse: Settings) -> None:
    leads = _leads(warehouse)
    with duckdb.connect(str(warehouse.marts_db), read_only=True) as con:
        flagged = [
            d
            for (d,) in con.execute(
                "SELECT as_of_date FROM suspect_entities WHERE entity_id = ? AND warning_level IN ('red', 'yellow') "
                "ORDER BY 1",
                [CLEAN],
            ).fetchall()
        ]
    assert DAYS[2] in flagged, "still red or yellow the night it was verified clean"
    assert sorted(k for k in leads if k[0] == CLEAN) == [(CLEAN, 1), (CLEAN, 2)]
    second = leads[(CLEAN, 2)]
    assert second[1] == LATER, "re-issued only once a new complaint arrived"
    assert second[2] == "open"


@pytest.mark.slow
def test_overdue_list(warehouse: Settings) -> None:
    overdue = {k for k, v in _leads(warehouse).items() if v[4]}
    # open for more than 15 days at the last night: the re-issued lead (17 days); answered ones are not
    assert overdue == {(CLEAN, 2)}


@pytest.mark.slow
def test_bulletin_disposal_figures_equal_sql(warehouse: Settings) -> None:
    page = render_bulletin(Period.monthly(LAST), warehouse).read_text(encoding="utf-8")
    section = page[page.index("线索处置进展") : page.index("新发现涉传名目")]
    text = re.sub(r"<[^>]+>", " ", section)
    figures = re.search(r"下发线索(\d+)条，分类处置(\d+)条；截至2026-03-31逾期未反馈(\d+)条", text)
    cumulative = re.search(r"累计下发(\d+)条，已反馈(\d+)条.*?行政处罚或移送公安(\d+)条", text, re.S)
    actions = dict(
        re.findall(
            r"<tr><td>([^<]+)</td><td>(\d+)</td></tr>", section.split("progress-actions")[1].split("</table>")[0]
        )
    )
    with duckdb.connect(str(warehouse.marts_db), read_only=True) as con:
        sql = con.execute(
            """
            SELECT
                (SELECT count(*) FROM leads WHERE issued_date BETWEEN '2026-03-01' AND '2026-03-31'),
                (SELECT count(DISTINCT lead_id) FROM lead_actions
                 WHERE lead_id IS NOT NULL AND action_date BETWEEN '2026-03-01' AND '2026-03-31'),
                (SELECT count(*) FROM leads AS l WHERE l.issued_date < DATE '2026-03-31' - 15 AND NOT EXISTS (
                    SELECT 1 FROM lead_actions AS a WHERE a.lead_id = l.lead_id AND a.action_date <= '2026-03-31'))
            """
        ).fetchone()
        by_action = dict(
            con.execute(
                "SELECT action, count(*) FROM lead_actions WHERE lead_id IS NOT NULL "
                "AND action_date BETWEEN '2026-03-01' AND '2026-03-31' GROUP BY action"
            ).fetchall()
        )
        total = con.execute("SELECT count(*) FROM leads").fetchone()[0]
    assert tuple(int(x) for x in figures.groups()) == sql
    assert sql == (3, 2, 1)
    assert {k: int(v) for k, v in actions.items()} == by_action == {"约谈": 1, "核查无问题": 1, "移送公安": 1}
    assert tuple(int(x) for x in cumulative.groups()) == (total, 2, 1)


@pytest.mark.slow
def test_new_scheme_names_listed_with_the_year_count(warehouse: Settings) -> None:
    page = render_bulletin(Period.monthly(LAST), warehouse).read_text(encoding="utf-8")
    section = page[page.index("新发现涉传名目") : page.index("数据完整性")]
    with duckdb.connect(str(warehouse.marts_db), read_only=True) as con:
        names = dict(con.execute("SELECT scheme_name, first_seen_date FROM scheme_names").fetchall())
    assert names["云数贸"] == DAYS[0], "the scheme's trade name, first seen with its first lead"
    assert "同心圆" in names
    assert f"本年累计{len(names)}个" in section
    assert all(f"<td>{name}</td>" in section for name in names)
