"""Bulletins: rendered from the published marts, parsed back, figures equal to SQL, hostile text inert."""

from __future__ import annotations

import re
from datetime import date
from html.parser import HTMLParser

import duckdb
import pytest
from landing import write
from test_pipeline import DAYS, deliver

from pipeline import night
from pipeline.config import Settings
from reports.render import Period, due_periods

HOSTILE = "<script>alert('x')</script>聚财通<img src=x onerror=alert(1)>"


class Cards(HTMLParser):
    """Collects headline cards (label → value), script tags and inline event handlers."""

    def __init__(self) -> None:
        super().__init__()
        self.cards: dict[str, str] = {}
        self.scripts = 0
        self.handlers: list[str] = []
        self._class: str | None = None
        self._label: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.scripts += tag == "script"
        self.handlers += [name for name, _ in attrs if name.startswith("on")]
        self._class = dict(attrs).get("class")

    def handle_data(self, data: str) -> None:
        if self._class == "label":
            self._label = data.strip()
        elif self._class == "value" and self._label:
            self.cards[self._label] = data.strip()
            self._label = None
        self._class = None


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    root = tmp_path_factory.mktemp("bulletins")
    settings = Settings(landing=root / "landing", warehouse=root / "warehouse", reports=root / "reports")
    deliver(settings.landing)
    hostile = [
        {
            "ticket_id": f"X{i}",
            "received_at": f"{DAYS[i]} 12:00",
            "kind": "举报",
            "target_name": HOSTILE,
            "description": "交入会费、发展下线拿见点奖，层级对碰，日息复投",
            "amount": 50000,
        }
        for i in range(3)
    ]
    write(settings.landing / "complaints" / DAYS[2].isoformat(), "hostile", "complaints", hostile, "csv-utf8")
    night.backfill(DAYS[0], DAYS[-1], settings)
    return settings


def test_daily_figures_equal_sql_on_the_marts(published: Settings) -> None:
    day = DAYS[-1]
    html = (published.reports / "daily" / f"{day}.html").read_text(encoding="utf-8")
    parser = Cards()
    parser.feed(html)
    with duckdb.connect(str(published.marts_db), read_only=True) as con:
        expected = {
            "投诉举报": con.execute("SELECT count(*) FROM complaints WHERE delivery_date = ?", [day]).fetchone()[0],
            "监测命中": con.execute("SELECT count(*) FROM keyword_hits WHERE delivery_date = ?", [day]).fetchone()[0],
            "新增红色预警": con.execute(
                "SELECT count(*) FROM leads WHERE warning_level = 'red' AND issued_date = ?", [day]
            ).fetchone()[0],
        }
    assert expected["投诉举报"] == 5  # two tickets, the re-delivered one once, three hostile ones
    for label, value in expected.items():
        assert parser.cards[label] == str(value), label
    assert f"{day.year}年第{day.timetuple().tm_yday}期" in html


def test_hostile_text_stays_inert(published: Settings) -> None:
    html = (published.reports / "daily" / f"{DAYS[0]}.html").read_text(encoding="utf-8")
    html += (published.reports / "daily" / f"{DAYS[2]}.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(" in html, "the hostile name is shown, escaped"
    assert "<script>alert(" not in html and "<img src=x" not in html
    parser = Cards()
    parser.feed(html)
    assert parser.handlers == []
    assert parser.scripts == html.count("<script")  # only the bulletin's own scripts


def test_every_bulletin_embeds_plotly_once_and_draws_offline(published: Settings) -> None:
    html = (published.reports / "daily" / f"{DAYS[1]}.html").read_text(encoding="utf-8")
    assert html.count("plotly.js v") >= 1 and html.count("Plotly.newPlot") >= 2
    assert not re.search(r"<script[^>]+src=[\"']https?://", html), "no script from the network"
    assert not re.search(r"<link[^>]+href=[\"']https?://", html), "no stylesheet or font from the network"


def test_numbering_follows_the_period_and_is_stable(published: Settings) -> None:
    assert Period.daily(date(2026, 1, 1)).issue == "2026年第1期"
    assert Period.weekly(date(2026, 3, 4)).key == "2026-W10" and Period.weekly(date(2026, 3, 4)).issue == "2026年第10期"
    assert Period.monthly(date(2026, 3, 31)).issue == "2026年第3期"
    assert [p.kind for p in due_periods(date(2026, 5, 31))] == ["daily", "weekly", "monthly"]
    first = (published.reports / "daily" / f"{DAYS[1]}.html").read_text(encoding="utf-8")
    night.render(DAYS[1], published)
    again = (published.reports / "daily" / f"{DAYS[1]}.html").read_text(encoding="utf-8")
    strip = re.compile(r"生成于 [0-9: -]+")
    assert strip.sub("", first) == strip.sub("", again)


def test_index_lists_every_bulletin_newest_first(published: Settings) -> None:
    index = (published.reports / "index.html").read_text(encoding="utf-8")
    links = re.findall(r'href="(daily/[^"]+)"', index)
    assert links == [f"daily/{d}.html" for d in reversed(DAYS)]
    assert 'href="quality/index.html"' in index
    assert all((published.reports / link).exists() for link in links)


def test_weekly_and_monthly_written_when_their_period_closes(published: Settings) -> None:
    weekly = Period.weekly(DAYS[0])
    monthly = Period.monthly(DAYS[0])
    assert not weekly.path(published.reports).exists(), "the week of 2026-03-02 has not closed"
    assert not monthly.path(published.reports).exists()
    sunday = date(2026, 3, 8)
    night.render(sunday, published)
    text = weekly.path(published.reports).read_text(encoding="utf-8")
    assert "网络传销监测周报" in text and "2026年第10期" in text and "走势" in text
