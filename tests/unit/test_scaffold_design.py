"""Designs: from a profile, from a recommendation, from recommend JSON (the dump must round-trip)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from types import SimpleNamespace

import pytest

from archsel.errors import ExitCode, ProfileError, UsageError
from archsel.profile.loader import parse_profile
from archsel.recommend.document import RecommendDocument
from archsel.scaffold.design import (
    design_from_document,
    design_from_json,
    design_from_profile,
    design_from_recommendation,
)
from tests.recommend_support import candidate_document
from tests.recommend_support import recommend_document as full_document

REAL_RECOMMEND_JSON = Path(__file__).resolve().parent.parent / "data" / "recommend" / "saas-steady.json"

PROFILE = """
version: 1
name: shop
traffic:
  requests_per_month: 1000000
  shape: diurnal
  peak_rps: 2
  peak_hour_utc: "18:30"
  bursts: [{start: "12:00", every: 6h, duration_s: 60, multiplier: 4}]
lambda:
  memory_mb: 512
  provisioned_concurrency: [{from: "07:15", to: "23:00", count: 3}]
  reserved_concurrency: 10
fargate: {vcpu: 1, memory_gb: 2}
database: {kind: dynamodb}
"""


def profile():
    return parse_profile(PROFILE)


def recommend_document(architecture: str = "lambda") -> dict:
    workload = profile().model_dump(mode="json", by_alias=True)
    lambda_doc = candidate_document("l-512", "lambda", "Lambda 512 MB", 9.5, workload)
    fargate_doc = candidate_document("f-1", "fargate", "Fargate 1 vCPU", 40.0, workload)
    choice = lambda_doc if architecture == "lambda" else fargate_doc
    return full_document([lambda_doc, fargate_doc], choice, ["cheaper", "meets the p99 objective"], "2025-06-01")


def test_design_from_profile_keeps_the_profile() -> None:
    design = design_from_profile(profile(), "fargate")
    assert design.architecture == "fargate" and design.profile == profile() and design.summary is None


def test_unknown_architecture_is_a_usage_error() -> None:
    with pytest.raises(UsageError) as raised:
        design_from_profile(profile(), "ec2")
    assert raised.value.exit_code == ExitCode.USAGE and raised.value.hint


def test_profile_hash_is_stable_and_tracks_settings() -> None:
    first, again = design_from_profile(profile(), "lambda"), design_from_profile(profile(), "lambda")
    assert first.profile_hash == again.profile_hash and len(first.profile_hash) == 64
    changed = profile().model_copy(update={"name": "other"})
    assert design_from_profile(changed, "lambda").profile_hash != first.profile_hash


def test_recommend_json_round_trips_the_profile_with_its_clock_times() -> None:
    """The dump writes clock times as seconds; read back, they must mean the same times."""
    design = design_from_document(recommend_document(), source="rec.json")
    assert design.profile == profile()
    assert design.profile.traffic.peak_hour_utc == 18.5 * 3600
    assert design.profile.lambda_.provisioned_concurrency[0].from_ == 7.25 * 3600
    assert design.summary is not None and design.summary.description == "Lambda 512 MB"
    assert design.summary.reasons == ("cheaper", "meets the p99 objective")
    assert design.summary.pricing_as_of == "2025-06-01" and not design.overridden


def test_arch_override_takes_that_architectures_best(tmp_path: Path) -> None:
    path = tmp_path / "rec.json"
    path.write_text(json.dumps(recommend_document()), encoding="utf-8")
    design = design_from_json(path, "fargate")
    assert design.architecture == "fargate" and design.overridden
    assert design.summary is not None and design.summary.monthly_usd == 40.0
    assert design.summary.recommended_architecture == "lambda"


def test_json_without_workload_names_the_fix() -> None:
    document = recommend_document()
    del document["choice"]["workload"]
    with pytest.raises(ProfileError) as raised:
        design_from_document(document, source="old.json")
    assert "choice.workload" in raised.value.message and raised.value.hint


def test_a_real_recommend_json_round_trips_byte_for_byte(tmp_path: Path) -> None:
    """What `archsel recommend --format json` wrote reads back as the model and dumps to the same bytes."""
    text = REAL_RECOMMEND_JSON.read_text(encoding="utf-8")
    document = RecommendDocument.model_validate_json(text)
    assert json.dumps(document.plain(), indent=2, sort_keys=True, allow_nan=False) + "\n" == text
    design = design_from_json(REAL_RECOMMEND_JSON)
    assert design.architecture == document.choice.architecture
    assert design.profile == document.choice.workload
    assert design.summary is not None and design.summary.monthly_usd == document.choice.monthly_usd
    assert design.summary.reasons == document.reasons


def test_a_missing_monthly_usd_is_refused_naming_the_field_and_file(tmp_path: Path) -> None:
    document = recommend_document()
    del document["choice"]["monthly_usd"]
    path = tmp_path / "rec.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    with pytest.raises(ProfileError) as raised:
        design_from_json(path)
    assert str(path) in raised.value.message
    assert "choice.monthly_usd is missing" in raised.value.message
    assert raised.value.hint


def test_a_mistyped_field_is_refused_naming_it() -> None:
    document = recommend_document()
    document["candidates"][1]["result"]["requests"] = "many"
    with pytest.raises(ProfileError, match=r"candidates\.1\.result\.requests: Input should be a valid integer"):
        design_from_document(document, source="rec.json")


def test_not_a_recommendation(tmp_path: Path) -> None:
    path = tmp_path / "x.json"
    path.write_text("[1, 2]", encoding="utf-8")
    with pytest.raises(ProfileError, match="no choice object"):
        design_from_json(path)
    path.write_text("{not json", encoding="utf-8")
    with pytest.raises(ProfileError, match=r"x.json:1: not valid JSON"):
        design_from_json(path)


def test_arch_override_without_that_design() -> None:
    document = recommend_document()
    document["best"] = {"lambda": "l-512"}
    with pytest.raises(UsageError, match="no fargate design"):
        design_from_document(document, source="rec.json", architecture="fargate")


def fake_recommendation():
    """The parts of a Recommendation the design reads (the recommend package needs the simulators)."""

    def evaluation(architecture: str, usd: str) -> SimpleNamespace:
        label = f"{architecture.title()} from the profile"
        candidate = SimpleNamespace(architecture=architecture, profile=profile(), describe=lambda: label)
        return SimpleNamespace(candidate=candidate, result=SimpleNamespace(estimate=SimpleNamespace(monthly_usd=usd)))

    lam, far = evaluation("lambda", "9.456"), evaluation("fargate", "41.2")
    return SimpleNamespace(
        choice=lam,
        reasons=("Lambda is cheaper",),
        prices=SimpleNamespace(as_of=dt.date(2025, 6, 1)),
        best_of=lambda arch: {"lambda": lam, "fargate": far}.get(arch),
    )


def test_design_from_recommendation_quotes_the_choice() -> None:
    design = design_from_recommendation(fake_recommendation())  # type: ignore[arg-type]
    assert design.architecture == "lambda"
    assert design.summary is not None
    assert design.summary.description == "Lambda from the profile"
    assert design.summary.monthly_usd == 9.46 and design.summary.pricing_as_of == "2025-06-01"
    override = design_from_recommendation(fake_recommendation(), "fargate")  # type: ignore[arg-type]
    assert override.architecture == "fargate" and override.overridden
