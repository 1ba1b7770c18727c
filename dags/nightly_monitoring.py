"""Nightly monitoring: extract every source in parallel, load raw, gate, build marts, gate, publish, bulletins.

Thin by design: each task calls the function `make run` calls (pipeline.night). The run for the interval
starting on day D at 02:30 Asia/Shanghai processes delivery date D once the interval closes, so
`airflow backfill create --dag-id nightly_monitoring --from-date D1 --to-date D2` runs deliveries D1 to
the day before D2 (dates read in Asia/Shanghai), and `airflow dags test nightly_monitoring D` runs delivery D.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING

import pendulum
from airflow.sdk import DAG, Param, get_current_context, task
from airflow.timetables.interval import CronDataIntervalTimetable

if TYPE_CHECKING:
    from pipeline.config import Settings

SOURCES = ("registrations", "icp_filings", "complaints", "keyword_hits", "dispositions")
TZ = "Asia/Shanghai"


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
        )
    },
    tags=["monitoring"],
) as dag:

    @task
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

    extracted = [extract.override(task_id=f"extract_{name}")(name) for name in SOURCES]
    extracted >> load_raw() >> gate_raw() >> build_marts() >> gate_marts() >> publish() >> bulletins() >> email_daily()
