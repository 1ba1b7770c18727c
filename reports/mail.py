"""E-mail of the daily bulletin through Airflow's SMTP connection, to the list in BULLETIN_RECIPIENTS."""

from __future__ import annotations

import os
import re
from datetime import date

from pipeline.config import Settings
from reports.render import SERIES, Period

RECIPIENTS = "BULLETIN_RECIPIENTS"


def recipients() -> list[str]:
    """The configured list: addresses separated by commas, semicolons or spaces."""
    return [a for a in re.split(r"[,;\s]+", os.environ.get(RECIPIENTS, "")) if a]


def send_daily(day: date, settings: Settings, to: list[str], conn_id: str = "smtp_default") -> str:
    """Send the day's bulletin as an attachment (it opens and draws offline); returns what was done, in Chinese."""
    from airflow.providers.smtp.hooks.smtp import SmtpHook

    period = Period.daily(day)
    path = period.path(settings.reports)
    if not path.exists():
        raise FileNotFoundError(f"{day} 的监测日报尚未生成：{path}")
    subject = f"网络传销{SERIES['daily']} {period.issue} {period.label}"
    body = (
        f"<p>{subject}，见附件（HTML文件，离线打开即可查看全部图表）。</p>"
        "<p>内部资料，注意保存，请勿转发至外部网络。</p>"
    )
    with SmtpHook(smtp_conn_id=conn_id) as hook:
        hook.send_email_smtp(to=to, subject=subject, html_content=body, files=[str(path)])
    return f"已发送 {path.name} 至 {len(to)} 个收件人"
