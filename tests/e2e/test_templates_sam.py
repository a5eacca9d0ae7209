"""SAM template sets: rendered for every scenario and extra design, transformed in process, linted, checked.

cfn-lint must report zero errors on the transformed template; the security checks and the
settings read back from the template must match the design (see cfn_checks, settings_checks).
"""

from __future__ import annotations

from functools import cache

import pytest

from archsel.scaffold.schedule import provisioned_schedule, task_bounds_schedule
from tests.e2e.cfn_checks import secret_problems, security_problems
from tests.e2e.cfn_tools import (
    Template,
    file_text,
    lint_errors,
    parse_template,
    render_design,
    resources,
    sam_transform,
)
from tests.e2e.designs import Case, cases, design, set_name
from tests.e2e.settings_checks import fargate_settings_problems, lambda_settings_problems

# Written out by hand from the rich-lambda profile's windows (08-20 x10, 18-22:30 x4, overlap: the larger).
EXPECTED_SCHEDULES = {
    "rich-lambda": [("cron(0 8 * * ? *)", 10), ("cron(0 20 * * ? *)", 4), ("cron(30 22 * * ? *)", 0)],
    "routes-single": [("cron(0 7 * * ? *)", 3), ("cron(0 19 * * ? *)", 0)],
}


# Written out by hand from the scheduled-fargate windows (08-20 min 6 max 40, 20-22:30 min 3, 23-05 max 4;
# base 2-20): each edge sets both bounds, the end of a window the base ones unless another starts there.
EXPECTED_TASK_SCHEDULES = {
    "scheduled-fargate": [
        ("cron(0 5 * * ? *)", 2, 20),
        ("cron(0 8 * * ? *)", 6, 40),
        ("cron(0 20 * * ? *)", 3, 20),
        ("cron(30 22 * * ? *)", 2, 20),
        ("cron(0 23 * * ? *)", 2, 4),
    ],
}


@cache
def transformed(case: Case) -> Template:
    """The case's SAM template after the AWS::Serverless transform (once per case)."""
    files = render_design(design(case), set_name(case, "sam"))
    return sam_transform(file_text(files, "template.yaml"), design(case).profile.region)


def expected_schedule(case: Case) -> list[tuple[str, int]] | None:
    windows = design(case).profile.lambda_.provisioned_concurrency
    if isinstance(windows, int):
        return None
    if case.id in EXPECTED_SCHEDULES:
        return EXPECTED_SCHEDULES[case.id]
    return [(a.cron, a.count) for a in provisioned_schedule(windows, []).actions]


def expected_task_schedule(case: Case) -> list[tuple[str, int, int]]:
    """(cron, min, max) of each scheduled action on the ECS scalable target; none without fargate.schedule."""
    fargate = design(case).profile.fargate
    if case.id in EXPECTED_TASK_SCHEDULES:
        return EXPECTED_TASK_SCHEDULES[case.id]
    return [(a.cron, a.min_tasks, a.max_tasks) for a in task_bounds_schedule(fargate, [])]


@pytest.mark.parametrize("case", cases(), ids=lambda c: c.id)
def test_cfn_lint_has_no_errors_after_the_sam_transform(case: Case) -> None:
    assert lint_errors(transformed(case), design(case).profile.region) == []


@pytest.mark.parametrize("case", cases(), ids=lambda c: c.id)
def test_security_by_default(case: Case) -> None:
    template = transformed(case)
    problems = security_problems(template, health_path="/health", has_api_gateway=case.architecture != "fargate")
    assert problems == []


@pytest.mark.parametrize("case", cases(), ids=lambda c: c.id)
def test_no_secret_in_any_rendered_file(case: Case) -> None:
    files = render_design(design(case), set_name(case, "sam"))
    assert [problem for f in files for problem in secret_problems(f.path, f.content)] == []


@pytest.mark.parametrize("case", cases("lambda"), ids=lambda c: c.id)
def test_lambda_settings_equal_the_design(case: Case) -> None:
    assert lambda_settings_problems(transformed(case), design(case), expected_schedule(case)) == []


@pytest.mark.parametrize("case", cases("fargate"), ids=lambda c: c.id)
def test_fargate_settings_equal_the_design(case: Case) -> None:
    assert fargate_settings_problems(transformed(case), design(case), expected_task_schedule(case)) == []


def test_the_rich_designs_exercise_what_they_claim() -> None:
    """Guards the extra profiles: REST + Aurora + proxy + schedule + custom domain; NAT + Spot + HTTPS."""
    rich_lambda = transformed(next(c for c in cases() if c.id == "rich-lambda"))
    kinds = {r["Type"] for r in rich_lambda["Resources"].values()}
    assert {"AWS::ApiGateway::RestApi", "AWS::RDS::DBProxy", "AWS::ApplicationAutoScaling::ScalableTarget"} <= kinds
    assert "FrontendCertificateArn" in rich_lambda["Parameters"]  # eu-west-1: CloudFront's certificate is external
    rich_fargate = transformed(next(c for c in cases() if c.id == "rich-fargate"))
    kinds = {r["Type"] for r in rich_fargate["Resources"].values()}
    assert {"AWS::EC2::NatGateway", "AWS::CertificateManager::Certificate", "AWS::RDS::DBProxy"} <= kinds
    protocols = sorted(
        r["Properties"]["Protocol"]
        for r in rich_fargate["Resources"].values()
        if r["Type"] == "AWS::ElasticLoadBalancingV2::Listener"
    )
    assert protocols == ["HTTP", "HTTPS"]


def _functions_and_routes(case: Case) -> dict[str, tuple[int, list[tuple[str, str]]]]:
    """Function logical id -> (memory, its API events as (method, path)), from the SAM template before the transform."""
    body = parse_template(file_text(render_design(design(case), "lambda-sam"), "template.yaml"))
    return {
        name: (
            r["Properties"]["MemorySize"],
            [(e["Properties"]["Method"], e["Properties"]["Path"]) for e in r["Properties"]["Events"].values()],
        )
        for name, r in body["Resources"].items()
        if r["Type"] == "AWS::Serverless::Function"
    }


ROUTED = next(c for c in cases() if c.id == "multi-route-api-lambda")


def test_the_per_route_template_has_one_function_per_route_at_its_memory() -> None:
    profile = design(ROUTED).profile
    assert profile.lambda_.layout == "per-route"
    assert lint_errors(transformed(ROUTED), profile.region) == []
    functions = _functions_and_routes(ROUTED)
    assert len(functions) == len(profile.request.routes)
    want = {(r.method, r.path): r.memory_mb or profile.lambda_.memory_mb for r in profile.request.routes}
    got = {route: memory for memory, routes in functions.values() for route in routes}
    assert got == want
    assert all(len(routes) == 1 for _, routes in functions.values())


def test_the_router_and_grouped_templates_share_functions() -> None:
    single = transformed(next(c for c in cases() if c.id == "routes-single"))
    grouped = transformed(next(c for c in cases() if c.id == "routes-grouped"))
    memories = sorted(r["Properties"]["MemorySize"] for r in resources(single, "AWS::Lambda::Function").values())
    assert memories == [1536]  # one router function at the largest need
    memories = sorted(r["Properties"]["MemorySize"] for r in resources(grouped, "AWS::Lambda::Function").values())
    assert memories == [512, 1024, 2048]  # groups accounts (max 1024), ledger (2048), and one ungrouped route
