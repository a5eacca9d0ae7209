"""The HTML reports opened in a real headless Chromium: every chart renders, no console errors, and every
legend stays off its chart's plotting area (recommend's charts, the growth plan's, sweep's).

Chromium comes from Debian's `chromium` package (scripts/test installs it); Playwright drives it
through `executable_path`, so no browser is downloaded.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import REPO, CliResult
from tests.sweep_support import TINY

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


# For each chart: the screen boxes of its legends, of its plotting area (the axes' background patch),
# and points sampled along every plotted line (matplotlib names the groups legend_N, axes_N, line2d_N).
_GEOMETRY_JS = """
chartId => {
  const svg = document.querySelector(`#${chartId} svg`);
  const box = el => { const r = el.getBoundingClientRect(); return {x: r.x, y: r.y, w: r.width, h: r.height}; };
  const legends = [...svg.querySelectorAll('g[id^="legend_"]')].map(g => box(g.querySelector('path') || g));
  const plots = [...svg.querySelectorAll('g[id^="axes_"] > g[id^="patch_"]:first-child path')].map(box);
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
  return {legends, plots, points};
}
"""

# The fill colour of each legend entry's patch in the cost breakdown (one entry per service).
_LEGEND_COLOURS_JS = """
chartId => [...document.querySelectorAll(`#${chartId} svg g[id^="legend_"] g[id^="patch_"] path`)]
  .slice(1).map(p => getComputedStyle(p).fill)
"""

# Every chart of a page, so a chart added later is checked without editing this test.
_CHART_IDS_JS = "() => [...document.querySelectorAll('figure.chart')].map(f => f.id)"

RECOMMEND_CHARTS = {*CHART_IDS, "chart-cost-over-time"}
SWEEP_CHARTS = {"chart-sweep-cost", "chart-sweep-p99", "chart-sweep-cheapest"}


def _overlap(a: dict[str, float], b: dict[str, float]) -> bool:
    return (
        a["x"] < b["x"] + b["w"] and b["x"] < a["x"] + a["w"] and a["y"] < b["y"] + b["h"] and b["y"] < a["y"] + a["h"]
    )


def _check_legends(page: Any, chart_id: str) -> bool:
    """Assert the chart's legends stay off its plotting area and its lines; whether it has a legend."""
    geometry = page.evaluate(_GEOMETRY_JS, chart_id)
    assert len(geometry["plots"]) == 1, f"{chart_id}: expected one plotting area, found {geometry['plots']}"
    (plot,) = geometry["plots"]
    for legend in geometry["legends"]:
        assert not _overlap(legend, plot), f"{chart_id}: the legend {legend} lies over the plotting area {plot}"
        inside = [
            (x, y)
            for x, y in geometry["points"]
            if legend["x"] < x < legend["x"] + legend["w"] and legend["y"] < y < legend["y"] + legend["h"]
        ]
        assert inside == [], f"{chart_id}: the legend {legend} covers plotted points {inside[:3]}"
    return bool(geometry["legends"])


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """A recommend report with every chart (the growth plan's too) and a sweep report, made once."""
    folder = tmp_path_factory.mktemp("reports")
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    recommend = folder / "report.html"
    growth = ("--growth", "8%/month", "--months", "24", "--format", "html", "--out", str(recommend))
    made = subprocess.run(
        [sys.executable, "-m", "archsel", "recommend", str(REPO / "scenarios/startup-mvp.yaml"), *growth],
        env=env,
        check=False,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert made.returncode in (0, 5), made.stderr  # 5: objectives not met, still a report
    sweep = folder / "sweep.html"
    profile = folder / "tiny.yaml"
    profile.write_text(TINY, encoding="utf-8")
    vary = ("--vary", "traffic.mean_rps=0.2,5,40", "--vary", "lambda.memory_mb=512,1024")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "archsel",
            "sweep",
            str(profile),
            *vary,
            "--arch",
            "all",
            "--out",
            str(sweep),
            "-j",
            "1",
        ],
        env=env,
        check=True,
        capture_output=True,
        timeout=600,
    )
    assert recommend.stat().st_size > 10_000 and sweep.stat().st_size > 10_000
    return {"recommend": recommend, "sweep": sweep}


def test_report_legends_stay_clear_of_the_data_and_services_have_their_own_colours(
    reports: dict[str, Path], chromium_path: str
) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path, args=["--no-sandbox", "--disable-gpu"])
        page = browser.new_page(viewport={"width": 1200, "height": 900})
        checked: dict[str, set[str]] = {}
        ARTIFACTS.mkdir(exist_ok=True)
        for kind, report in reports.items():
            page.goto(report.as_uri())
            charts = page.evaluate(_CHART_IDS_JS)
            checked[kind] = {chart_id for chart_id in charts if _check_legends(page, chart_id)}
            checked[f"{kind} charts"] = set(charts)
            page.screenshot(path=str(ARTIFACTS / f"{kind}-legends.png"), full_page=True)
        page.goto(reports["recommend"].as_uri())
        colours = page.evaluate(_LEGEND_COLOURS_JS, "chart-cost-breakdown")
        browser.close()
    assert checked["recommend charts"] == RECOMMEND_CHARTS
    assert checked["recommend"] == RECOMMEND_CHARTS  # every chart of the recommend report has a legend
    assert checked["sweep charts"] == SWEEP_CHARTS
    assert checked["sweep"] == SWEEP_CHARTS - {"chart-sweep-cheapest"}  # the map labels its cells instead
    assert len(colours) >= 2
    assert len(set(colours)) == len(colours), f"services share a colour: {colours}"
