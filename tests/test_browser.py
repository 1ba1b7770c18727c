"""Bulletins and a case report in headless Chromium with the network cut: nothing leaves the file, the charts
draw, no script fails, nothing scrolls sideways on a 390 px phone, and A4 printing works. Screenshots and PDFs
are kept in test-artifacts/ (or $TEST_ARTIFACTS)."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest
from playwright.sync_api import Page, Route, sync_playwright
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from test_bulletins import published  # noqa: F401  (the fixture)
from test_pipeline import DAYS, SCHEME

from pipeline.config import ROOT, Settings
from reports.case import render_case
from reports.render import Period, render_bulletin

ARTIFACTS = Path(os.environ.get("TEST_ARTIFACTS", ROOT / "test-artifacts")) / "browser"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
MEDIA_BOX = re.compile(rb"/MediaBox \[0 0 ([\d.]+) ([\d.]+)\]")


def _open(page: Page, path: Path) -> tuple[list[str], list[str]]:
    """Load a file; every request that is not the file itself is recorded and refused."""
    outside: list[str] = []
    errors: list[str] = []

    def route(r: Route) -> None:
        if r.request.url.startswith("file://"):
            r.continue_()
        else:
            outside.append(r.request.url)
            r.abort()

    page.route("**/*", route)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(path.as_uri(), wait_until="load")
    try:
        page.wait_for_function("document.querySelectorAll('.js-plotly-plot .main-svg').length > 0", timeout=15000)
    except PlaywrightTimeout:
        pytest.fail(f"{path.name}: no chart drew in 15 s; script errors: {errors}; requests refused: {outside}")
    return outside, errors


@pytest.mark.slow
def test_pages_draw_offline_on_a_phone_and_print_on_a4(published: Settings) -> None:  # noqa: F811
    assert Path(CHROMIUM).exists(), "Chromium is missing: `make browser` installs Debian's chromium"
    pages = {
        "daily": render_bulletin(Period.daily(DAYS[-1]), published),
        "weekly": render_bulletin(Period.weekly(DAYS[-1]), published),
        "monthly": render_bulletin(Period.monthly(DAYS[-1]), published),
        "case": render_case(SCHEME, published),
    }
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        try:
            for name, path in pages.items():
                context = browser.new_context(viewport={"width": 390, "height": 844}, offline=True)
                page = context.new_page()
                outside, errors = _open(page, path)
                charts = page.evaluate(
                    "[...document.querySelectorAll('.js-plotly-plot')]"
                    ".filter(d => d.querySelector('.main-svg') && d.getBoundingClientRect().height > 100).length"
                )
                overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
                page.screenshot(path=ARTIFACTS / f"{name}-390px.png", full_page=True)
                page.pdf(path=ARTIFACTS / f"{name}-A4.pdf", format="A4")
                context.close()
                assert outside == [], f"{name}: requests left the file: {outside}"
                assert errors == [], f"{name}: script errors: {errors}"
                assert charts >= 2, f"{name}: {charts} charts drew"
                assert overflow <= 0, f"{name}: {overflow}px of horizontal scroll at 390 px"
                pdf = (ARTIFACTS / f"{name}-A4.pdf").read_bytes()
                boxes = [(float(w), float(h)) for w, h in MEDIA_BOX.findall(pdf)]
                a4 = all(abs(w - 595.3) < 2 and abs(h - 841.9) < 2 for w, h in boxes)  # 210 × 297 mm in points
                assert pdf.startswith(b"%PDF") and boxes and a4, f"{name}: pages {boxes}, not A4"
        finally:
            browser.close()
