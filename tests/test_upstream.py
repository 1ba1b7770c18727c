"""Pulling from upstream: a PostgreSQL replica and a paged JSON API on loopback land exactly the night's window in
the landing zone; failures are clear, lose nothing and let the night go on; a late drop is taken by a re-run."""

from __future__ import annotations

import csv
import dataclasses
import io
import itertools
import shutil
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from pathlib import Path

import duckdb
import pytest
from landing import make_uscc
from test_pipeline import DAYS, deliver, snapshot
from upstream_servers import Api, PostgresServer

from extract.batch import Parser, delivery_files, parse_delivery
from extract.readers import FileRejected, RowError, read
from extract.sources import SOURCES
from extract.upstream import TZ, PullFailed
from extract.upstream.config import ConfigError, Drop, HttpPull, load
from pipeline import night
from pipeline.config import Settings
from pipeline.sample import generate

D = date(2026, 3, 2)
TOKEN = "test-token"


@pytest.fixture(scope="module")
def postgres() -> Iterator[PostgresServer]:
    with PostgresServer() as pg:
        yield pg


@pytest.fixture
def api() -> Iterator[Api]:
    with Api(TOKEN) as server:
        yield server


def configure(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str) -> None:
    path = tmp_path / "upstream.toml"
    path.write_text(text, encoding="utf-8")
    monkeypatch.setenv("UPSTREAM_CONFIG", str(path))


def landed(settings: Settings, source: str, day: date) -> list[dict]:
    batch = parse_delivery(SOURCES[source], settings.landing, day, b"k")
    assert [a["status"] for a in batch.audit] == ["loaded"], batch.audit
    return batch.rows


def test_configuration_is_checked(tmp_path: Path) -> None:
    path = tmp_path / "upstream.toml"
    cases = {
        '[complaint]\nmode = "drop"': "没有名为 complaint 的数据源",
        '[complaints]\nmode = "ftp"': "mode 应为 drop、database 或 http",
        '[complaints]\nmode = "http"\nconnection = "x"\npath = "/a"\npagesize = 5': "不认识的设置 pagesize",
        '[registrations]\nmode = "database"\nconnection = "x"': "缺少必需的设置",
        '[registrations]\nmode = "database"\nconnection = "x"\nwindow_column = "t"': "table 与 query 须且只能给出一个",
        '[registrations]\nmode = "drop"\ndeadline = "6点"': "deadline 应为 HH:MM",
        '[complaints]\nmode = "http"\nconnection = "x"\npath = "/a"\ncolumns = { ticket = "id" }': (
            "不是 complaints 的契约列名"
        ),
        "[complaints\n": "格式错误",
    }
    for text, message in cases.items():
        path.write_text(text, encoding="utf-8")
        with pytest.raises(ConfigError, match=message):
            load(path)
    path.write_text('[complaints]\nmode = "http"\nconnection = "api"\npath = "/api/c"\npaging = "cursor"\n')
    configs = load(path)
    assert isinstance(configs["complaints"], HttpPull) and configs["complaints"].paging == "cursor"
    assert configs["registrations"] == Drop("registrations")  # not named: a drop the night does not wait for
    shipped = load(Path(__file__).parent.parent / "upstream.toml")
    assert all(isinstance(c, Drop) for c in shipped.values())
    assert {s for s, c in shipped.items() if c.deadline} == {s for s, spec in SOURCES.items() if spec.daily}


REGISTRY_TABLE = """
CREATE TABLE qy_djxx (
  tyshxydm char(20), qymc varchar(200), fddbr varchar(50), fddbrzjhm varchar(30), clrq varchar(20),
  xzqhdm char(6), jyfw text, gxsj timestamp
);
GRANT SELECT ON qy_djxx TO upstream;
"""
REGISTRY_CONFIG = """
[registrations]
mode = "database"
connection = "registry"
table = "public.qy_djxx"
window_column = "gxsj"
client_encoding = "GBK"
columns = { uscc = "tyshxydm", name = "qymc", legal_rep = "fddbr", legal_rep_id = "fddbrzjhm", \
established_date = "clrq", region_code = "xzqhdm", business_scope = "jyfw" }
"""


def registry_row(n: int, at: datetime) -> str:
    return (
        f"('{make_uscc(n, '450500')}', '北海市云{n}号网络科技有限公司', '赵某', '45050219900101123{n % 10}', "
        f"'2026年03月0{1 + n % 2}日', '450502', '网络技术开发；会员管理', '{at:%Y-%m-%d %H:%M:%S.%f}')"
    )


def test_database_pull_takes_exactly_the_window(
    postgres: PostgresServer, settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    postgres.create_database("registry", "SQL_ASCII")  # a GBK-era replica: GBK bytes in a SQL_ASCII database
    midnight = datetime.combine(D, datetime.min.time())
    times = {
        1: midnight - timedelta(microseconds=1),  # the night before
        2: midnight,
        3: midnight + timedelta(hours=12),
        4: midnight + timedelta(days=1, microseconds=-1),
        5: midnight + timedelta(days=1),  # the next night
    }
    rows = ", ".join(registry_row(n, at) for n, at in times.items())
    postgres.psql("registry", f"{REGISTRY_TABLE} INSERT INTO qy_djxx VALUES {rows};", gbk_bytes=True)
    configure(tmp_path, monkeypatch, REGISTRY_CONFIG)
    monkeypatch.setenv("AIRFLOW_CONN_REGISTRY", postgres.uri("registry"))

    assert "已拉取3行" in night.pull_source("registrations", D, settings)
    got = landed(settings, "registrations", D)
    assert sorted(r["uscc"] for r in got) == sorted(make_uscc(n, "450500") for n in (2, 3, 4))  # CHAR padding gone
    assert {r["name"] for r in got} == {f"北海市云{n}号网络科技有限公司" for n in (2, 3, 4)}
    assert {r["established_date"] for r in got} == {date(2026, 3, 1), date(2026, 3, 2)}
    assert {r["legal_rep_id_masked"][:17] for r in got} == {"450502********123"}  # personal: masked and hashed

    # pulling again replaces the date's file: upstream corrected a name and withdrew a row
    postgres.psql(
        "registry",
        "UPDATE qy_djxx SET qymc = '北海市云三号网络科技有限公司' WHERE qymc LIKE '%云3号%';"
        "DELETE FROM qy_djxx WHERE qymc LIKE '%云4号%';",
        gbk_bytes=True,
    )
    assert "已拉取2行" in night.pull_source("registrations", D, settings)
    assert [p.name for p in (settings.landing / "registrations" / D.isoformat()).iterdir()] == ["pulled_database.csv"]
    assert {r["name"] for r in landed(settings, "registrations", D)} == {
        "北海市云2号网络科技有限公司",
        "北海市云三号网络科技有限公司",
    }

    # without the encoding, the GBK bytes do not decode: a clear error, and the landed file is kept
    configure(tmp_path, monkeypatch, REGISTRY_CONFIG.replace('client_encoding = "GBK"\n', ""))
    with pytest.raises(PullFailed, match=r"企业登记（registrations）：数据库拉取失败.*UTF8.*client_encoding（如 GBK）"):
        night.pull_source("registrations", D, settings)
    assert len(landed(settings, "registrations", D)) == 2

    configure(tmp_path, monkeypatch, REGISTRY_CONFIG)
    monkeypatch.setenv("AIRFLOW_CONN_REGISTRY", postgres.uri("registry").replace("upstream:", "upstream:x"))
    with pytest.raises(PullFailed, match=r"数据库拉取失败（连接 registry）.*password authentication failed") as failed:
        night.pull_source("registrations", D, settings)
    assert PostgresServer.password not in str(failed.value)
    monkeypatch.delenv("AIRFLOW_CONN_REGISTRY")
    with pytest.raises(PullFailed, match=r"找不到连接 registry.*AIRFLOW_CONN_REGISTRY"):
        night.pull_source("registrations", D, settings)


def complaint(n: int, at: datetime) -> dict:
    return {
        "ticket_id": f"T{n:04d}",
        "received_at": f"{at:%Y-%m-%d %H:%M:%S}",
        "kind": "举报",
        "target_name": "云数贸",
        "description": "交3000元激活费成为会员，发展下线拿直推奖",
        "complainant_phone": "13700000000",
        "_updated_at": at,
    }


API_CONFIG = """
[complaints]
mode = "http"
connection = "platform12315"
path = "/api/complaints"
records = "data.items"
page_size = 50
retries = 2
backoff = 0.01

[keyword_hits]
mode = "http"
connection = "platform12315"
path = "/api/hits/feed"
paging = "cursor"
records = "records"
next_cursor = "next"
retries = 2
backoff = 0.01
"""


def test_http_pull_pages_retries_and_gives_clear_errors(
    api: Api, settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    midnight = datetime.combine(D, datetime.min.time())
    api.records["complaints"] = [complaint(n, midnight + timedelta(minutes=10 * n - 30)) for n in range(150)]
    api.records["hits"] = [
        {"命中编号": f"H{n}", "采集时间": f"{D} 08:00", "来源平台": "微信公众号", "链接": f"http://a.vip/{n}",
         "内容摘要": "报单即享见点奖", "命中关键词": "见点奖", "_updated_at": midnight + timedelta(minutes=n)}
        for n in range(120)
    ]  # fmt: skip
    configure(tmp_path, monkeypatch, API_CONFIG)
    monkeypatch.setenv("AIRFLOW_CONN_PLATFORM12315", api.uri())
    api.faults[("/api/complaints", "2")] = [503, 502]  # the second page fails twice, then succeeds
    api.faults[("/api/hits/feed", "32")] = [500, 500]

    assert "已拉取144行" in night.pull_source("complaints", D, settings)  # 3 of 150 the night before, 3 after
    assert api.hits[("/api/complaints", "2")] == 3
    assert api.hits[("/api/complaints", "4")] == 0  # page 3 held 44 < 50 rows: the last page
    tickets = sorted(r["ticket_id"] for r in landed(settings, "complaints", D))
    assert tickets == [f"T{n:04d}" for n in range(3, 147)]
    assert "已拉取120行" in night.pull_source("keyword_hits", D, settings)  # Chinese field names taken as they are
    assert api.hits[("/api/hits/feed", "32")] == 3
    assert len(landed(settings, "keyword_hits", D)) == 120

    api.faults[("/api/complaints", "1")] = [500, 500, 500]
    with pytest.raises(PullFailed, match=r"12315投诉举报（complaints）：接口返回 HTTP 500.*第1页.*已重试2次"):
        night.pull_source("complaints", D, settings)
    assert len(landed(settings, "complaints", D)) == 144  # the landed file is kept

    monkeypatch.setenv("AIRFLOW_CONN_PLATFORM12315", api.uri().replace(TOKEN, "expired"))
    before = api.hits[("/api/complaints", "1")]
    with pytest.raises(PullFailed, match=r"接口返回 HTTP 401 Unauthorized.*（4xx 不重试）"):
        night.pull_source("complaints", D, settings)
    assert api.hits[("/api/complaints", "1")] == before + 1

    monkeypatch.setenv("AIRFLOW_CONN_PLATFORM12315", api.uri())
    api.broken.add("/api/complaints")
    with pytest.raises(PullFailed, match="接口返回的不是合法JSON（/api/complaints，第1页）"):
        night.pull_source("complaints", D, settings)

    configure(tmp_path, monkeypatch, API_CONFIG.replace('records = "data.items"', 'records = "data.rows"'))
    api.broken.clear()
    with pytest.raises(PullFailed, match=r"data\.rows 不是记录列表"):
        night.pull_source("complaints", D, settings)

    api.server_close()  # nobody answers any more
    with pytest.raises(PullFailed, match=r"接口连接失败.*ConnectError，已重试2次"):
        night.pull_source("complaints", D, settings)


def test_drop_is_waited_for_until_its_deadline(
    settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    configure(tmp_path, monkeypatch, '[complaints]\nmode = "drop"\ndeadline = "06:00"\n')
    before = datetime(2026, 3, 3, 5, 59, tzinfo=TZ)
    assert not night.delivery_due("complaints", D, settings, before)
    assert night.delivery_due("complaints", D, settings, before + timedelta(minutes=1))
    assert night.delivery_due("registrations", D, settings, before)  # no deadline: not waited for
    (settings.landing / "complaints" / D.isoformat()).mkdir(parents=True)
    assert night.delivery_due("complaints", D, settings, before)


WEEK = [date(2026, 3, 2) + timedelta(days=i) for i in range(7)]
PINYIN = {  # the registration replica's own column names
    "uscc": "tyshxydm", "name": "qymc", "legal_rep": "fddbr", "legal_rep_id": "fddbrzjhm", "reg_capital": "zczb",
    "established_date": "clrq", "address": "zs", "region_code": "xzqhdm", "business_scope": "jyfw",
    "entity_type": "qylx", "status": "djzt", "phone": "lxdh", "email": "dzyx", "event": "djsx", "event_date": "hzrq",
}  # fmt: skip
WEEK_CONFIG = f"""
[registrations]
mode = "database"
connection = "registry"
table = "qy_djxx"
window_column = "gxsj"
client_encoding = "GB18030"
columns = {{ {", ".join(f'{k} = "{v}"' for k, v in PINYIN.items())} }}

[icp_filings]
mode = "database"
connection = "beian"
query = "SELECT * FROM beian WHERE NOT chexiao"
window_column = "tbsj"
window_has_timezone = true

[complaints]
mode = "http"
connection = "platform12315"
path = "/api/complaints"
records = "data.items"
page_size = 40
backoff = 0.01

[keyword_hits]
mode = "http"
connection = "platform12315"
path = "/api/hits/feed"
paging = "cursor"
records = "records"
next_cursor = "next"
backoff = 0.01
"""


def delivered(landing: Path, source: str, day: date) -> list[dict[str, str | None]]:
    """The rows of a delivery as upstream holds them (contract name → cell text), from the files the warehouse
    read; files it rejects whole and rows it cannot read are left out, as upstream would never have held them."""
    parser = Parser(SOURCES[source], day, b"k")
    rows: list[dict[str, str | None]] = []
    for path in delivery_files(landing, source, day) or []:
        try:
            items = read(path)
            mapping = parser.map_header(next(items), path.name)
            rows += [
                {c.name: cells.get(h) for h, c in mapping.items()}
                for _, cells in items
                if not isinstance(cells, RowError)
            ]
        except FileRejected:
            continue
    return rows


def copy_rows(pg: PostgresServer, database: str, table: str, rows: list[dict], gbk_bytes: bool = False) -> None:
    """COPY rows into a table through psql (as GB18030 bytes into a SQL_ASCII database, when asked)."""
    columns = list(rows[0])
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows([[r[c] for c in columns] for r in rows])
    script = f"COPY {table} ({', '.join(columns)}) FROM STDIN WITH (FORMAT csv);\n{buf.getvalue()}\\.\n"
    pg.psql(database, script, gbk_bytes=gbk_bytes)


@pytest.mark.slow
def test_a_week_pulled_builds_the_same_marts_as_files(
    postgres: PostgresServer, api: Api, settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    generate(settings.landing, WEEK[0], WEEK[-1])
    night.backfill(WEEK[0], WEEK[-1], settings)  # the files as delivered

    registry, icp, complaints, hits = [], [], [], []
    for day in WEEK:
        start = datetime.combine(day, datetime.min.time())
        at = (start + timedelta(seconds=i) for i in itertools.count())
        registry += [
            {PINYIN[k]: v for k, v in r.items()} | {"gxsj": next(at)}
            for r in delivered(settings.landing, "registrations", day)
        ]
        icp += [
            r | {"tbsj": f"{next(at)}+08", "chexiao": False} for r in delivered(settings.landing, "icp_filings", day)
        ]
        complaints += [r | {"_updated_at": next(at)} for r in delivered(settings.landing, "complaints", day)]
        spec = SOURCES["keyword_hits"]
        hits += [{spec.column(k).header_zh: v for k, v in r.items()} | {"_updated_at": next(at)}
                 for r in delivered(settings.landing, "keyword_hits", day)]  # fmt: skip
    icp.append({**icp[0], "site_license": "粤ICP备2026999999号-1", "chexiao": True})  # withdrawn: never pulled

    postgres.create_database("replica", "SQL_ASCII")
    columns = ", ".join(f"{c} text" for c in PINYIN.values())
    postgres.psql("replica", f"CREATE TABLE qy_djxx ({columns}, gxsj timestamp); GRANT SELECT ON qy_djxx TO upstream;")
    copy_rows(postgres, "replica", "qy_djxx", registry, gbk_bytes=True)
    postgres.create_database("beian")
    columns = ", ".join(f"{c.name} text" for c in SOURCES["icp_filings"].columns)
    postgres.psql(
        "beian",
        f"CREATE TABLE beian ({columns}, tbsj timestamptz, chexiao boolean); GRANT SELECT ON beian TO upstream;",
    )
    copy_rows(postgres, "beian", "beian", icp)
    api.records |= {"complaints": complaints, "hits": hits}
    api.faults[("/api/complaints", "2")] = [503, 503]

    pulled = dataclasses.replace(
        settings,
        landing=tmp_path / "pulled" / "landing",
        warehouse=tmp_path / "pulled" / "warehouse",
        reports=tmp_path / "pulled" / "reports",
    )
    for day in WEEK:  # dispositions still come as files
        if (folder := settings.landing / "dispositions" / day.isoformat()).is_dir():
            shutil.copytree(folder, pulled.landing / "dispositions" / day.isoformat())
    configure(tmp_path, monkeypatch, WEEK_CONFIG)
    monkeypatch.setenv("AIRFLOW_CONN_REGISTRY", postgres.uri("replica"))
    monkeypatch.setenv("AIRFLOW_CONN_BEIAN", postgres.uri("beian"))
    monkeypatch.setenv("AIRFLOW_CONN_PLATFORM12315", api.uri())
    night.backfill(WEEK[0], WEEK[-1], pulled, pull=True)

    assert api.hits[("/api/complaints", "2")] >= 3
    modes = {"registrations": "database", "icp_filings": "database", "complaints": "http", "keyword_hits": "http"}
    for source, mode in modes.items():
        for d in WEEK:
            assert [p.name for p in (pulled.landing / source / d.isoformat()).iterdir()] == [f"pulled_{mode}.csv"]
    files, pulls = snapshot(settings.marts_db), snapshot(pulled.marts_db)
    loaded = "SELECT source, delivery_date, sum(rows_loaded) FROM load_audit GROUP BY ALL ORDER BY ALL"
    with (
        duckdb.connect(str(settings.marts_db), read_only=True) as a,
        duckdb.connect(str(pulled.marts_db), read_only=True) as b,
    ):
        assert a.execute(loaded).fetchall() == b.execute(loaded).fetchall()
    for table in set(files) - {"load_audit", "quality_results"}:
        assert pulls[table] == files[table], table
    assert len(files["complaints"]) > 100 and files["suspect_entities"]


@pytest.mark.slow
def test_a_failing_api_lets_the_night_go_on_and_a_late_drop_is_taken_by_a_rerun(
    api: Api, settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    deliver(settings.landing)
    day = DAYS[0]
    late = tmp_path / "late-drop"
    shutil.move(settings.landing / "complaints" / day.isoformat(), late)
    configure(tmp_path, monkeypatch, API_CONFIG.split("[keyword_hits]")[0].replace("retries = 2", "retries = 1"))
    monkeypatch.setenv("AIRFLOW_CONN_PLATFORM12315", api.uri())
    api.records["complaints"] = []
    api.faults[("/api/complaints", "1")] = [500, 500]

    (bulletin,) = [p for p in night.run_night(day, settings) if p.parent.name == "daily"]
    audit = "SELECT source, status, error FROM load_audit WHERE delivery_date = ? ORDER BY source, file_name"
    with duckdb.connect(str(settings.marts_db), read_only=True) as con:
        rows = {s: (status, error) for s, status, error in con.execute(audit, [day]).fetchall()}
        entities = con.execute("SELECT count(*) FROM suspect_entities").fetchone()[0]
    status, error = rows["complaints"]
    assert status == "missing" and error.startswith("拉取失败：12315投诉举报（complaints）：接口返回 HTTP 500"), error
    assert rows["registrations"][0] == rows["keyword_hits"][0] == "loaded"
    assert entities > 0  # the night went on for the other sources
    assert "接口返回 HTTP 500" in bulletin.read_text(encoding="utf-8")

    # the unit switches to dropping files, and the day's file arrives after its night: re-running the date takes it
    configure(tmp_path, monkeypatch, '[complaints]\nmode = "drop"\ndeadline = "06:00"\n')
    shutil.move(late, settings.landing / "complaints" / day.isoformat())
    assert night.delivery_due("complaints", day, settings, datetime.now(TZ))
    night.run_night(day, settings)
    with duckdb.connect(str(settings.marts_db), read_only=True) as con:
        statuses = con.execute(
            "SELECT status FROM load_audit WHERE delivery_date = ? AND source = 'complaints'", [day]
        ).fetchall()
        tickets = con.execute("SELECT ticket_id FROM complaints ORDER BY 1").fetchall()
    assert statuses == [("loaded",)]
    assert tickets == [("C0-0",), ("C0-1",)]
