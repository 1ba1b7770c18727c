"""Nightly monitoring: pull or wait for every source, extract them in parallel, load raw, gate, build marts,
gate, publish, bulletins.

Thin by design: each task calls the function `make run` calls (pipeline.night). The run for the interval
starting on day D at 02:30 Asia/Shanghai processes delivery date D once the interval closes, so
`airflow backfill create --dag-id nightly_monitoring --from-date D1 --to-date D2` runs deliveries D1 to
the day before D2 (dates read in Asia/Shanghai), and `airflow dags test nightly_monitoring D` runs delivery D.

Each source's first task follows upstream.toml: a database or HTTP source is pulled (`pull_<source>`; a backfill
replays the landing zone unless its run conf says {"pull": true}); a file drop is waited for (`wait_<source>`,
a sensor in reschedule mode, holding no worker slot) until its deadline, after which the night goes on and
load_audit records the source as missing. A failed pull leaves its task red and the night goes on without it.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING

import pendulum
from airflow.sdk import DAG, Param, get_current_context, task
from airflow.timetables.interval import CronDataIntervalTimetable

if TYPE_CHECKING:
    from pipeline.config import Settings

from extract.upstream.config import Drop
from extract.upstream.config import load as upstream_config

TZ = "Asia/Shanghai"
UPSTREAM = upstream_config()


def delivery_date() -> date:
    """The delivery date of this run: the param; else the logical date (a scheduled run's logical date is
    the start of its interval, D 02:30, and it runs at D+1 02:30); else, for a manual run without one,
    the day before it was triggered."""
    context = get_current_context()
    if explicit := context["params"].get("delivery_date"):
        return date.fromisoformat(explicit)
    if (logical := context.get("logical_date")) is not None:
        return pendulum.instance(logical).in_timezone(TZ).date()
    return pendulum.instance(context["dag_run"].run_after).in_timezone(TZ).date() - timedelta(days=1)


def should_pull() -> bool:
    """Pull from upstream: as the run's conf says, else on every run but a backfill (which replays)."""
    context = get_current_context()
    if (explicit := context["params"].get("pull")) is not None:
        return bool(explicit)
    return context["dag_run"].run_type != "backfill"


PII_CONNECTION = "pyramid_watch_pii"


def _settings() -> Settings:
    """The warehouse's settings; the keyed-hash key from the environment, else from the password of the
    Airflow connection `pyramid_watch_pii` (else the warehouse's own key file). Imported lazily so parsing
    the DAG file stays cheap."""
    import os

    from airflow.sdk import Connection
    from airflow.sdk.exceptions import AirflowNotFoundException

    from pipeline.config import Settings

    if "PII_HASH_KEY" not in os.environ:
        try:
            if key := Connection.get(PII_CONNECTION).password:
                os.environ["PII_HASH_KEY"] = key
        except AirflowNotFoundException:
            pass
    return Settings.from_env()


with DAG(
    dag_id="nightly_monitoring",
    description="网络传销监测夜间任务：抽取、装载、构建集市、发布、生成简报",
    schedule=CronDataIntervalTimetable("30 2 * * *", timezone=TZ),
    start_date=pendulum.datetime(2026, 1, 1, tz=TZ),
    catchup=False,
    max_active_runs=1,
    default_args={"retries": 1, "retry_delay": timedelta(minutes=5)},
    params={
        "delivery_date": Param(
            None, type=["null", "string"], format="date", description="交付日期（YYYY-MM-DD），留空则按调度区间"
        ),
        "pull": Param(
            None, type=["null", "boolean"], description="是否从数据库或接口拉取；留空则回填时不拉取、其余运行拉取"
        ),
    },
    tags=["monitoring"],
) as dag:

    @task.sensor(poke_interval=300, timeout=timedelta(hours=24), mode="reschedule")
    def wait(source: str) -> bool:
        """Until the source's delivery for the date has arrived, or its deadline (upstream.toml) has passed."""
        from pipeline import night

        return night.delivery_due(source, delivery_date(), _settings(), pendulum.now(TZ))

    @task(retries=0)  # the HTTP client retries what is worth retrying; the database gets the next night
    def pull(source: str) -> str:
        """The source's window for the date, from its database or HTTP API, into the landing zone."""
        from pipeline import night

        return night.pull_source(source, delivery_date(), _settings(), should_pull())

    @task(trigger_rule="all_done")  # after a failed pull, the landing zone's files (or none) still go on
    def extract(source: str) -> str:
        """Read and check one source's delivery; stage it for loading."""
        from pipeline import night

        audit = night.extract_source(source, delivery_date(), _settings())
        return "; ".join(
            f"{a['file_name'] or '-'}: {a['status']} {a['rows_loaded']}/{a['rows_delivered']}" for a in audit
        )

    @task
    def load_raw() -> dict[str, int]:
        """Replace the date's raw partitions in one transaction."""
        from pipeline import night

        return night.load_raw(delivery_date(), _settings())

    @task
    def gate_raw() -> list[str]:
        """Great Expectations on the night's raw batches; blocking failures hold the marts back."""
        from pipeline import night

        return night.gate_night(delivery_date(), _settings())

    @task
    def build_marts() -> bool:
        """dbt build: staging, intermediate and marts, with their tests (skipped on a held night)."""
        from pipeline import night

        return night.build_marts(delivery_date(), _settings())

    @task
    def gate_marts() -> list[str]:
        """Great Expectations on the marts built tonight."""
        from pipeline import night

        return night.gate_marts(delivery_date(), _settings())

    @task
    def publish() -> str:
        """Atomically replace the published marts.duckdb (the last good marts stay on a held night)."""
        from pipeline import night

        return str(night.publish_night(delivery_date(), _settings()))

    @task
    def bulletins() -> list[str]:
        """The daily bulletin, and the weekly or monthly one when this night closes the period."""
        from pipeline import night

        return [str(p) for p in night.render(delivery_date(), _settings())]

    @task
    def email_daily() -> str:
        """The daily bulletin by e-mail, through the SMTP connection `smtp_default`, to BULLETIN_RECIPIENTS."""
        from reports.mail import recipients, send_daily

        if not (to := recipients()):
            return "未配置收件人（BULLETIN_RECIPIENTS），不发送"
        return send_daily(delivery_date(), _settings(), to)

    extracted = []
    for name, config in UPSTREAM.items():
        first = (
            wait.override(task_id=f"wait_{name}")(name)
            if isinstance(config, Drop)
            else pull.override(task_id=f"pull_{name}")(name)
        )
        extracted.append(first >> extract.override(task_id=f"extract_{name}")(name))
    extracted >> load_raw() >> gate_raw() >> build_marts() >> gate_marts() >> publish() >> bulletins() >> email_daily()
