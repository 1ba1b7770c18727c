"""Reliability and security: killed nights, two writers, open readers, late files, personal data, hostile input."""

from __future__ import annotations

import csv
import fcntl
import json
import multiprocessing
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import duckdb
import openpyxl
import pytest
from landing import write
from test_pipeline import DAYS, SCHEME, deliver, other, snapshot

from extract.batch import parse_delivery
from extract.sources import SOURCES
from pipeline import night
from pipeline.config import ROOT, Settings
from pipeline.export import export
from pipeline.failpoints import VARIABLE
from pipeline.lock import WarehouseBusy, writer_lock


def cli(settings: Settings, *args: str, failpoint: str | None = None) -> subprocess.CompletedProcess[str]:
    """The command line in a process of its own, as `make` runs it."""
    env = os.environ | settings.environ()
    env.pop(VARIABLE, None)
    if failpoint:
        env[VARIABLE] = failpoint
    return subprocess.run(
        [sys.executable, "-m", "pipeline.cli", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=600
    )


def warehouse_state(settings: Settings) -> dict[str, object]:
    """Everything a night leaves behind: published marts, raw tables (without load times), bulletins."""
    state: dict[str, object] = {"marts": snapshot(settings.marts_db)}
    with duckdb.connect(str(settings.build_db), read_only=True) as con:
        tables = con.execute(
            "SELECT table_name FROM duckdb_tables() WHERE schema_name = 'raw' AND table_name <> 'load_log'"
        ).fetchall()
        for (table,) in tables:
            columns = [c for (c,) in con.execute(f"SELECT name FROM pragma_table_info('raw.{table}')").fetchall()]
            kept = ", ".join(f'"{c}"' for c in columns if c != "_loaded_at")
            state[f"raw.{table}"] = con.execute(f"SELECT {kept} FROM raw.{table} ORDER BY ALL").fetchall()
    state["bulletins"] = sorted(  # the GX Data Docs keep a page per validation run, by design
        str(p.relative_to(settings.reports)) for p in settings.reports.rglob("*.html") if "quality" not in p.parts
    )
    state["leftovers"] = sorted(p.name for p in settings.warehouse.glob(".marts.*"))
    return state


# extract: after the first source is staged; load: inside the raw transaction, before it commits;
# dbt:N: N seconds into the dbt build; publish: the new marts file written and synced, not yet renamed.
KILL_POINTS = ["extract", "load", "dbt:1", "dbt:4", "publish"]


@pytest.mark.slow
def test_night_killed_anywhere_then_rerun_leaves_the_undisturbed_warehouse(settings: Settings) -> None:
    deliver(settings.landing)
    for day in DAYS[:2]:
        night.run_night(day, settings)
    undisturbed = warehouse_state(settings)

    survived = []
    for point in KILL_POINTS:
        killed = other(settings, point.replace(":", "-"))
        night.run_night(DAYS[0], killed)
        result = cli(killed, "run", "--date", DAYS[1].isoformat(), failpoint=point)
        assert result.returncode == -9, f"{point}: the night was not killed ({result.returncode})"
        night.run_night(DAYS[1], killed)
        assert warehouse_state(killed) == undisturbed, point
        survived.append(point)
    print(f"kill points survived: {survived}")


def _lock_held(warehouse: Path) -> bool:
    fd = os.open(warehouse / ".writer.lock", os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    else:
        fcntl.flock(fd, fcntl.LOCK_UN)
        return False
    finally:
        os.close(fd)


@pytest.mark.slow
def test_second_writer_waits_or_refuses_in_chinese(settings: Settings) -> None:
    deliver(settings.landing)
    settings.prepare()
    first = subprocess.Popen(
        [sys.executable, "-m", "pipeline.cli", "run", "--date", DAYS[0].isoformat()],
        cwd=ROOT,
        env=os.environ | settings.environ(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 60
    while not _lock_held(settings.warehouse):
        assert first.poll() is None and time.monotonic() < deadline, "the first night never took the lock"
        time.sleep(0.05)
    with pytest.raises(WarehouseBusy, match="正由另一进程写入"), writer_lock(settings.warehouse, wait_seconds=1):
        pass
    night.run_night(DAYS[1], settings)  # waits for the first, then runs: the two never interleave
    assert first.wait(timeout=300) == 0, first.stderr.read()[-2000:]

    alone = other(settings, "alone")
    for day in DAYS[:2]:
        night.run_night(day, alone)
    assert warehouse_state(settings)["marts"] == warehouse_state(alone)["marts"]


# One process holds a session open all night; another opens a new session every 0.1 s (a new connection in a
# process that still holds one would share that one's database, so the two are apart).
READER = """
import json, sys, time, pathlib
import duckdb
marts, mode, out, stop = sys.argv[1:]
query = "SELECT (SELECT max(delivery_date) FROM load_audit), (SELECT count(*) FROM complaints)"
held = duckdb.connect(marts, read_only=True) if mode == "held" else None
with open(out, "a") as f:
    while not pathlib.Path(stop).exists():
        if held is not None:
            value = held.execute(query).fetchone()
        else:
            with duckdb.connect(marts, read_only=True) as fresh:
                value = fresh.execute(query).fetchone()
        f.write(json.dumps([mode, str(value)]) + "\\n")
        f.flush()
        time.sleep(0.1)
"""


def _published(settings: Settings) -> str:
    with duckdb.connect(str(settings.marts_db), read_only=True) as con:
        return str(
            con.execute(
                "SELECT (SELECT max(delivery_date) FROM load_audit), (SELECT count(*) FROM complaints)"
            ).fetchone()
        )


def _lines(path: Path) -> list[list[str]]:
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


@pytest.mark.slow
def test_open_readers_keep_answering_and_see_whole_nights(settings: Settings, tmp_path: Path) -> None:
    deliver(settings.landing)
    night.run_night(DAYS[0], settings)
    old = _published(settings)
    out, stop = tmp_path / "reader.jsonl", tmp_path / "stop"
    readers = [
        subprocess.Popen([sys.executable, "-c", READER, str(settings.marts_db), mode, str(out), str(stop)])
        for mode in ("held", "new")
    ]
    deadline = time.monotonic() + 60
    while not out.exists() or {kind for kind, _ in _lines(out)} != {"held", "new"}:
        assert all(r.poll() is None for r in readers) and time.monotonic() < deadline
        time.sleep(0.05)

    night.run_night(DAYS[1], settings)
    new = _published(settings)
    deadline = time.monotonic() + 30
    while ["new", new] not in _lines(out) and time.monotonic() < deadline:
        time.sleep(0.1)
    stop.touch()
    assert [r.wait(timeout=30) for r in readers] == [0, 0]

    lines = _lines(out)
    assert new != old
    assert {value for kind, value in lines if kind == "held"} == {old}, "the open session keeps its night"
    seen = [value for kind, value in lines if kind == "new"]
    assert set(seen) <= {old, new}, "a new session sees one whole night or the other"
    assert seen[0] == old and seen[-1] == new
    print(f"reader checks: {len(lines)} answers ({len(seen)} new sessions, {len(lines) - len(seen)} held)")


@pytest.mark.slow
def test_late_file_taken_by_rerunning_its_date_and_backfill_agrees(settings: Settings) -> None:
    deliver(settings.landing)
    for day in DAYS:
        night.run_night(day, settings)

    def c01(con: duckdb.DuckDBPyConnection) -> float:
        return con.execute(
            "SELECT measured_value FROM entity_indicator_scores WHERE entity_id = ? AND as_of_date = ? "
            "AND indicator_id = 'C01'",
            [SCHEME, DAYS[2]],
        ).fetchone()[0]

    with duckdb.connect(str(settings.marts_db), read_only=True) as con:
        before = c01(con)
    write(
        settings.landing / "complaints" / DAYS[0].isoformat(),
        "late",
        "complaints",
        [
            {
                "ticket_id": "LATE-1",
                "received_at": f"{DAYS[0]} 23:00",
                "kind": "举报",
                "target_name": "云数贸",
                "target_url": "https://www.yunshumao.vip/app",
                "description": "交了激活费，被要求发展下线",
            }
        ],
        "xlsx",
        chinese=True,
    )
    night.run_night(DAYS[0], settings)
    with duckdb.connect(str(settings.marts_db), read_only=True) as con:
        late = con.execute("SELECT entity_id, delivery_date FROM complaints WHERE ticket_id = 'LATE-1'").fetchall()
        after = c01(con)
    assert late == [(SCHEME, DAYS[0])]
    assert after == before + 1, "the later night's window takes the late complaint"

    backfilled = other(settings, "backfilled")
    night.backfill(DAYS[0], DAYS[-1], backfilled)
    assert snapshot(backfilled.marts_db) == snapshot(settings.marts_db)


def _key_after(barrier: Any, settings: Settings, keys: Any) -> None:
    barrier.wait()
    keys.put(settings.hash_key())


def test_new_warehouse_gets_one_hash_key_however_many_extracts_start_at_once(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The parallel extracts of a warehouse's first night all ask for its personal-data key at once: each
    gets the one key written, whole, never an error or a half-written key (rounds make the race likely)."""
    monkeypatch.delenv("PII_HASH_KEY")
    spawn = multiprocessing.get_context("spawn")
    for n in range(6):
        warehouse = other(settings, f"round{n}")
        barrier, keys = spawn.Barrier(12), spawn.Queue()
        workers = [spawn.Process(target=_key_after, args=(barrier, warehouse, keys)) for _ in range(12)]
        for w in workers:
            w.start()
        for w in workers:
            w.join(60)
        assert [w.exitcode for w in workers] == [0] * 12
        got = {keys.get(timeout=5) for _ in workers}
        key_file = warehouse.warehouse / ".pii_hash_key"
        assert got == {key_file.read_bytes().strip()} and len(got.pop()) == 64
        assert key_file.stat().st_mode & 0o777 == 0o600
        assert [p.name for p in warehouse.warehouse.iterdir()] == [".pii_hash_key"]


PERSONAL = ["13900001111", "450502199001011234", "13700000000", "13812345678", "张小红", "xh.zhang@example.com"]


@pytest.mark.slow
def test_no_personal_value_in_clear_in_marts_bulletins_or_exports(settings: Settings, tmp_path: Path) -> None:
    deliver(settings.landing)
    write(
        settings.landing / "complaints" / DAYS[0].isoformat(),
        "named",
        "complaints",
        [
            {
                "ticket_id": "P-1",
                "received_at": f"{DAYS[0]} 12:00",
                "target_name": "云数贸",
                "description": "我是张小红，电话13812345678，邮箱xh.zhang@example.com，被拉去交入会费",
                "complainant_name": "张小红",
                "complainant_phone": "13812345678",
            }
        ],
        "csv-gbk",
        chinese=True,
    )
    night.backfill(DAYS[0], DAYS[-1], settings)
    assert settings.warehouse.stat().st_mode & 0o077 == 0, "the warehouse folder is private to its owner"

    found = []
    with duckdb.connect(str(settings.marts_db), read_only=True) as con:
        tables = [t for (t,) in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()]
        for table in tables:
            columns = [c for (c,) in con.execute(f"SELECT name FROM pragma_table_info('{table}')").fetchall()]
            text = " || '|' || ".join(f"coalesce(CAST(\"{c}\" AS VARCHAR), '')" for c in columns)
            for value in PERSONAL:
                n = con.execute(f'SELECT count(*) FROM "{table}" WHERE ({text}) LIKE ?', [f"%{value}%"]).fetchone()
                if n[0]:
                    found.append((table, value))
    for page in settings.reports.rglob("*.html"):
        body = page.read_text(encoding="utf-8")
        found += [(str(page), v) for v in PERSONAL if v in body]
    export(settings.marts_db, "complaints", tmp_path / "complaints.csv")
    exported = (tmp_path / "complaints.csv").read_text(encoding="utf-8-sig")
    found += [("export", v) for v in PERSONAL if v in exported]
    assert found == []


def test_exports_neutralise_formula_cells(settings: Settings, tmp_path: Path) -> None:
    settings.prepare()
    with duckdb.connect(str(settings.marts_db)) as con:
        con.execute("CREATE TABLE complaints (ticket_id VARCHAR, target_name VARCHAR, amount DOUBLE)")
        con.execute(
            "INSERT INTO complaints VALUES ('T1', '=HYPERLINK(\"http://x\",\"点我\")', -5), "
            "('T2', '+1+1', 1), ('T3', '-2+3', 2), ('T4', '@SUM(A1)', 3), ('T5', '云数贸', 4)"
        )
    export(settings.marts_db, "complaints", tmp_path / "c.csv")
    export(settings.marts_db, "complaints", tmp_path / "c.xlsx")
    with (tmp_path / "c.csv").open(encoding="utf-8-sig", newline="") as f:
        csv_names = [r["target_name"] for r in csv.DictReader(f)]
    sheet = openpyxl.load_workbook(tmp_path / "c.xlsx").active
    xlsx_rows = list(sheet.iter_rows(min_row=2, values_only=True))
    expected = ['\'=HYPERLINK("http://x","点我")', "'+1+1", "'-2+3", "'@SUM(A1)", "云数贸"]
    assert csv_names == expected
    assert [r[1] for r in xlsx_rows] == expected
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)
    assert [r[2] for r in xlsx_rows] == [-5, 1, 2, 3, 4], "numbers stay numbers"


@pytest.mark.slow
def test_sql_and_markup_in_delivered_text_are_data(settings: Settings) -> None:
    deliver(settings.landing)
    hostile = "x'); DROP TABLE complaints; -- <script>alert(1)</script><img src=x onerror=alert(2)>"
    write(
        settings.landing / "complaints" / DAYS[0].isoformat(),
        "hostile",
        "complaints",
        [
            {
                "ticket_id": "X-1",
                "received_at": f"{DAYS[0]} 13:00",
                "kind": "举报",
                "target_name": hostile,
                "description": "'; DELETE FROM raw.complaints WHERE '1'='1 交入会费发展下线",
            }
        ],
        "jsonl",
    )
    night.backfill(DAYS[0], DAYS[-1], settings)
    with duckdb.connect(str(settings.marts_db), read_only=True) as con:
        names = dict(con.execute("SELECT ticket_id, target_name FROM complaints").fetchall())
    assert names["X-1"] == hostile, "stored verbatim, as data"
    assert len(names) == 7, "no statement in the text ran"
    for page in settings.reports.rglob("*.html"):
        body = page.read_text(encoding="utf-8")
        assert "<script>alert(1)" not in body and "<img src=x" not in body, page


@pytest.mark.parametrize(
    ("name", "payload", "message"),
    [
        ("utf32.csv", "工单编号,登记时间\nT1,2026-03-02\n".encode("utf-32"), "UTF-32"),
        ("random.csv", bytes(range(128, 256)) * 64, "编码无法识别"),
        (
            "one_line.csv",
            b"ticket_id,received_at,target_name,description\nT1,2026-03-02,x," + b"A" * 64_000_000,
            "超过1000000字符",
        ),
    ],
)
def test_unreadable_files_rejected_alone(settings: Settings, name: str, payload: bytes, message: str) -> None:
    folder = settings.landing / "complaints" / DAYS[0].isoformat()
    write(
        folder,
        "good",
        "complaints",
        [{"ticket_id": "G1", "received_at": "2026-03-02 09:00", "target_name": "某公司", "description": "快递延误"}],
        "csv-utf8",
    )
    (folder / name).write_bytes(payload)
    batch = parse_delivery(SOURCES["complaints"], settings.landing, DAYS[0], b"k")
    audit = {a["file_name"]: a for a in batch.audit}
    assert audit[name]["status"] == "rejected" and name in audit[name]["error"] and message in audit[name]["error"]
    assert audit["good.csv"]["status"] == "loaded" and [r["ticket_id"] for r in batch.rows] == ["G1"]


def test_enormous_jsonl_line_quarantined_not_loaded(settings: Settings) -> None:
    folder = settings.landing / "keyword_hits" / DAYS[0].isoformat()
    folder.mkdir(parents=True)
    good = {
        "hit_id": "H1",
        "captured_at": "2026-03-02 08:00",
        "platform": "微博",
        "url": "https://weibo.com/1",
        "keyword": "见点奖",
    }
    huge = {**good, "hit_id": "H2", "content": "拉人头" * 3_000_000}
    lines = [json.dumps({**good, "content": "见点奖"}, ensure_ascii=False), json.dumps(huge, ensure_ascii=False)]
    (folder / "hits.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    batch = parse_delivery(SOURCES["keyword_hits"], settings.landing, DAYS[0], b"k")
    assert [r["hit_id"] for r in batch.rows] == ["H1"]
    assert len(batch.quarantine) == 1 and "超过1000000字符" in batch.quarantine[0]["reason"]
    (audit,) = batch.audit
    assert (audit["rows_delivered"], audit["rows_loaded"], audit["rows_quarantined"]) == (2, 1, 1)
