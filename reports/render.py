"""Bulletins (监测日报、周报、月报) rendered from the published marts, and the index of them all."""

from __future__ import annotations

import calendar
import multiprocessing
import os
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cache
from pathlib import Path
from typing import Any

import duckdb
import plotly.graph_objects as go
import plotly.offline
import yaml
from jinja2 import Environment, FileSystemLoader, select_autoescape

from extract.sources import SOURCES
from pipeline.children import end_with_parent
from pipeline.config import Settings

TEMPLATES = Path(__file__).parent / "templates"
AUTHORITY = "网络传销监测预警平台"
LEVEL_ZH = {"red": "红色预警", "yellow": "黄色预警", "green": "绿色关注"}
DBT_PROJECT = Path(__file__).resolve().parent.parent / "dbt_project" / "dbt_project.yml"
STATUS_ZH = {"loaded": "已装载", "rejected": "整文件拒收", "missing": "未交付"}
SERIES = {"daily": "监测日报", "weekly": "监测周报", "monthly": "监测月报"}


@dataclass(frozen=True)
class Period:
    """A bulletin's period; its issue number derives from the period alone."""

    kind: str
    start: date
    end: date

    @classmethod
    def daily(cls, day: date) -> Period:
        return cls("daily", day, day)

    @classmethod
    def weekly(cls, day: date) -> Period:
        monday = day - timedelta(days=day.weekday())
        return cls("weekly", monday, monday + timedelta(days=6))

    @classmethod
    def monthly(cls, day: date) -> Period:
        last = calendar.monthrange(day.year, day.month)[1]
        return cls("monthly", day.replace(day=1), day.replace(day=last))

    @property
    def key(self) -> str:
        if self.kind == "weekly":
            year, week, _ = self.start.isocalendar()
            return f"{year}-W{week:02d}"
        if self.kind == "monthly":
            return self.start.strftime("%Y-%m")
        return self.start.isoformat()

    @property
    def issue(self) -> str:
        """第N期 within the year: day of year, ISO week, or month."""
        if self.kind == "weekly":
            year, week, _ = self.start.isocalendar()
            return f"{year}年第{week}期"
        if self.kind == "monthly":
            return f"{self.start.year}年第{self.start.month}期"
        return f"{self.start.year}年第{self.start.timetuple().tm_yday}期"

    @property
    def label(self) -> str:
        if self.kind == "daily":
            return f"{self.start.year}年{self.start.month}月{self.start.day}日"
        if self.kind == "monthly":
            return f"{self.start.year}年{self.start.month}月"
        return f"{self.start.isoformat()} 至 {self.end.isoformat()}"

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def previous(self) -> Period:
        if self.kind == "monthly":
            return Period.monthly(self.start - timedelta(days=1))
        return Period(self.kind, self.start - timedelta(days=self.days), self.start - timedelta(days=1))

    def year_ago(self) -> Period:
        if self.kind == "monthly":
            return Period.monthly(self.start.replace(year=self.start.year - 1))
        if self.kind == "weekly":
            return Period.weekly(self.start - timedelta(weeks=52))
        return Period.daily(self.start - timedelta(days=364))

    def path(self, reports: Path) -> Path:
        return reports / self.kind / f"{self.key}.html"


@cache
def _environment() -> Environment:
    return Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html", "j2"]))


def page(template: str, *, with_plotly: bool = True, index_href: str = "../index.html", **context: Any) -> str:
    """A page of the bulletin site: the template with the masthead's authority and time, and plotly.js once."""
    return (
        _environment()
        .get_template(template)
        .render(
            authority=AUTHORITY,
            generated=datetime.now().strftime("%Y-%m-%d %H:%M"),
            index_href=index_href,
            plotly_js=_plotly_js() if with_plotly else None,
            **context,
        )
    )


@cache
def _plotly_js() -> str:
    return plotly.offline.get_plotlyjs()


def _rows(con: duckdb.DuckDBPyConnection, sql: str, params: list[Any]) -> list[dict[str, Any]]:
    cursor = con.execute(sql, params)
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def _scalar(con: duckdb.DuckDBPyConnection, sql: str, params: list[Any]) -> Any:
    return con.execute(sql, params).fetchone()[0]


def headline(con: duckdb.DuckDBPyConnection, p: Period) -> dict[str, int]:
    """The headline figures of a period, each one SQL on the marts."""
    span = [p.start, p.end]
    return {
        "新登记企业": _scalar(
            con,
            "SELECT count(*) FROM entities WHERE entity_kind = 'registered' AND first_seen_date BETWEEN ? AND ?",
            span,
        ),
        "投诉举报": _scalar(con, "SELECT count(*) FROM complaints WHERE delivery_date BETWEEN ? AND ?", span),
        "涉传投诉举报": _scalar(
            con,
            "SELECT count(*) FROM complaints WHERE delivery_date BETWEEN ? AND ? AND matched_terms IS NOT NULL",
            span,
        ),
        "监测命中": _scalar(con, "SELECT count(*) FROM keyword_hits WHERE delivery_date BETWEEN ? AND ?", span),
        "新增网站备案": _scalar(con, "SELECT count(*) FROM icp_sites WHERE delivery_date BETWEEN ? AND ?", span),
        "新增红色预警": _scalar(
            con, "SELECT count(*) FROM leads WHERE warning_level = 'red' AND issued_date BETWEEN ? AND ?", span
        ),
        "新增黄色预警": _scalar(
            con, "SELECT count(*) FROM leads WHERE warning_level = 'yellow' AND issued_date BETWEEN ? AND ?", span
        ),
    }


def _has_data(con: duckdb.DuckDBPyConnection, p: Period) -> bool:
    return bool(_scalar(con, "SELECT count(*) FROM load_audit WHERE delivery_date BETWEEN ? AND ?", [p.start, p.end]))


def _change(now: int, before: int | None, word: str) -> tuple[str, str]:
    if before is None:
        return f"{word}：无可比数据", ""
    if before == 0:
        return (f"{word}：新增{now}", "up") if now else (f"{word}：持平", "")
    pct = (now - before) / before * 100
    direction = "up" if pct > 0 else "down" if pct < 0 else ""
    return f"{word}{'+' if pct > 0 else ''}{pct:.1f}%", direction


def _chart(fig: go.Figure, div_id: str) -> str:
    """A figure as an HTML fragment; the page carries plotly.js once, ids are stable across re-runs."""
    fig.update_layout(
        margin={"l": 40, "r": 10, "t": 30, "b": 40},
        height=320,
        font={"family": "PingFang SC, Microsoft YaHei, Noto Sans CJK SC, sans-serif"},
        legend={"orientation": "h", "y": -0.2},
    )
    return fig.to_html(
        full_html=False,
        include_plotlyjs=False,
        config={"displayModeBar": False, "responsive": True},
        div_id=div_id,
        default_width="100%",
    )


def figures_context(con: duckdb.DuckDBPyConnection, p: Period) -> dict[str, Any]:
    """The figures, warnings, entities and charts of a bulletin, from the published marts."""
    span = [p.start, p.end]
    now = headline(con, p)
    prev = headline(con, p.previous()) if _has_data(con, p.previous()) else None
    ago = headline(con, p.year_ago()) if p.kind != "daily" and _has_data(con, p.year_ago()) else None
    cards = []
    for label, value in now.items():
        text, direction = _change(value, prev[label] if prev else None, "环比")
        if ago is not None:
            text += "；" + _change(value, ago[label], "同比")[0]
        cards.append({"label": label, "value": value, "change": text, "direction": direction})
    as_of = _scalar(con, "SELECT max(as_of_date) FROM as_of_dates WHERE as_of_date <= ?", [p.end])
    new_warnings = _rows(
        con,
        """
        SELECT s.entity_name, s.uscc, s.warning_level, s.risk_score, s.evidence, s.recommended_action
        FROM leads AS l JOIN suspect_entities AS s ON s.entity_id = l.entity_id AND s.as_of_date = l.issued_date
        WHERE l.issued_date BETWEEN ? AND ?
        ORDER BY s.warning_level = 'red' DESC, s.risk_score DESC, s.entity_id LIMIT 30""",
        span,
    )
    top = _rows(
        con,
        """
        SELECT entity_name, warning_level, risk_score, score_features, score_spread, score_complaints,
               score_deception, score_harm
        FROM suspect_entities WHERE as_of_date = ? ORDER BY risk_score DESC, entity_id LIMIT 10""",
        [as_of],
    )
    for row in new_warnings + top:
        row["level_zh"] = LEVEL_ZH[row["warning_level"]]
    # related-company clusters with red or yellow members in the period, by their highest risk index
    clusters = _rows(
        con,
        """
        SELECT e.cluster_id, max(e.cluster_size) AS cluster_size, count(DISTINCT s.entity_id) AS flagged,
               max(s.risk_score) AS top_score, arg_max(e.entity_name, s.risk_score) AS lead_name,
               count(DISTINCT CASE WHEN s.warning_level = 'red' THEN s.entity_id END) AS red
        FROM suspect_entities AS s JOIN entities AS e ON s.entity_id = e.entity_id
        WHERE s.as_of_date BETWEEN ? AND ? AND s.warning_level IN ('red', 'yellow') AND e.cluster_size > 1
        GROUP BY e.cluster_id ORDER BY top_score DESC, flagged DESC, e.cluster_id LIMIT 10""",
        span,
    )
    categories = _rows(
        con,
        """
        SELECT record_type, category, sum(n_records) AS n FROM daily_region_stats
        WHERE delivery_date BETWEEN ? AND ? AND category <> '无涉传用语'
        GROUP BY record_type, category ORDER BY category""",
        span,
    )
    category_fig = go.Figure()
    for record_type, name in (("complaint", "投诉举报"), ("post", "监测命中")):
        subset = [r for r in categories if r["record_type"] == record_type]
        category_fig.add_bar(x=[r["category"] for r in subset], y=[int(r["n"]) for r in subset], name=name)
    regions = _rows(
        con,
        """
        SELECT coalesce(r.province_name, '未知地区') AS province, count(*) AS n
        FROM complaints AS c
        LEFT JOIN regions AS r ON substr(c.complainant_region, 1, 2) || '0000' = r.province_code
        WHERE c.delivery_date BETWEEN ? AND ?
        GROUP BY 1 ORDER BY n DESC, province LIMIT 15""",
        span,
    )
    region_fig = go.Figure(
        go.Bar(x=[r["n"] for r in regions], y=[r["province"] for r in regions], orientation="h", name="投诉举报")
    )
    region_fig.update_yaxes(autorange="reversed")
    trend_chart = None
    if p.kind != "daily":
        trend = _rows(
            con,
            """
            SELECT d.delivery_date AS day,
                (SELECT count(*) FROM complaints c WHERE c.delivery_date = d.delivery_date) AS complaints,
                (SELECT count(*) FROM keyword_hits h WHERE h.delivery_date = d.delivery_date) AS hits,
                (SELECT count(*) FROM leads l WHERE l.issued_date = d.delivery_date) AS leads
            FROM (SELECT DISTINCT delivery_date FROM load_audit WHERE delivery_date BETWEEN ? AND ?) AS d
            ORDER BY day""",
            span,
        )
        trend_fig = go.Figure()
        for key, name in (("complaints", "投诉举报"), ("hits", "监测命中"), ("leads", "新增预警")):
            trend_fig.add_scatter(
                x=[r["day"].isoformat() for r in trend], y=[r[key] for r in trend], mode="lines+markers", name=name
            )
        trend_chart = _chart(trend_fig, "chart-trend")
    new_names = _rows(
        con,
        """
        SELECT scheme_name, name_kind, first_seen_date, n_entities, n_signal_records FROM scheme_names
        WHERE first_seen_date BETWEEN ? AND ? ORDER BY first_seen_date, n_signal_records DESC, scheme_name""",
        span,
    )
    names_this_year = _scalar(
        con,
        "SELECT count(*) FROM scheme_names WHERE first_seen_date BETWEEN ? AND ?",
        [p.end.replace(month=1, day=1), p.end],
    )
    return {
        "progress": progress_context(con, p),
        "names_this_year": names_this_year,
        "cards": cards,
        "comparison_note": "环比为与上一期相比" + ("；同比为与上年同期相比" if ago else "") + "。",
        "new_warnings": new_warnings,
        "top_entities": top,
        "top_clusters": clusters,
        "trend_chart": trend_chart,
        "category_chart": _chart(category_fig, "chart-categories"),
        "region_chart": _chart(region_fig, "chart-regions"),
        "new_names": new_names,
        "as_of": as_of,
    }


@cache
def feedback_days() -> int:
    """Days a lead may wait for feedback before it is overdue: the dbt variable the leads mart uses."""
    return int(yaml.safe_load(DBT_PROJECT.read_text(encoding="utf-8"))["vars"]["lead_feedback_days"])


def progress_context(con: duckdb.DuckDBPyConnection, p: Period) -> dict[str, Any]:
    """Disposal progress: leads issued and answered in the period, actions, overdue at its end, by province."""
    span = [p.start, p.end]
    due = p.end - timedelta(days=feedback_days())
    answered = "EXISTS (SELECT 1 FROM lead_actions AS a WHERE a.lead_id = l.lead_id AND a.action_date {})"
    leads = _rows(
        con,
        f"""
        SELECT l.lead_id, coalesce(e.entity_name, l.entity_id) AS entity_name, l.issued_date, l.region_code,
               coalesce(r.province_name, '属地不明') AS province,
               l.issued_date BETWEEN ? AND ? AS issued_in_period,
               {answered.format("BETWEEN ? AND ?")} AS answered_in_period,
               {answered.format("<= ?")} AS answered_by_end,
               {answered.format("<= ? AND a.action IN ('行政处罚', '移送公安')")} AS enforced_by_end
        FROM leads AS l
        LEFT JOIN entities AS e ON e.entity_id = l.entity_id
        LEFT JOIN regions AS r ON substr(l.region_code, 1, 2) || '0000' = r.province_code
        ORDER BY l.issued_date, l.lead_id""",
        [*span, *span, p.end, p.end],
    )
    for lead in leads:
        # issued more than the allowed days before the period's end, and no action by then
        lead["overdue"] = lead["issued_date"] < due and not lead["answered_by_end"]
    overdue = [lead for lead in leads if lead["overdue"]]
    regions: dict[str, dict[str, Any]] = {}
    for lead in leads:
        row = regions.setdefault(
            lead["province"], {"province": lead["province"], "issued": 0, "answered": 0, "overdue": 0}
        )
        row["issued"] += lead["issued_in_period"]
        row["answered"] += lead["answered_in_period"]
        row["overdue"] += lead["overdue"]
    so_far = [lead for lead in leads if lead["issued_date"] <= p.end]
    cumulative = {
        "issued": len(so_far),
        "answered": sum(lead["answered_by_end"] for lead in so_far),
        "enforced": sum(lead["enforced_by_end"] for lead in so_far),
    }
    return {
        "issued": sum(lead["issued_in_period"] for lead in leads),
        "answered": sum(lead["answered_in_period"] for lead in leads),
        "by_action": _rows(
            con,
            "SELECT action, count(*) AS n FROM lead_actions WHERE lead_id IS NOT NULL AND action_date BETWEEN ? AND ? "
            "GROUP BY action ORDER BY n DESC, action",
            span,
        ),
        "overdue": len(overdue),
        "overdue_list": overdue[:20],
        "by_region": sorted(
            (r for r in regions.values() if r["issued"] or r["answered"] or r["overdue"]),
            key=lambda r: (-r["issued"], -r["overdue"], r["province"]),
        ),
        "feedback_days": feedback_days(),
        "cumulative": cumulative,
        "feedback_rate": f"{cumulative['answered'] / cumulative['issued'] * 100:.1f}%" if cumulative["issued"] else "—",
        "enforced_rate": f"{cumulative['enforced'] / cumulative['answered'] * 100:.1f}%"
        if cumulative["answered"]
        else "—",
    }


def completeness_context(con: duckdb.DuckDBPyConnection, p: Period, as_of: date | None) -> dict[str, Any]:
    """Data completeness: deliveries, quarantine, quality gates and what they held back."""
    span = [p.start, p.end]
    audit_filter = "" if p.kind == "daily" else "AND (status <> 'loaded' OR rows_quarantined > 0)"
    completeness = _rows(
        con,
        f"""
        SELECT source, delivery_date, status, file_name, rows_delivered, rows_loaded, rows_quarantined, error
        FROM load_audit WHERE delivery_date BETWEEN ? AND ? {audit_filter}
        ORDER BY delivery_date, source, file_name""",
        span,
    )
    for a in completeness:
        a["source_zh"] = SOURCES[a["source"]].title_zh
        a["status_zh"] = STATUS_ZH.get(a["status"], a["status"])
        if a["status"] == "missing":
            a["detail"] = a["error"]
        else:
            a["detail"] = (
                f"{a['file_name']}：交付{a['rows_delivered']}行，装载{a['rows_loaded']}行，"
                f"隔离{a['rows_quarantined']}行" + (f"。{a['error']}" if a["error"] else "")
            )
    failures = _rows(
        con,
        "SELECT delivery_date, suite, expectation, observed, severity FROM quality_results "
        "WHERE delivery_date BETWEEN ? AND ? AND NOT success ORDER BY delivery_date, severity, suite, expectation",
        span,
    )
    quality_notes = [
        f"{r['delivery_date']} {r['suite']}：{r['expectation']}（警告），观测值 {r['observed']}"
        for r in failures
        if r["severity"] != "blocking"
    ]
    blocking = [r for r in failures if r["severity"] == "blocking"]
    held = None
    if blocking:
        nights = "、".join(sorted({r["delivery_date"].isoformat() for r in blocking}))
        reasons = "；".join(f"{r['suite']}：{r['expectation']}（{r['observed']}）" for r in blocking)
        held = (
            f"{nights} 的数据未通过阻断性质量检查，当夜数据集市未更新，沿用此前最近一次成功发布的集市"
            f"（截至 {as_of or '无'}），受影响批次暂不计入统计，待重新交付后重跑。原因：{reasons}"
        )
    return {"completeness": completeness, "quality_notes": quality_notes, "held": held}


MARTS = {
    "entities",
    "complaints",
    "keyword_hits",
    "icp_sites",
    "leads",
    "lead_actions",
    "scheme_names",
    "suspect_entities",
    "as_of_dates",
    "daily_region_stats",
}


def bulletin_context(con: duckdb.DuckDBPyConnection, p: Period) -> dict[str, Any]:
    """Everything a bulletin shows. Before any marts were published, only data completeness."""
    tables = {t for (t,) in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}  # views too
    figures: dict[str, Any] = {"cards": [], "comparison_note": "尚无已发布的数据集市。", "as_of": None}
    if tables >= MARTS:
        figures = figures_context(con, p)
    return figures | completeness_context(con, p, figures["as_of"])


def render_bulletin(p: Period, settings: Settings) -> Path:
    """Write one bulletin for a period from the published marts."""
    with duckdb.connect(str(settings.marts_db), read_only=True) as con:
        context = bulletin_context(con, p)
    html = page(
        "bulletin.html.j2",
        title=f"{SERIES[p.kind]} {p.label}",
        heading=f"网络传销{SERIES[p.kind]}",
        issue=p.issue,
        period=p.label,
        period_end=p.end,
        **context,
    )
    return _write(p.path(settings.reports), html)


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".html.tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)
    return path


def due_periods(day: date) -> list[Period]:
    """The bulletins a date closes: its daily, its week on Sunday, its month on the last day."""
    periods = [Period.daily(day)]
    if day.weekday() == 6:
        periods.append(Period.weekly(day))
    if (day + timedelta(days=1)).day == 1:
        periods.append(Period.monthly(day))
    return periods


def render_index(settings: Settings) -> Path:
    """index.html: every bulletin by series, newest first, and the quality pages."""
    series_list = []
    for kind, title in SERIES.items():
        files = sorted((settings.reports / kind).glob("*.html"), reverse=True)
        series_list.append({"title": title, "entries": [{"href": f"{kind}/{f.name}", "label": f.stem} for f in files]})
    cases = sorted((settings.reports / "cases").glob("*.html"))
    if cases:
        series_list.append(
            {"title": "个案专报", "entries": [{"href": f"cases/{f.name}", "label": f.stem} for f in cases]}
        )
    quality = settings.reports / "quality" / "index.html"
    if quality.exists():
        series_list.append(
            {"title": "数据质量报告", "entries": [{"href": "quality/index.html", "label": "质量检查结果"}]}
        )
    html = page(
        "index.html.j2",
        with_plotly=False,
        index_href="index.html",
        title="网络传销监测简报目录",
        heading="网络传销监测简报目录",
        issue="",
        period="",
        series_list=series_list,
    )
    return _write(settings.reports / "index.html", html)


def render_due(day: date, settings: Settings) -> list[Path]:
    paths = [render_bulletin(p, settings) for p in due_periods(day)]
    return [*paths, render_index(settings)]


def render_range(days: Sequence[date], settings: Settings) -> list[Path]:
    """Every bulletin a range of dates makes due (a backfill's), in parallel processes: each is a few tenths
    of a second of one core. The index is left to the caller, once the quality pages it links exist."""
    periods = list(dict.fromkeys(p for day in days for p in due_periods(day)))
    context = multiprocessing.get_context("forkserver")
    workers = min(2, os.cpu_count() or 1, len(periods) or 1)
    with ProcessPoolExecutor(workers, mp_context=context, initializer=end_with_parent) as pool:
        return list(pool.map(render_bulletin, periods, [settings] * len(periods)))
