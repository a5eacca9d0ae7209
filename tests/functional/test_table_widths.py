"""Every command's table output reads whole at 80 and 120 columns, on a terminal and piped: no cell cut by '…'.

The results are real (short simulations of shipped scenarios); each is rendered through its
view at both widths, to a stream that says it is a terminal (with and without NO_COLOR) or not,
and the test reads what a user would: no ellipsis, no line wider than the terminal, every
design name, price source and failing objective written out in full.
"""

from __future__ import annotations

import io
import os
import re
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml

from archsel import api
from archsel.views import common, cost, fleet, recommend, simulate, sweep, telemetry
from tests.conftest import REPO, SCENARIOS

pytestmark = pytest.mark.slow

ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
SHORT_RUN = {"horizon": "1h", "warmup": "5m", "seed": 1, "replications": 1, "allow_short_horizon": True}  # a quick run


class _Stream(io.StringIO):
    """A text stream that is, or is not, a terminal."""

    def __init__(self, terminal: bool) -> None:
        super().__init__()
        self.terminal = terminal

    def isatty(self) -> bool:
        return self.terminal


@cache
def _short_profile(scenario: str, folder: str) -> Path:
    """The shipped scenario with a one-hour, one-replication simulation (the tables, not the figures, are tested)."""
    document = yaml.safe_load((SCENARIOS / f"{scenario}.yaml").read_text(encoding="utf-8"))
    document["simulation"] = SHORT_RUN
    path = Path(folder) / f"{scenario}.yaml"
    path.write_text(yaml.safe_dump(document), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> str:
    return str(tmp_path_factory.mktemp("widths"))


@pytest.fixture(scope="module")
def recommendations(folder: str) -> dict[str, Any]:
    return {
        name: api.recommend(api.load(_short_profile(name, folder)), jobs=1)
        for name in ("startup-mvp", "multi-route-api")
    }


@pytest.fixture(scope="module")
def renderers(folder: str, recommendations: dict[str, Any]) -> dict[str, Callable[[io.StringIO], None]]:
    """Each command's view with its result computed once."""
    mvp = _short_profile("startup-mvp", folder)
    routes = _short_profile("multi-route-api", folder)
    validated = api.validate(mvp)
    priced = api.cost(routes)
    simulated = api.simulate(api.load(mvp))
    swept = api.sweep(api.plan_sweep(mvp, vary=["traffic.mean_rps=1,20"], replications=1), jobs=1)
    table = api.pricing_table()
    summary = api.fleet(list(recommendations.values()))
    mvp_rec = recommendations["startup-mvp"]
    grown = api.growth_plan(mvp_rec, api.growth_settings(mvp_rec.profile, growth="60%/month", months=36))
    imported = api.import_logs([REPO / "tests/data/telemetry/lambda-report.log"], out=Path(folder) / "imported.yaml")
    return {
        "validate": lambda s: common.render_validation(validated, fmt="table", stream=s),
        "cost": lambda s: cost.render_cost(priced, fmt="table", stream=s),
        "simulate": lambda s: simulate.render_simulation(simulated, fmt="table", stream=s),
        "recommend": lambda s: recommend.render_recommendation(
            recommendations["startup-mvp"], fmt="table", stream=s, show_all=True
        ),
        "recommend --growth": lambda s: recommend.render_recommendation(mvp_rec, fmt="table", stream=s, growth=grown),
        "sweep": lambda s: sweep.render_sweep(swept, fmt="table", stream=s),
        "pricing show": lambda s: cost.render_pricing(table, table.prices, fmt="table", stream=s),
        "fleet": lambda s: fleet.render_fleet(summary, fmt="table", stream=s),
        "import": lambda s: telemetry.render_import(imported, fmt="table", stream=s),
    }


def _render(monkeypatch: pytest.MonkeyPatch, render: Callable[[io.StringIO], None], width: int, mode: str) -> str:
    monkeypatch.setenv("COLUMNS", str(width))
    if mode == "no-color terminal":
        monkeypatch.setenv("NO_COLOR", "1")
    else:
        monkeypatch.delenv("NO_COLOR", raising=False)
    stream = _Stream(terminal=mode != "pipe")
    render(stream)
    return ANSI.sub("", stream.getvalue())


COMMANDS = (
    "validate",
    "cost",
    "simulate",
    "recommend",
    "recommend --growth",
    "sweep",
    "pricing show",
    "fleet",
    "import",
)
MODES = ("terminal", "no-color terminal", "pipe")


@pytest.mark.parametrize("width", [80, 120])
@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("command", COMMANDS)
def test_no_cell_is_cut_and_no_line_overflows(
    command: str,
    mode: str,
    width: int,
    renderers: dict[str, Callable[[io.StringIO], None]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    render = renderers[command]
    output = _render(monkeypatch, render, width, mode)
    if os.environ.get("ARCHSEL_TABLE_DUMP"):  # to read the outputs: ARCHSEL_TABLE_DUMP=folder pytest ...
        name = f"{command.replace(' ', '-')}-{width}-{mode.replace(' ', '-')}.txt"
        Path(os.environ["ARCHSEL_TABLE_DUMP"], name).write_text(output, encoding="utf-8")
    assert output.strip()
    assert "…" not in output, output
    widest = max(len(line) for line in output.splitlines())
    assert widest <= width, output
    if command == "recommend --growth":  # a cell cut without an ellipsis still loses the choice's name
        timeline = output.split("Growth plan (compact timeline)", 1)[1].split("Growth plan:", 1)[0]
        choices = [line.split()[-1] for line in timeline.splitlines() if line.strip()[:1].isdigit()]
        assert choices and set(choices) <= {"lambda", "fargate", "lambda-managed"}, timeline
        assert "lambda-managed" in choices, timeline  # this plan flips to it: its name must read whole


def test_recommend_writes_designs_and_missed_objectives_in_full(
    folder: str, recommendations: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    rec = recommendations["startup-mvp"]
    output = _render(
        monkeypatch,
        lambda s: recommend.render_recommendation(rec, fmt="table", stream=s, show_all=True),
        80,
        "no-color terminal",
    )
    flat = " ".join(output.split())
    for evaluation in rec.evaluations:
        assert evaluation.candidate.describe() in flat
        for outcome in evaluation.slos:
            if not outcome.holds:
                assert f"{evaluation.candidate.describe()}: {outcome.name} is" in flat
    assert "1 tasks" not in output


def test_pricing_show_gives_every_source_in_full(monkeypatch: pytest.MonkeyPatch) -> None:
    table = api.pricing_table()
    output = _render(
        monkeypatch, lambda s: cost.render_pricing(table, table.prices, fmt="table", stream=s), 80, "terminal"
    )
    for price in table.prices:
        assert price.source in output


def test_a_no_color_terminal_uses_its_real_width(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("COLUMNS", "80")
    assert common.console_for(_Stream(terminal=True)).width == 80
    monkeypatch.delenv("COLUMNS")
    assert common.console_for(_Stream(terminal=False)).width == 120


def test_simulate_names_the_designs_it_ran(folder: str) -> None:
    profile = api.load(_short_profile("startup-mvp", folder))
    report = api.simulate(profile, architectures=("fargate",))
    document = simulate.simulation_document(report)
    design = document["designs"]["fargate"]
    assert design["basis"] == "profile settings"
    assert design["settings"]["vcpu"] == profile.fargate.vcpu
    assert design["settings"]["memory_gb"] == profile.fargate.memory_gb
    assert [result["architecture"] for result in document["results"]] == ["fargate"]


def test_the_html_report_and_markdown_record_carry_routes_and_missed_objectives(
    recommendations: dict[str, Any],
) -> None:
    from archsel.views.html_routes import routes_section

    routed = recommendations["multi-route-api"]
    section = routes_section(routed)
    assert "By route:" in section
    for route in routed.profile.request.routes:
        assert f"{route.method} {route.path}" in section
    assert routes_section(recommendations["startup-mvp"]) == ""
    mvp = recommendations["startup-mvp"]
    record = recommend.markdown_record(mvp, mvp.evaluations)
    missed = [(e, o) for e in mvp.evaluations for o in e.slos if not o.holds]
    assert missed  # the $100 budget of startup-mvp rules out every Fargate design
    for evaluation, outcome in missed:
        assert f"Objective missed by {evaluation.candidate.describe()}: {outcome.name} is" in record
