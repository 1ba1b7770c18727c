"""The nightly DAG: it imports cleanly, wires the steps in order, and runs a night through Airflow itself."""

from __future__ import annotations

import email
import email.policy
import itertools
import json
import os
import shutil
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import duckdb
import pytest
from smtp_sink import SmtpSink
from test_pipeline import DAYS, deliver
from upstream_servers import Api

from extract.batch import keyed_hash
from extract.readers import read
from pipeline.config import ROOT, Settings
from reports.render import Period

AIRFLOW = Path(sys.executable).parent / "airflow"


def airflow_env(tmp_path: Path, settings: Settings) -> dict[str, str]:
    state = tmp_path / "airflow"
    state.mkdir(exist_ok=True)
    return os.environ | {
        "AIRFLOW_HOME": str(ROOT),
        "AIRFLOW__CORE__DAGS_FOLDER": str(ROOT / "dags"),
        "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": f"sqlite:///{state}/airflow.db",
        "AIRFLOW__LOGGING__BASE_LOG_FOLDER": str(state / "logs"),
        **settings.environ(),
    }


def test_dag_imports_and_wiring(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from airflow.dag_processing.dagbag import DagBag

    bag = DagBag(dag_folder=str(ROOT / "dags"))
    assert bag.import_errors == {}
    dag = bag.dags["nightly_monitoring"]
    extracts = {t for t in dag.task_ids if t.startswith("extract_")}
    assert extracts == {
        f"extract_{s}" for s in ("registrations", "icp_filings", "complaints", "keyword_hits", "dispositions")
    }
    for extract in extracts:  # upstream.toml as shipped: every source a file drop, waited for without a worker slot
        (wait,) = dag.get_task(extract).upstream_task_ids
        assert wait == extract.replace("extract_", "wait_")
        assert dag.get_task(wait).mode == "reschedule"
    assert dag.get_task("load_raw").upstream_task_ids == extracts
    assert dag.get_task("gate_raw").upstream_task_ids == {"load_raw"}
    assert dag.get_task("build_marts").upstream_task_ids == {"gate_raw"}
    assert dag.get_task("gate_marts").upstream_task_ids == {"build_marts"}
    assert dag.get_task("publish").upstream_task_ids == {"gate_marts"}
    assert dag.get_task("bulletins").upstream_task_ids == {"publish"}
    assert dag.get_task("email_daily").upstream_task_ids == {"bulletins"}
    assert str(dag.timezone) in ("Asia/Shanghai", "Timezone('Asia/Shanghai')")
    assert dag.max_active_runs == 1

    config = tmp_path / "upstream.toml"
    config.write_text('[complaints]\nmode = "http"\nconnection = "api"\npath = "/c"\n', encoding="utf-8")
    monkeypatch.setenv("UPSTREAM_CONFIG", str(config))
    dag = DagBag(dag_folder=str(ROOT / "dags")).dags["nightly_monitoring"]
    assert dag.get_task("extract_complaints").upstream_task_ids == {"pull_complaints"}
    assert dag.get_task("pull_complaints").retries == 0  # the HTTP client has retried what was worth it
    assert dag.get_task("extract_complaints").trigger_rule == "all_done"  # a failed pull does not stop the night


@pytest.mark.slow
def test_night_runs_through_airflow(tmp_path: Path, settings: Settings) -> None:
    """The night through `airflow dags test`, with complaints pulled from an API instead of dropped."""
    deliver(settings.landing)
    day = DAYS[1].isoformat()
    tickets_dropped = settings.landing / "complaints" / day
    api = Api("airflow-token")
    api.records["complaints"] = [
        {**cells, "_updated_at": datetime.fromisoformat(f"{day} 12:00")}
        for _, cells in itertools.islice(read(next(tickets_dropped.iterdir())), 1, None)
    ]
    shutil.rmtree(tickets_dropped)
    config = tmp_path / "upstream.toml"
    config.write_text(
        '[complaints]\nmode = "http"\nconnection = "api"\npath = "/api/complaints"\nrecords = "data.items"\n',
        encoding="utf-8",
    )
    env = airflow_env(tmp_path, settings) | {"UPSTREAM_CONFIG": str(config), "AIRFLOW_CONN_API": api.uri()}
    # the keyed-hash key from an Airflow connection, not the environment
    del env["PII_HASH_KEY"]
    env["AIRFLOW_CONN_PYRAMID_WATCH_PII"] = '{"conn_type": "generic", "password": "key-from-a-connection"}'
    subprocess.run([str(AIRFLOW), "db", "migrate"], env=env, check=True, capture_output=True)
    with SmtpSink() as sink, api:
        env["AIRFLOW_CONN_SMTP_DEFAULT"] = json.dumps(
            {
                "conn_type": "smtp",
                "host": "127.0.0.1",
                "port": sink.port,
                "extra": {"disable_ssl": True, "disable_tls": True, "from_email": "bulletin@example.gov.cn"},
            }
        )
        env["BULLETIN_RECIPIENTS"] = "leader@example.gov.cn; office@example.gov.cn"
        result = subprocess.run(
            [str(AIRFLOW), "dags", "test", "nightly_monitoring", day], env=env, capture_output=True, text=True
        )
        messages = list(sink.messages)
    log = result.stdout + result.stderr
    assert "state=success" in log, log[-3000:]
    with duckdb.connect(str(settings.marts_db), read_only=True) as con:
        dates = con.execute("SELECT DISTINCT delivery_date FROM load_audit").fetchall()
        tickets = con.execute("SELECT ticket_id FROM complaints ORDER BY 1").fetchall()
    assert [d.isoformat() for (d,) in dates] == [day]
    assert tickets == [("C1-0",), ("C1-1",)]  # pulled by the task pull_complaints
    assert [p.name for p in tickets_dropped.iterdir()] == ["pulled_http.csv"]
    assert api.hits[("/api/complaints", "1")] == 1
    bulletin = settings.reports / "daily" / f"{day}.html"
    assert bulletin.exists()
    with duckdb.connect(str(settings.build_db), read_only=True) as con:
        hashed = con.execute(
            "SELECT DISTINCT complainant_phone_hash FROM raw.complaints WHERE ticket_id = 'C1-0'"
        ).fetchall()
    assert hashed == [(keyed_hash(b"key-from-a-connection", "13700000000"),)]
    assert not (settings.warehouse / ".pii_hash_key").exists()

    (raw,) = messages
    mail = email.message_from_bytes(raw, policy=email.policy.default)
    assert mail["Subject"] == f"网络传销监测日报 {Period.daily(DAYS[1]).issue} {Period.daily(DAYS[1]).label}"
    assert {a.strip() for a in mail["To"].split(",")} == {"leader@example.gov.cn", "office@example.gov.cn"}
    (attachment,) = [p for p in mail.iter_attachments() if p.get_filename() == f"{day}.html"]
    assert attachment.get_payload(decode=True) == bulletin.read_bytes()
