"""Profile -> recommend -> scaffold -> parse the template: the deployed settings are the recommended ones.

Runs `recommend` end to end (simulators, cost engine, price tables). The profile's simulation is shortened (2 h, one replication) to keep it quick.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pytest

from archsel import api
from archsel.profile.loader import load_profile
from tests.conftest import SCENARIOS
from tests.e2e.cfn_tools import Template, only, resources, sam_transform

pytestmark = pytest.mark.slow


def deployed_settings(template: Template, architecture: str) -> dict[str, Any]:
    """The design knobs (`Candidate.settings()` names) as the template sets them."""
    if architecture == "lambda":
        function = next(
            r["Properties"]
            for r in resources(template, "AWS::Lambda::Function").values()
            if r["Properties"]["Handler"] == "handler.handler"
        )
        alias = only(template, "AWS::Lambda::Alias")
        targets = [t["Properties"] for t in resources(template, "AWS::ApplicationAutoScaling::ScalableTarget").values()]
        constant = alias.get("ProvisionedConcurrencyConfig", {}).get("ProvisionedConcurrentExecutions", 0)
        return {
            "memory_mb": function["MemorySize"],
            "architecture": function["Architectures"][0],
            "provisioned_concurrency": max([constant, *(t["MaxCapacity"] for t in targets)]),
            "reserved_concurrency": function.get("ReservedConcurrentExecutions"),
        }
    task = only(template, "AWS::ECS::TaskDefinition")
    target = only(template, "AWS::ApplicationAutoScaling::ScalableTarget")
    policy = only(template, "AWS::ApplicationAutoScaling::ScalingPolicy")["TargetTrackingScalingPolicyConfiguration"]
    metric = policy["PredefinedMetricSpecification"]["PredefinedMetricType"]
    return {
        "vcpu": int(task["Cpu"]) / 1024,
        "memory_gb": int(task["Memory"]) / 1024,
        "architecture": "arm64" if task["RuntimePlatform"]["CpuArchitecture"] == "ARM64" else "x86_64",
        "min_tasks": target["MinCapacity"],
        "max_tasks": target["MaxCapacity"],
        "scaling_metric": "cpu" if metric == "ECSServiceAverageCPUUtilization" else "requests",
        "scaling_target": float(policy["TargetValue"]),
    }


@pytest.mark.parametrize("architecture", ["lambda", "fargate"])
def test_scaffolded_settings_are_the_recommended_ones(tmp_path: Path, architecture: str) -> None:
    profile = load_profile(SCENARIOS / "startup-mvp.yaml")
    quick = profile.simulation.model_copy(update={"horizon": 7_200.0, "warmup": 300.0, "replications": 1})
    recommendation = api.recommend(profile.model_copy(update={"simulation": quick}), jobs=1)
    best = recommendation.best_of(architecture)
    if best is None:
        pytest.skip(f"no {architecture} design for this scenario")
    design = api.design_from_recommendation(recommendation, architecture)
    result = api.scaffold(design, iac="sam", out=tmp_path / "project")
    template = sam_transform((tmp_path / "project/template.yaml").read_text(), profile.region)
    deployed = deployed_settings(template, architecture)
    wanted = {key: value for key, value in best.candidate.settings().items() if key in deployed}
    assert deployed == wanted, result.report.out_dir
    assert math.isclose(design.summary.monthly_usd if design.summary else -1, best.monthly_usd, abs_tol=0.01)


def test_scaffolded_routes_have_the_recommended_layout_and_memory(tmp_path: Path) -> None:
    """multi-route-api: whatever layout recommend picks, the template has its functions at their memory."""
    profile = load_profile(SCENARIOS / "multi-route-api.yaml")
    quick = profile.simulation.model_copy(update={"horizon": 7_200.0, "warmup": 300.0, "replications": 1})
    recommendation = api.recommend(profile.model_copy(update={"simulation": quick}), jobs=1)
    best = recommendation.best_of("lambda")
    assert best is not None
    design = api.design_from_recommendation(recommendation, "lambda")
    result = api.scaffold(design, iac="sam", out=tmp_path / "project")
    template = sam_transform((tmp_path / "project/template.yaml").read_text(), profile.region)
    functions = {
        name: r["Properties"]["MemorySize"]
        for name, r in resources(template, "AWS::Lambda::Function").items()
        if r["Properties"]["Handler"] == "handler.handler"
    }
    wanted = best.candidate.settings()["functions"]
    assert isinstance(wanted, dict)
    assert functions == {f"{name}Function": memory for name, memory in wanted.items()}, result.report.out_dir
