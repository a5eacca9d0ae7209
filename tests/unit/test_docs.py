"""docs/profile.md is generated from the schema and must match it; the generator covers every key."""

from __future__ import annotations

from pathlib import Path
from typing import get_args

import pytest
from pydantic import BaseModel

from archsel.profile import reference_doc as docs
from archsel.profile.distributions import DistributionKind
from archsel.profile.fargate_schema import Fargate
from archsel.profile.lambda_schema import ProvisionedWindow
from archsel.profile.schema import WorkloadProfile
from archsel.profile.traffic_schema import Burst, Traffic

REPO = Path(__file__).resolve().parents[2]


def models_in(model: type[BaseModel]) -> set[type[BaseModel]]:
    """Every profile model reachable from ``model`` (as the docs walk them)."""
    found = {model}
    for section in docs.collect_sections(model):
        found.add(section_model(section.path, model))
    return found


def section_model(path: str, root: type[BaseModel]) -> type[BaseModel]:
    model = root
    for part in filter(None, path.replace("[]", "").split(".")):
        name = "lambda_" if part == "lambda" else ("from_" if part == "from" else part)
        annotation = model.model_fields[name].annotation
        model = next(child for child, _ in docs._nested_models(annotation))
    return model


def test_docs_profile_md_is_up_to_date() -> None:
    current = (REPO / "docs" / "profile.md").read_text(encoding="utf-8")
    assert current == docs.render_profile_reference(), (
        "docs/profile.md is out of date with archsel/profile/schema.py; regenerate it with `python3 -m archsel.profile.reference_doc`"
    )


def test_every_key_of_every_section_is_documented() -> None:
    sections = {section.path: section for section in docs.collect_sections()}
    assert {"", "traffic", "traffic.bursts[]", "lambda", "lambda.provisioned_concurrency[]"} <= set(sections)
    assert {"fargate.scaling", "database.aurora", "slo", "simulation", "pricing"} <= set(sections)
    for path, section in sections.items():
        model = section_model(path, WorkloadProfile)
        expected = {info.alias or name for name, info in model.model_fields.items()}
        assert {row.key for row in section.fields} == expected, path
        assert all(row.meaning for row in section.fields), f"{path}: a key without a description"


def test_types_defaults_and_aliases_read_as_yaml() -> None:
    rows = {(section.path, row.key): row for section in docs.collect_sections() for row in section.fields}
    assert rows[("simulation", "horizon")].default_text == "`1d`"
    assert rows[("simulation", "horizon")].type_text == "duration (> 0)"
    assert rows[("traffic", "peak_hour_utc")].default_text == "`18:00`"
    assert rows[("traffic", "shape")].type_text == "`constant` \\| `diurnal` \\| `weekly` \\| `trace`"
    assert rows[("", "lambda")].type_text == "mapping"
    assert rows[("", "name")].default_text == "required"
    assert rows[("lambda.provisioned_concurrency[]", "from")].type_text == "clock time"
    assert rows[("request", "duration_ms")].default_text == "`{distribution: lognormal, p50: 80, p95: 400}`"
    assert rows[("fargate", "spot")].default_text == "`false`"
    assert rows[("traffic", "requests_per_month")].type_text == "number or null (≥ 0)"


def test_intro_explains_units_distributions_and_the_total_rate() -> None:
    text = docs.render_profile_reference()
    for kind in get_args(DistributionKind):
        assert kind in text
    for phrase in ("`90s`", "`10m`", "`1d`", "UTC", "The rate is the total, bursts included", "p50", "p95"):
        assert phrase in text


def test_burst_example_in_the_intro_matches_the_traffic_model() -> None:
    from archsel.profile.loader import parse_profile
    from archsel.profile.traffic import summarize

    profile = parse_profile(
        "version: 1\nname: a\ntraffic: {mean_rps: 1, bursts: [{start: '12:00', duration_s: 600, multiplier: 50}]}\n"
    )
    summary = summarize(profile)
    assert round(summary.peak_rps / summary.mean_rps) == 37
    assert "about 37x the mean" in docs.INTRO


def test_check_mode_reports_a_stale_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "profile.md"
    assert docs.main([str(target)]) == 0
    assert docs.main([str(target), "--check"]) == 0
    target.write_text("stale\n", encoding="utf-8")
    assert docs.main([str(target), "--check"]) == 1
    assert "python3 -m archsel.profile.reference_doc" in capsys.readouterr().err


def test_models_reached_include_lists_and_unions() -> None:
    reached = models_in(WorkloadProfile)
    assert {Traffic, Burst, Fargate, ProvisionedWindow} <= reached
