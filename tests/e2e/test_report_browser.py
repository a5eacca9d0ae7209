"""The HTML report opened in a real headless Chromium: every chart renders, no console errors.

Chromium comes from Debian's `chromium` package (scripts/test installs it); Playwright drives it
through `executable_path`, so no browser is downloaded.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import REPO, CliResult

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
ARTIFACTS = REPO / "test-artifacts"
CHART_IDS = ("chart-cost-vs-traffic", "chart-latency-cdf", "chart-capacity", "chart-cost-breakdown")

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def chromium_path() -> str:
    if CHROMIUM is None:
        if os.environ.get("CI"):
            pytest.fail("chromium is not installed; scripts/test installs Debian's chromium package")
        pytest.skip("chromium is not installed (scripts/test installs it)")
    return CHROMIUM


def test_html_report_renders_every_chart_without_console_errors(
    run_cli: Callable[..., CliResult], tmp_path: Path, chromium_path: str
) -> None:
    from playwright.sync_api import sync_playwright

    report = tmp_path / "report.html"
    result = run_cli(
        "recommend", str(REPO / "scenarios" / "startup-mvp.yaml"), "--format", "html", "--out", str(report)
    )
    assert result.exit_code in (0, 5), result.stderr
    assert report.stat().st_size > 10_000

    console_errors: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium_path,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"],
        )
        page = browser.new_page(viewport={"width": 1200, "height": 900})
        page.on("console", lambda message: console_errors.append(message.text) if message.type == "error" else None)
        page.on("pageerror", lambda error: console_errors.append(str(error)))
        page.goto(report.as_uri())
        for chart_id in CHART_IDS:
            box = page.locator(f"#{chart_id} svg").bounding_box()
            assert box is not None, f"{chart_id} has no rendered SVG"
            assert box["width"] > 300 and box["height"] > 100, f"{chart_id} rendered too small: {box}"
            # A chart with data draws paths (lines, bars), not just axes.
            assert page.locator(f"#{chart_id} svg path").count() > 10, f"{chart_id} drew no data"
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "recommend-report.png"), full_page=True)
        browser.close()
    assert console_errors == []


# For each chart: the screen boxes of its legend, and points sampled along every plotted line
# (matplotlib names the groups legend_N and line2d_N in its SVG).
_GEOMETRY_JS = """
chartId => {
  const svg = document.querySelector(`#${chartId} svg`);
  const box = el => { const r = el.getBoundingClientRect(); return {x: r.x, y: r.y, w: r.width, h: r.height}; };
  const legends = [...svg.querySelectorAll('g[id^="legend_"]')].map(g => box(g.querySelector('path') || g));
  const points = [];
  for (const g of svg.querySelectorAll('g[id^="line2d_"]')) {
    if (g.closest('g[id^="legend_"]') || g.closest('g[id^="matplotlib.axis"]')) continue;
    for (const path of g.querySelectorAll('path')) {
      const length = path.getTotalLength();
      const matrix = path.getScreenCTM();
      for (let i = 0; i <= 200 && length > 0; i++) {
        const p = path.getPointAtLength(length * i / 200).matrixTransform(matrix);
        points.push([p.x, p.y]);
      }
    }
  }
  return {legends, points};
}
"""

# The fill colour of each legend entry's patch in the cost breakdown (one entry per service).
_LEGEND_COLOURS_JS = """
chartId => [...document.querySelectorAll(`#${chartId} svg g[id^="legend_"] g[id^="patch_"] path`)]
  .slice(1).map(p => getComputedStyle(p).fill)
"""


def test_report_legends_stay_clear_of_the_lines_and_services_have_their_own_colours(
    run_cli: Callable[..., CliResult], tmp_path: Path, chromium_path: str
) -> None:
    from playwright.sync_api import sync_playwright

    report = tmp_path / "report.html"
    result = run_cli(
        "recommend", str(REPO / "scenarios" / "startup-mvp.yaml"), "--format", "html", "--out", str(report)
    )
    assert result.exit_code in (0, 5), result.stderr
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path, args=["--no-sandbox", "--disable-gpu"])
        page = browser.new_page(viewport={"width": 1200, "height": 900})
        page.goto(report.as_uri())
        for chart_id in ("chart-capacity",):
            geometry = page.evaluate(_GEOMETRY_JS, chart_id)
            assert geometry["legends"], f"{chart_id} has no legend"
            for legend in geometry["legends"]:
                inside = [
                    (x, y)
                    for x, y in geometry["points"]
                    if legend["x"] < x < legend["x"] + legend["w"] and legend["y"] < y < legend["y"] + legend["h"]
                ]
                assert inside == [], f"{chart_id}: the legend {legend} covers plotted points {inside[:3]}"
        colours = page.evaluate(_LEGEND_COLOURS_JS, "chart-cost-breakdown")
        browser.close()
    assert len(colours) >= 2
    assert len(set(colours)) == len(colours), f"services share a colour: {colours}"
