"""Whole nights: raw partitions replaced by date, re-delivered keys loaded once, any order converges."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import duckdb
import pytest
import yaml
from landing import make_uscc, write

from pipeline import night
from pipeline.config import Settings
from quality import gates

D1 = date(2026, 3, 2)
DAYS = [D1 + timedelta(days=i) for i in range(3)]
SCHEME = make_uscc(1, "450500")
BENIGN = make_uscc(2, "440100")


def deliver(landing: Path) -> None:
    """Three nights of small deliveries in mixed formats; ticket C1-0 is delivered again on night 3."""
    regs = [
        {
            "uscc": SCHEME,
            "name": "北海市云数贸网络科技有限公司",
            "legal_rep": "赵某",
            "legal_rep_id": "450502199001011234",
            "established_date": "2026-03-01",
            "region_code": "450502",
            "phone": "13900001111",
            "business_scope": "网络技术开发；会员管理",
        },
        {
            "uscc": BENIGN,
            "name": "广州市好味餐饮管理有限公司",
            "established_date": "2025-06-01",
            "region_code": "440106",
        },
    ]
    write(landing / "registrations" / DAYS[0].isoformat(), "reg", "registrations", regs, "csv-gbk", chinese=True)
    write(
        landing / "icp_filings" / DAYS[0].isoformat(),
        "icp",
        "icp_filings",
        [
            {
                "site_license": "桂ICP备2026000001号-1",
                "sponsor_name": "北海市云数贸网络科技有限公司",
                "sponsor_nature": "企业",
                "sponsor_uscc": SCHEME,
                "domain": "yunshumao.vip",
                "approved_date": "2026-03-01",
            },
        ],
        "xlsx",
    )
    for n, day in enumerate(DAYS):
        complaints = [
            {
                "ticket_id": f"C{n}-0",
                "received_at": f"{day} 10:00",
                "kind": "举报",
                "target_name": "云数贸",
                "target_url": "https://www.yunshumao.vip/app",
                "amount": 30000 + n,
                "description": "交3000元激活费成为会员，发展下线拿直推奖，还有对碰奖和静态收益",
                "complainant_phone": "13700000000",
                "complainant_region": "450502",
            },
            {
                "ticket_id": f"C{n}-1",
                "received_at": f"{day} 11:00",
                "kind": "投诉",
                "target_name": "广州市好味餐饮管理有限公司",
                "target_uscc": BENIGN,
                "description": "会员卡退费难，店员推荐的套餐与宣传不符，说好的返利积分没到账",
                "amount": 200,
            },
        ]
        if n == 2:
            complaints.append({**complaints[0], "ticket_id": "C0-0", "received_at": f"{DAYS[0]} 10:00"})
        fmt = ["csv-utf8", "jsonl", "csv-bom"][n]
        write(landing / "complaints" / day.isoformat(), "tickets", "complaints", complaints, fmt, chinese=n == 1)
        hits = [
            {
                "hit_id": f"H{n}",
                "captured_at": f"{day} 08:00",
                "platform": "微信公众号",
                "url": f"http://yunshumao.vip/post/{n}",
                "title": "云数贸模式介绍",
                "content": "报单即享见点奖、层碰、双轨，日息千分之五，复投出局",
                "keyword": "见点奖",
                "reads": 1000 * (n + 1),
                "shares": 10,
            }
        ]
        write(landing / "keyword_hits" / day.isoformat(), "hits", "keyword_hits", hits, "jsonl")


def snapshot(marts: Path) -> dict[str, list[tuple]]:
    with duckdb.connect(str(marts), read_only=True) as con:
        tables = [t for (t,) in con.execute("SELECT table_name FROM information_schema.tables ORDER BY 1").fetchall()]
        return {t: con.execute(f'SELECT * FROM "{t}" ORDER BY ALL').fetchall() for t in tables}


def other(settings: Settings, name: str) -> Settings:
    root = settings.warehouse.parent / name
    return Settings(landing=settings.landing, warehouse=root / "warehouse", reports=root / "reports")


@pytest.mark.slow
def test_nights_in_any_order_and_backfill_converge(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    deliver(settings.landing)
    for day in DAYS:
        night.run_night(day, settings)
    in_order = snapshot(settings.marts_db)

    shuffled = other(settings, "shuffled")
    for day in (DAYS[2], DAYS[0], DAYS[1], DAYS[1]):
        night.run_night(day, shuffled)
    assert snapshot(shuffled.marts_db) == in_order

    backfilled = other(settings, "backfilled")
    # the gates' second process takes the oldest night, as it takes the older half of a long backfill's
    monkeypatch.setattr(gates, "DOCS_NIGHTS", 1)
    night.backfill(DAYS[0], DAYS[-1], backfilled)
    assert snapshot(backfilled.marts_db) == in_order

    tickets = [r[0] for r in in_order["complaints"]]
    assert sorted(tickets) == ["C0-0", "C0-1", "C1-0", "C1-1", "C2-0", "C2-1"]  # C0-0 re-delivered, loaded once
    audit = {(r[0], r[1]): r for r in in_order["load_audit"] if r[2] is None}
    assert audit[("icp_filings", DAYS[1])][6] == "missing"
    assert audit[("dispositions", DAYS[0])][6] == "missing"


@pytest.mark.slow
def test_rerun_replaces_the_dates_partition(settings: Settings) -> None:
    deliver(settings.landing)
    night.run_night(DAYS[0], settings)
    folder = settings.landing / "complaints" / DAYS[0].isoformat()
    for f in folder.iterdir():
        f.unlink()
    write(
        folder,
        "corrected",
        "complaints",
        [
            {
                "ticket_id": "C0-9",
                "received_at": f"{DAYS[0]} 09:00",
                "target_name": "某商贸公司",
                "description": "快递延误",
            },
        ],
        "xlsx",
        chinese=True,
    )
    night.run_night(DAYS[0], settings)
    marts = snapshot(settings.marts_db)
    assert [r[0] for r in marts["complaints"]] == ["C0-9"]
    files = [r[2] for r in marts["load_audit"] if r[0] == "complaints"]
    assert files == ["corrected.xlsx"]


@pytest.mark.slow
def test_scheme_scored_with_evidence_and_benign_company_not_red(settings: Settings) -> None:
    deliver(settings.landing)
    night.backfill(DAYS[0], DAYS[-1], settings)
    with duckdb.connect(str(settings.marts_db), read_only=True) as con:
        scheme = con.execute(
            "SELECT warning_level, evidence, first_flagged_date FROM suspect_entities "
            "WHERE entity_id = ? AND as_of_date = ?",
            [SCHEME, DAYS[-1]],
        ).fetchone()
        benign = con.execute(
            "SELECT max(risk_score), count(*) FROM suspect_entities WHERE entity_id = ?", [BENIGN]
        ).fetchone()
        resolved = dict(con.execute("SELECT ticket_id, resolution_method FROM complaints").fetchall())
        personal = (
            con.execute(
                "SELECT list(table_name || '.' || column_name) FROM duckdb_columns() WHERE NOT internal AND ("
                "column_name ILIKE '%phone%' OR column_name ILIKE '%rep_id%' "
                "OR column_name ILIKE 'complainant_name%' OR column_name ILIKE '%email%')"
            ).fetchone()[0]
            or []
        )
    assert scheme[0] in ("red", "yellow")
    assert "工单C0-0" in scheme[1] and "监测H" in scheme[1] and "【投诉量】" in scheme[1]
    assert scheme[2] == DAYS[0]
    assert benign[1] == 0, "a restaurant with refund complaints has no pyramid-selling signal"
    assert resolved["C0-0"] == "domain" and resolved["C0-1"] == "uscc"
    assert personal == [], personal


WINDOW_DAYS = [0, 5, 20]  # the scheme's complaints, on nights D1 + k of a 41-night range


def deliver_sparse(landing: Path) -> None:
    """The scheme registered on night 0, complained about on nights 0, 5 and 20 (each leaving the 30-day window
    and the last 7 days later in the range), one post on night 10; no other deliveries."""
    write(
        landing / "registrations" / D1.isoformat(),
        "reg",
        "registrations",
        [
            {
                "uscc": SCHEME,
                "name": "北海市云数贸网络科技有限公司",
                "established_date": "2026-02-20",
                "region_code": "450502",
            }
        ],
        "csv-utf8",
    )
    for k in WINDOW_DAYS:
        day = D1 + timedelta(days=k)
        tickets = [
            {
                "ticket_id": f"W{k}-{i}",
                "received_at": f"{day} 10:00",
                "kind": "举报",
                "target_name": "北海市云数贸网络科技有限公司",
                "target_uscc": SCHEME,
                "description": "交激活费成为会员，发展下线拿直推奖",
                "amount": 1000 * (k + 1),
                "complainant_phone": f"1370000{k:02d}{i:02d}",
                "complainant_region": "450502",
            }
            for i in range(k // 5 + 1)
        ]
        write(landing / "complaints" / day.isoformat(), "tickets", "complaints", tickets, "jsonl")
    day = D1 + timedelta(days=10)
    post = {
        "hit_id": "P10",
        "captured_at": f"{day} 08:00",
        "platform": "微博",
        "url": "http://weibo.example/p/10",
        "content": "云数贸报单即享见点奖",
        "keyword": "见点奖",
        "mentioned_name": "北海市云数贸网络科技有限公司",
    }
    write(landing / "keyword_hits" / day.isoformat(), "hits", "keyword_hits", [post], "jsonl")


@pytest.mark.slow
def test_snapshot_versions_hold_between_their_dates_as_a_night_by_night_count_does(settings: Settings) -> None:
    """Snapshots are stored once per date they may change on, and given on every night in between: over 41
    nights with complaints entering and leaving the window and the last 7 days, every night's complaint count
    and growth equal a count of the published complaints, and building the range in two steps (the second
    ending the first one's versions) publishes exactly what one build does."""
    deliver_sparse(settings.landing)
    end = D1 + timedelta(days=40)
    night.backfill(D1, end, settings)
    whole = snapshot(settings.marts_db)

    stepped = other(settings, "stepped")
    night.backfill(D1, D1 + timedelta(days=24), stepped)
    night.backfill(D1 + timedelta(days=25), end, stepped)
    assert snapshot(stepped.marts_db) == whole

    with duckdb.connect(str(settings.marts_db), read_only=True) as con:
        nights = [d for (d,) in con.execute("SELECT as_of_date FROM as_of_dates ORDER BY 1").fetchall()]
        shown = dict(
            con.execute("SELECT as_of_date, risk_score FROM suspect_entities WHERE entity_id = ?", [SCHEME]).fetchall()
        )
        measured = {
            (d, i): v
            for d, i, v in con.execute(
                "SELECT as_of_date, indicator_id, measured_value FROM entity_indicator_scores "
                "WHERE entity_id = ? AND indicator_id IN ('C01', 'C02')",
                [SCHEME],
            ).fetchall()
        }
        counted = {
            (n, indicator): value
            for n in nights
            for indicator, value in zip(
                ("C01", "C02"),
                con.execute(
                    "SELECT count(*), sum(CASE WHEN delivery_date > ?::DATE - 7 THEN 1 ELSE 0 END) FROM complaints "
                    "WHERE entity_id = ? AND delivery_date <= ? AND delivery_date > ?::DATE - 30",
                    [n, SCHEME, n, n],
                ).fetchone(),
                strict=True,
            )
        }
        versions = con.execute("SELECT count(*) FROM suspect_entity_versions WHERE entity_id = ?", [SCHEME]).fetchone()
    assert nights == [D1 + timedelta(days=k) for k in range(41)]
    assert sorted(shown) == nights, "a row on every night: the complaint of night 20 keeps its terms in the window"
    assert {k: v for k, v in measured.items() if k[1] == "C01"} == {
        k: float(v) for k, v in counted.items() if k[1] == "C01" and v
    }
    # C02 fires while a complaint is in the last 7 days: 7 nights after each of nights 0, 5 and 20
    assert {k[0] for k in measured if k[1] == "C02"} == {k[0] for k, v in counted.items() if k[1] == "C02" and v}
    assert versions[0] < len(nights) / 2, "versions only where the snapshot may change"


LATE = make_uscc(3, "320100")


@pytest.mark.slow
def test_late_registration_re_resolves_earlier_nights_incrementally(settings: Settings) -> None:
    """Complaints name a company two nights before its registration arrives: the incremental build moves the
    earlier nights' records and snapshots to the registered entity, exactly as a full rebuild does."""
    days = [D1 + timedelta(days=i) for i in range(3)]
    for n, day in enumerate(days):
        write(
            settings.landing / "complaints" / day.isoformat(),
            "tickets",
            "complaints",
            [
                {
                    "ticket_id": f"L{n}",
                    "received_at": f"{day} 10:00",
                    "kind": "举报",
                    "target_name": "南京市聚鑫汇网络科技有限公司",
                    "description": "交入会费成为会员，发展下线拿推荐奖",
                    "amount": 5000,
                    "complainant_region": "320102",
                }
            ],
            "csv-gbk",
            chinese=True,
        )
    write(
        settings.landing / "registrations" / days[2].isoformat(),
        "reg",
        "registrations",
        [
            {
                "uscc": LATE,
                "name": "南京市聚鑫汇网络科技有限公司",
                "established_date": "2025-12-01",
                "region_code": "320102",
                "reg_capital": 10,
            }
        ],
        "xlsx",
    )
    for day in days[:2]:
        night.run_night(day, settings)
    with duckdb.connect(str(settings.marts_db), read_only=True) as con:
        before = con.execute("SELECT DISTINCT entity_id FROM complaints").fetchall()
    assert len(before) == 1 and before[0][0].startswith("N"), "no registration yet: a name-only entity"

    night.run_night(days[2], settings)
    incremental = snapshot(settings.marts_db)
    assert {r[4] for r in incremental["complaints"]} == {LATE}
    snapshots = {(r[0], r[1]) for r in incremental["suspect_entities"]}
    assert snapshots == {(day, LATE) for day in days}, "the earlier nights' snapshots moved to the registration"

    night.dbt(["build", "--full-refresh"], settings)
    night.publish(settings)
    assert snapshot(settings.marts_db) == incremental


RENAMED = make_uscc(4, "440300")


@pytest.mark.slow
def test_renamed_company_renames_its_earlier_snapshots_incrementally(settings: Settings) -> None:
    """A company's change of name arrives with no new record about it: the incremental build rewrites its
    earlier nights' snapshots under the new name (their scores unchanged), exactly as a full rebuild does; and
    back under the old one when that night is delivered again without the change."""
    days = [D1, D1 + timedelta(days=1)]
    for day, name, event in zip(
        days, ["深圳市聚财通网络科技有限公司", "深圳市聚财通信息技术有限公司"], ["设立", "变更"], strict=True
    ):
        registration = {"uscc": RENAMED, "name": name, "event": event, "event_date": day.isoformat()}
        write(
            settings.landing / "registrations" / day.isoformat(),
            "reg",
            "registrations",
            [{**registration, "established_date": "2026-01-05", "region_code": "440305"}],
            "csv-gbk",
            chinese=True,
        )
    write(
        settings.landing / "complaints" / days[0].isoformat(),
        "tickets",
        "complaints",
        [
            {
                "ticket_id": "R0",
                "received_at": f"{days[0]} 09:00",
                "kind": "举报",
                "target_name": "深圳市聚财通网络科技有限公司",
                "target_uscc": RENAMED,
                "description": "交入会费成为会员，发展下线拿推荐奖和对碰奖",
                "amount": 8000,
            }
        ],
        "jsonl",
    )
    for day in days:
        night.run_night(day, settings)
    incremental = snapshot(settings.marts_db)
    rows = {(r[0], r[3], r[5]) for r in incremental["suspect_entities"] if r[1] == RENAMED}
    assert {day for day, _, _ in rows} == set(days), "the entity is scored on both nights"
    assert {name for _, name, _ in rows} == {"深圳市聚财通信息技术有限公司"}, "both snapshots carry the new name"

    night.dbt(["build", "--full-refresh"], settings)
    night.publish(settings)
    assert snapshot(settings.marts_db) == incremental

    # the second night delivered again without the change of name: the company keeps its first name
    for f in (settings.landing / "registrations" / days[1].isoformat()).iterdir():
        f.unlink()
    night.run_night(days[1], settings)
    withdrawn = snapshot(settings.marts_db)
    assert {r[3] for r in withdrawn["suspect_entities"] if r[1] == RENAMED} == {"深圳市聚财通网络科技有限公司"}
    night.dbt(["build", "--full-refresh"], settings)
    night.publish(settings)
    assert snapshot(settings.marts_db) == withdrawn


def _dbt_nodes(settings: Settings) -> dict[str, str]:
    results = json.loads((settings.warehouse / "dbt_target" / "run_results.json").read_text(encoding="utf-8"))
    return {r["unique_id"]: r["status"] for r in results["results"]}


@pytest.mark.slow
def test_dbt_unit_tests_pass_and_nights_leave_them_to_ci(settings: Settings) -> None:
    """The nightly build runs the models and their data tests; the unit tests (fixed inputs, in each folder's
    YAML) cannot change with the data, so they run here, every one of them."""
    deliver(settings.landing)
    night.run_night(DAYS[0], settings)
    nightly = _dbt_nodes(settings)
    assert any(n.startswith("test.") for n in nightly) and not any(n.startswith("unit_test.") for n in nightly)

    declared = {
        (t["model"], t["name"])
        for path in (night.DBT_DIR / "models").rglob("*.yml")
        for t in yaml.safe_load(path.read_text(encoding="utf-8")).get("unit_tests", [])
    }
    night.dbt(["test", "--select", "test_type:unit"], settings)  # raises NightFailed when one fails
    ran = {n: status for n, status in _dbt_nodes(settings).items() if n.startswith("unit_test.")}
    assert {tuple(n.split(".")[2:4]) for n in ran} == declared
    assert set(ran.values()) == {"pass"}


@pytest.mark.slow
def test_seeds_are_loaded_and_tested_when_their_files_change(settings: Settings) -> None:
    """A build loads the seeds, and runs the tests on them alone, only when the seed files differ from those the
    warehouse loaded last or a seed table is gone; the tests between models and seeds run every night."""
    deliver(settings.landing)
    night.run_night(DAYS[0], settings)
    manifest = json.loads((night.dbt_target(settings) / "manifest.json").read_text(encoding="utf-8"))
    parents = {
        k: {p.split(".")[0] for p in n["depends_on"]["nodes"]}
        for k, n in manifest["nodes"].items()
        if n["resource_type"] == "test"
    }
    on_seeds = {k for k, kinds in parents.items() if kinds == {"seed"}}
    on_both = {k for k, kinds in parents.items() if kinds == {"seed", "model"}}
    seeds = {f"seed.pyramid_watch.{p.stem}" for p in night.SEEDS_DIR.glob("*.csv")}
    assert on_seeds and on_both
    assert seeds | on_seeds | on_both <= set(_dbt_nodes(settings))

    night.build_marts(DAYS[0], settings)  # seed files unchanged since the night
    nodes = set(_dbt_nodes(settings))
    assert not (seeds | on_seeds) & nodes
    assert on_both <= nodes and any(n.startswith("model.") for n in nodes)

    (night.dbt_target(settings) / "seeds.sha256").write_text("the digest of other seed files", encoding="utf-8")
    night.build_marts(DAYS[0], settings)
    assert seeds | on_seeds <= set(_dbt_nodes(settings))

    with duckdb.connect(str(settings.build_db)) as con:
        con.execute("DROP TABLE seeds.lexicon")
    night.build_marts(DAYS[0], settings)
    assert seeds | on_seeds <= set(_dbt_nodes(settings))


@pytest.mark.slow
def test_lexicon_change_matches_earlier_records_again(settings: Settings) -> None:
    """The post and complaint texts are matched incrementally, each record once; a term added to the lexicon
    is then looked for in every earlier record too, not only in the night's."""
    deliver(settings.landing)
    for day in DAYS[:2]:
        night.run_night(day, settings)
    with duckdb.connect(str(settings.build_db)) as con:
        con.execute("INSERT INTO seeds.lexicon VALUES ('成为会员', '拉人头', '拉人头', 'F01', 10)")
    night.run_night(DAYS[2], settings)
    with duckdb.connect(str(settings.marts_db), read_only=True) as con:
        terms = dict(
            con.execute("SELECT ticket_id, matched_terms FROM complaints WHERE ticket_id LIKE 'C%-0'").fetchall()
        )
    assert all("成为会员" in terms[f"C{n}-0"] for n in range(3)), terms
    incremental = snapshot(settings.marts_db)
    night.dbt(["build", "--full-refresh", "--exclude", "resource_type:seed"], settings)  # the edited lexicon kept
    night.publish(settings)
    assert snapshot(settings.marts_db) == incremental


@pytest.mark.slow
def test_seed_change_parses_earlier_names_again(settings: Settings) -> None:
    """Names are parsed once and kept (int_names_parsed); an organisation form added to its seed parses every
    earlier name again, and the night then publishes what a whole rebuild does."""
    deliver(settings.landing)
    for day in DAYS[:2]:
        night.run_night(day, settings)
    core = "SELECT core FROM intermediate.int_names_parsed WHERE name_norm = '北海市云数贸网络科技有限公司'"
    with duckdb.connect(str(settings.build_db)) as con:
        assert con.execute(core).fetchall() == [("云数贸网络科技",)]
        con.execute("INSERT INTO seeds.org_forms VALUES ('网络科技有限公司', '测试')")
    night.run_night(DAYS[2], settings)
    with duckdb.connect(str(settings.build_db), read_only=True) as con:
        assert con.execute(core).fetchall() == [("云数贸",)]
    incremental = snapshot(settings.marts_db)
    # the edited seed kept; the unit tests, whose parse reads the seed tables themselves, left out
    night.dbt(["build", "--full-refresh", "--exclude", "resource_type:seed", *night.NIGHTLY], settings)
    night.publish(settings)
    assert snapshot(settings.marts_db) == incremental


@pytest.mark.slow
def test_unregistered_filing_sponsor_is_an_entity_in_its_cluster(settings: Settings) -> None:
    """A website's sponsor with no registration here still joins the cluster it shares a server with, so the
    cluster's scores can reach it; it is then an entity (uscc_only) and every score names a known entity."""
    deliver(settings.landing)
    sponsor = make_uscc(3, "310104")
    scheme_name = "北海市云数贸网络科技有限公司"
    filings = [
        {
            "site_license": f"桂ICP备2026000002号-{n}",
            "sponsor_name": name,
            "sponsor_nature": "企业",
            "sponsor_uscc": uscc,
            "domain": domain,
            "server_ip": "203.0.113.7",
            "approved_date": "2026-03-01",
        }
        for n, (name, uscc, domain) in enumerate(
            [(scheme_name, SCHEME, "yunshumao.vip"), ("上海华辉食品有限公司", sponsor, "huahui.vip")], 1
        )
    ]
    write(settings.landing / "icp_filings" / DAYS[0].isoformat(), "servers", "icp_filings", filings, "csv-utf8")
    night.run_night(DAYS[0], settings)

    with duckdb.connect(str(settings.marts_db), read_only=True) as con:
        rows = con.execute(
            "SELECT entity_id, entity_kind, entity_name, cluster_id FROM entities WHERE entity_id IN (?, ?) ORDER BY 1",
            [SCHEME, sponsor],
        ).fetchall()
        orphans = con.execute(
            "SELECT count(*) FROM entity_indicator_scores s WHERE NOT EXISTS "
            "(SELECT 1 FROM entities e WHERE e.entity_id = s.entity_id)"
        ).fetchone()
    kinds = {entity: (kind, name) for entity, kind, name, _ in rows}
    assert kinds == {SCHEME: ("registered", scheme_name), sponsor: ("uscc_only", "上海华辉食品有限公司")}
    assert len({cluster for *_, cluster in rows}) == 1 and rows[0][3] is not None
    assert orphans == (0,)


def test_lake_holds_each_dates_raw_rows_and_a_rerun_replaces_its_partition(settings: Settings) -> None:
    """Issue 8's lake: each source's raw rows of a date as Parquet under lake/<source>/delivery_date=D/, read
    back (Hive partitions) equal to the raw tables; re-running a date with a corrected delivery replaces it."""
    deliver(settings.landing)
    for day in DAYS[:2]:
        night.ingest(day, settings)
    folder = settings.landing / "complaints" / DAYS[0].isoformat()
    for f in folder.iterdir():
        f.unlink()
    corrected = {
        "ticket_id": "C0-9",
        "received_at": f"{DAYS[0]} 09:00",
        "target_name": "某商贸公司",
        "description": "快递延误",
    }
    write(folder, "corrected", "complaints", [corrected], "xlsx", chinese=True)
    night.ingest(DAYS[0], settings)

    lake = settings.warehouse / "lake"
    with duckdb.connect(str(settings.build_db), read_only=True) as con:
        for source in ("registrations", "icp_filings", "complaints", "keyword_hits", "dispositions"):
            for day in DAYS[:2]:
                files = sorted(p.name for p in (lake / source / f"delivery_date={day}").iterdir())
                assert files == ["part-0.parquet"], (source, day, files)
            query = "SELECT * EXCLUDE (_delivery_date), _delivery_date AS delivery_date FROM raw.{} ORDER BY ALL"
            raw = con.execute(query.format(source)).fetchall()
            parquet = con.execute(
                "SELECT * FROM read_parquet(?, hive_partitioning = true, hive_types = {'delivery_date': DATE}) "
                "ORDER BY ALL",
                [str(lake / source / "*" / "*.parquet")],
            ).fetchall()
            assert parquet == raw, source
        tickets = con.execute(
            "SELECT ticket_id FROM read_parquet(?) ORDER BY 1",
            [str(lake / "complaints" / f"delivery_date={DAYS[0]}" / "*.parquet")],
        ).fetchall()
    assert tickets == [("C0-9",)]
