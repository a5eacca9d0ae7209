"""`archsel recommend` on the shipped scenarios: the decisions an AWS architect would make, explained.

Each scenario is recommended once per module (through the real CLI, JSON output) and the
assertions read that JSON: the choice, the reasons and the numbers they carry.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from archsel.cli import main
from archsel.evaluate.runner import simulate_one
from archsel.pricing.table import load_prices
from archsel.profile.loader import load_profile
from archsel.recommend import recommend
from archsel.recommend.breakeven import scale_traffic
from archsel.recommend.document import RecommendDocument
from archsel.sim.result import SimOptions
from tests.conftest import SCENARIOS, CliResult

pytestmark = pytest.mark.slow

_CACHE: dict[str, dict[str, Any]] = {}


def _recommend_json(scenario: str, capsys: pytest.CaptureFixture[str]) -> dict[str, Any]:
    if scenario not in _CACHE:
        capsys.readouterr()
        with pytest.raises(SystemExit) as done:
            main(["recommend", str(SCENARIOS / f"{scenario}.yaml"), "--format", "json"])
        assert done.value.code in (0, 5)
        _CACHE[scenario] = json.loads(capsys.readouterr().out)
    return _CACHE[scenario]


def _reasons(document: dict[str, Any]) -> str:
    return " ".join(document["reasons"])


def _has_numbers(text: str) -> bool:
    return re.search(r"\d", text) is not None


def test_low_traffic_mvp_goes_to_lambda(capsys: pytest.CaptureFixture[str]) -> None:
    document = _recommend_json("startup-mvp", capsys)
    assert document["choice"]["architecture"] == "lambda"
    assert document["meets_slos"] is True
    assert 3 <= len(document["reasons"]) <= 5
    assert all(_has_numbers(reason) for reason in document["reasons"])
    assert "per-request billing" in document["reasons"][0]


def test_steady_high_throughput_api_goes_to_fargate(capsys: pytest.CaptureFixture[str]) -> None:
    document = _recommend_json("saas-steady", capsys)
    assert document["choice"]["architecture"] == "fargate"
    lambda_best = next(c for c in document["candidates"] if c["key"] == document["best"]["lambda"])
    assert document["choice"]["monthly_usd"] < lambda_best["monthly_usd"]
    assert "steady load" in document["reasons"][0]


def test_relational_app_reasons_address_connections(capsys: pytest.CaptureFixture[str]) -> None:
    text = _reasons(_recommend_json("relational-app", capsys))
    assert "RDS Proxy" in text
    assert re.search(r"about [\d,]+ connections", text)
    assert "8 ACUs" in text


def test_flash_sale_reasons_address_both_scaling_mechanisms(capsys: pytest.CaptureFixture[str]) -> None:
    text = _reasons(_recommend_json("flash-sale", capsys))
    assert re.search(r"50x burst lasting [\d,]+ s", text)
    assert "scaling bucket" in text  # Lambda's scaling rate
    assert "target tracking reacts only after" in text  # Fargate's scale-out lag


def test_file_sharing_uses_presigned_uploads(capsys: pytest.CaptureFixture[str]) -> None:
    document = _recommend_json("file-sharing", capsys)
    text = _reasons(document)
    assert "presigned URLs" in text
    assert document["choice"]["workload"]["storage"]["presigned_urls"] is True


def test_break_even_is_consistent_with_simulation() -> None:
    """At half the break-even traffic the cheaper side is the one below it, at twice the other one.

    The break-even comes from the calibrated usage model; this test re-simulates both best designs
    at 0.5x and 2x of it, so it checks the scan against the simulator, not against itself.
    """
    profile = load_profile(SCENARIOS / "startup-mvp.yaml")
    prices = load_prices(profile.region)
    rec = recommend(profile, prices)
    assert rec.break_even is not None and rec.break_even.traffic is not None
    flip = rec.break_even.traffic
    from archsel.cost.engine import estimate

    def simulated_cost(architecture: str, factor: float) -> float:
        best = rec.best_of(architecture)  # type: ignore[arg-type]
        assert best is not None
        scaled = scale_traffic(best.candidate.profile, factor)
        options = SimOptions(horizon_s=scaled.simulation.horizon, warmup_s=scaled.simulation.warmup)
        run = simulate_one(scaled, best.candidate.architecture, seed=1, replication=0, options=options)
        return float(estimate(scaled, run.usage, prices).monthly_usd)

    below, above = flip.factor * 0.5, flip.factor * 2.0
    cheaper_below = min(("lambda", "fargate"), key=lambda arch: simulated_cost(arch, below))
    cheaper_above = min(("lambda", "fargate"), key=lambda arch: simulated_cost(arch, above))
    assert (cheaper_below, cheaper_above) == (flip.cheaper_below, flip.cheaper_above)
    assert cheaper_below != cheaper_above


def test_same_seed_gives_byte_identical_json(run_cli: Callable[..., CliResult]) -> None:
    first = run_cli("recommend", str(SCENARIOS / "startup-mvp.yaml"), "--format", "json", "--seed", "7")
    second = run_cli("recommend", str(SCENARIOS / "startup-mvp.yaml"), "--format", "json", "--seed", "7")
    assert first.exit_code == 0, first.stderr
    assert first.stdout == second.stdout


def test_unreachable_objective_exits_5_with_the_closest_design(
    run_cli: Callable[..., CliResult], write_profile: Callable[[str], Path]
) -> None:
    text = (SCENARIOS / "startup-mvp.yaml").read_text(encoding="utf-8")
    text = text.replace("p99_latency_ms: 1500", "p99_latency_ms: 5")
    result = run_cli("recommend", str(write_profile(text)), "--format", "json")
    assert result.exit_code == 5
    document = json.loads(result.stdout)
    assert document["meets_slos"] is False
    failing = {slo["name"] for slo in document["choice"]["slos"] if not slo["holds"]}
    assert "p99_latency_ms" in failing


def test_markdown_decision_record(run_cli: Callable[..., CliResult]) -> None:
    result = run_cli("recommend", str(SCENARIOS / "startup-mvp.yaml"), "--format", "markdown")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("# Decision record: how to run `startup-mvp` on AWS")
    assert "| design | USD/month |" in result.stdout
    assert "Break-even:" in result.stdout


@pytest.mark.parametrize("scenario", ["startup-mvp", "saas-steady", "relational-app", "flash-sale", "file-sharing"])
def test_the_json_reads_back_as_the_document_model_unchanged(scenario: str, capsys: pytest.CaptureFixture[str]) -> None:
    """What recommend writes is what the model reads (no key it does not know, none missing) and dumps again."""
    document = _recommend_json(scenario, capsys)
    model = RecommendDocument.model_validate(document)
    assert json.dumps(model.plain(), sort_keys=True) == json.dumps(document, sort_keys=True)
