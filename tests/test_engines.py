"""Issue 8: the same dbt project builds the same marts on DuckDB and on Spark (over the Parquet lake)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

import duckdb
import pytest
from landing import make_uscc, write

from pipeline import night
from pipeline.config import Settings
from pipeline.sample import generate

DAYS = [date(2026, 3, 2) + timedelta(days=i) for i in range(3)]
LATE = make_uscc(7, "320102")
LATE_NAME = "南京市聚鑫汇网络科技有限公司"
SPONSORS = [
    (make_uscc(8, "450502"), "北海市汇通优品网络科技有限公司"),
    (make_uscc(9, "310104"), "上海华辉食品有限公司"),
]


def deliver(landing: Path) -> None:
    """A generated range, plus what the generator may not hold in three days: complaints naming a company
    whose registration arrives on the last night, a ticket re-delivered that night, and two websites on
    one server (a related-company cluster, one sponsor without a registration here)."""
    generate(landing, DAYS[0], DAYS[-1], scale="demo", history_days=30)
    for n, day in enumerate(DAYS):
        tickets = [
            {
                "ticket_id": f"L{n}",
                "received_at": f"{day} 10:00",
                "kind": "举报",
                "target_name": LATE_NAME,
                "description": "交入会费成为会员，发展下线拿推荐奖，层级提成",
                "amount": 5000 + n,
                "complainant_region": "320102",
            }
        ]
        if n == 2:  # the first night's ticket again: its first delivery is kept
            tickets.append({**tickets[0], "ticket_id": "L0", "received_at": f"{DAYS[0]} 10:00", "amount": 4000})
        write(landing / "complaints" / day.isoformat(), "late", "complaints", tickets, "csv-gbk", chinese=True)
    write(
        landing / "registrations" / DAYS[2].isoformat(),
        "late",
        "registrations",
        [{"uscc": LATE, "name": LATE_NAME, "established_date": "2025-12-01", "region_code": "320102"}],
        "xlsx",
    )
    write(
        landing / "registrations" / DAYS[0].isoformat(),
        "sponsor",
        "registrations",
        [{"uscc": SPONSORS[0][0], "name": SPONSORS[0][1], "established_date": "2026-02-20", "region_code": "450502"}],
        "jsonl",
    )
    filings = [
        {
            "site_license": f"桂ICP备2026000009号-{n}",
            "sponsor_name": name,
            "sponsor_nature": "企业",
            "sponsor_uscc": uscc,
            "domain": domain,
            "server_ip": "203.0.113.9",
            "approved_date": "2026-03-01",
        }
        for n, ((uscc, name), domain) in enumerate(zip(SPONSORS, ["huitongyp.vip", "huahui.vip"], strict=True), 1)
    ]
    write(landing / "icp_filings" / DAYS[0].isoformat(), "server", "icp_filings", filings, "csv-utf8")


def build(settings: Settings, engine: str) -> dict[str, list[tuple]]:
    """A backfill of the first two nights (a full build), then the last night (an incremental one)."""
    s = replace(
        settings, warehouse=settings.warehouse.parent / engine, reports=settings.reports / engine, engine=engine
    )
    night.backfill(DAYS[0], DAYS[1], s)
    night.run_night(DAYS[2], s, pull=False)
    with duckdb.connect(str(s.marts_db), read_only=True) as con:
        tables = [t for (t,) in con.execute("SELECT table_name FROM information_schema.tables ORDER BY 1").fetchall()]
        return {
            t: [
                *con.execute(
                    "SELECT column_name, data_type FROM duckdb_columns() WHERE table_name = ? ORDER BY column_index",
                    [t],
                ).fetchall(),
                *con.execute(f'SELECT * FROM "{t}" ORDER BY ALL').fetchall(),
            ]
            for t in tables
        }


@pytest.mark.slow
def test_spark_builds_the_same_marts_as_duckdb(settings: Settings) -> None:
    """Both engines, the same nights: every published table equal, column types and rows, after a full build
    and an incremental one in which a late registration re-resolves earlier nights' complaints (partitions
    replaced on Spark, rows on DuckDB) and a ticket is delivered again."""
    deliver(settings.landing)
    duck = build(settings, "duckdb")
    spark = build(settings, "spark")

    assert sorted(spark) == sorted(duck)
    differing = [t for t in duck if spark[t] != duck[t]]
    assert not differing, f"Spark 与 DuckDB 的集市不同：{differing}"

    # what the equality covers: complaints resolved to entities, clusters, warning levels and scores
    with duckdb.connect(str(settings.warehouse.parent / "spark" / "marts.duckdb"), read_only=True) as con:
        late = con.execute("SELECT ticket_id, entity_id, delivery_date FROM complaints WHERE ticket_id LIKE 'L%'")
        assert sorted(late.fetchall()) == [("L0", LATE, DAYS[0]), ("L1", LATE, DAYS[1]), ("L2", LATE, DAYS[2])]
        cluster = con.execute(
            "SELECT count(DISTINCT cluster_id) FROM entities WHERE entity_id IN (?, ?)", [s for s, _ in SPONSORS]
        ).fetchone()
        assert cluster == (1,)
        resolved, levels, scored = con.execute(
            "SELECT (SELECT count(*) FROM complaints WHERE uscc IS NOT NULL), "
            "(SELECT count(DISTINCT warning_level) FROM suspect_entities), "
            "(SELECT count(*) FROM suspect_entities WHERE risk_score > 0)"
        ).fetchone()
    assert resolved > 50 and levels >= 2 and scored > 0
