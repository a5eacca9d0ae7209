"""The designs the template tests render: every shipped scenario on every architecture, plus profiles
written here for what the scenarios may not cover (Aurora, REST API, a provisioned schedule, a front
end with a domain outside us-east-1, constant provisioned concurrency, a NAT gateway, Spot, the
request-count metric, weighted-random routing, scheduled task bounds, routes behind one router function
and grouped, step scaling on either metric)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

from archsel.profile.loader import load_profile, parse_profile
from archsel.scaffold.design import Design, design_from_profile

REPO = Path(__file__).resolve().parents[2]

RICH_LAMBDA = """
version: 1
name: rich-lambda
region: eu-west-1
traffic: {mean_rps: 5}
lambda:
  memory_mb: 2048
  architecture: arm64
  api: rest
  reserved_concurrency: 50
  provisioned_concurrency:
    - {from: "08:00", to: "20:00", count: 10}
    - {from: "18:00", to: "22:30", count: 4}
  timeout_s: 20
database: {kind: aurora-postgres, aurora: {min_acu: 0.5, max_acu: 4}}
frontend: {enabled: true, domain: app.example.com}
logs: {retention_days: 45}
"""

CONST_LAMBDA = """
version: 1
name: const-lambda
traffic: {requests_per_month: 10000000}
lambda:
  memory_mb: 1769
  architecture: x86_64
  runtime: nodejs20.x
  vpc: true
  provisioned_concurrency: 5
  reserved_concurrency: 20
database: {kind: dynamodb}
logs: {retention_days: 14}
"""

RICH_FARGATE = """
version: 1
name: rich-fargate
region: us-east-1
traffic: {mean_rps: 40}
fargate:
  vcpu: 1
  memory_gb: 2
  architecture: arm64
  min_tasks: 2
  max_tasks: 12
  scaling: {metric: requests, target: 900, scale_out_cooldown_s: 60, scale_in_cooldown_s: 600}
  spot: 0.3
  nat_gateway: true
  ephemeral_storage_gb: 30
  deregistration_delay_s: 30
  health_check_interval_s: 10
  load_balancing: weighted_random
database: {kind: aurora-mysql, aurora: {min_acu: 1, max_acu: 16, rds_proxy: true}}
frontend: {enabled: true, domain: shop.example.com}
"""

# Scheduled task bounds: a daytime window with both bounds, one starting where it ends (min only),
# and a night window across midnight with max only.
SCHEDULED_FARGATE = """
version: 1
name: scheduled-fargate
traffic: {mean_rps: 20, shape: diurnal, peak_rps: 60, peak_hour_utc: "14:00"}
fargate:
  min_tasks: 2
  max_tasks: 20
  scaling: {metric: cpu, target: 55}
  schedule:
    - {from: "08:00", to: "20:00", min_tasks: 6, max_tasks: 40}
    - {from: "20:00", to: "22:30", min_tasks: 3}
    - {from: "23:00", to: "05:00", max_tasks: 4}
"""

# Routes behind one router function (REST API, provisioned schedule on it), and grouped (Aurora,
# VPC, constant provisioned concurrency on every function); the multi-route-api scenario is per-route.
ROUTES_SINGLE = """
version: 1
name: routes-single
traffic: {mean_rps: 3}
request:
  routes:
    - {method: GET, path: /catalog, share: 0.7}
    - {method: POST, path: "/catalog/{id}/reviews", share: 0.2, memory_mb: 1536}
    - {method: GET, path: /health, share: 0.1, memory_mb: 128}
lambda:
  memory_mb: 768
  api: rest
  layout: single
  provisioned_concurrency: [{from: "07:00", to: "19:00", count: 3}]
database: {kind: dynamodb}
"""

ROUTES_GROUPED = """
version: 1
name: routes-grouped
traffic: {mean_rps: 8}
request:
  routes:
    - {method: GET, path: /accounts, share: 0.4, group: accounts}
    - {method: PUT, path: "/accounts/{id}", share: 0.1, group: accounts, memory_mb: 1024}
    - {method: GET, path: /ledger, share: 0.3, group: ledger, memory_mb: 2048}
    - {method: POST, path: /ledger/entries, share: 0.2}
lambda:
  memory_mb: 512
  architecture: arm64
  layout: grouped
  provisioned_concurrency: 2
  reserved_concurrency: 40
database: {kind: aurora-postgres, aurora: {min_acu: 0.5, max_acu: 2}}
"""

# Step scaling: on CPU with percent steps (a minimum magnitude, the maximum of the datapoints) and a
# scale-in policy; on the request count with exact-capacity steps and no scale-in.
STEP_FARGATE = """
version: 1
name: step-fargate
traffic: {mean_rps: 20}
fargate:
  min_tasks: 2
  max_tasks: 16
  scaling:
    policy: step
    metric: cpu
    scale_out:
      threshold: 65
      datapoints: 2
      adjustment: percent
      min_adjustment_magnitude: 2
      aggregation: maximum
      cooldown_s: 120
      steps: [{lower: 0, upper: 15.5, change: 25}, {lower: 15.5, change: 60}]
    scale_in:
      threshold: 25
      cooldown_s: 600
      steps: [{upper: 0, lower: -10, change: -1}, {upper: -10, change: -2}]
  schedule: [{from: "07:30", to: "19:00", min_tasks: 4}]  # scheduled bounds with a step policy
database: {kind: dynamodb}
"""

STEP_REQUESTS_FARGATE = """
version: 1
name: step-requests-fargate
traffic: {mean_rps: 20}
fargate:
  min_tasks: 1
  max_tasks: 8
  scaling:
    policy: step
    metric: requests
    scale_out: {threshold: 1200, adjustment: exact, steps: [{lower: 0, upper: 600, change: 4}, {lower: 600, change: 8}]}
"""

OIDC_LAMBDA = """
version: 1
name: oidc-lambda
traffic: {mean_rps: 3}
database: {kind: dynamodb}
frontend: {enabled: true}
auth:
  provider: oidc
  issuer: https://example.okta.com/oauth2/default
  audience: [api://orders, orders-spa]
  monthly_active_users: 2000
  monthly_usd: 140
"""

OIDC_FARGATE = """
version: 1
name: oidc-fargate
traffic: {mean_rps: 30}
database: {kind: aurora-postgres}
auth: {provider: oidc, issuer: "https://login.example.com/tenant-1/v2.0", audience: [api://orders]}
"""

EFS_LAMBDA = """
version: 1
name: efs-lambda
traffic: {mean_rps: 2}
lambda: {memory_mb: 1024, nat_gateway: true}
database: {kind: dynamodb}
storage: {efs_gb: 50}
"""

EXTRA = {
    "efs-lambda": (EFS_LAMBDA, "lambda"),
    "oidc-lambda": (OIDC_LAMBDA, "lambda"),
    "oidc-fargate": (OIDC_FARGATE, "fargate"),
    "rich-lambda": (RICH_LAMBDA, "lambda"),
    "const-lambda": (CONST_LAMBDA, "lambda"),
    "rich-fargate": (RICH_FARGATE, "fargate"),
    "scheduled-fargate": (SCHEDULED_FARGATE, "fargate"),
    "routes-single": (ROUTES_SINGLE, "lambda"),
    "routes-grouped": (ROUTES_GROUPED, "lambda"),
    "step-fargate": (STEP_FARGATE, "fargate"),
    "step-requests-fargate": (STEP_REQUESTS_FARGATE, "fargate"),
    # Lambda Managed Instances with what the Lambda sets' extra designs exercise: sign-in by an external
    # provider, EFS (mounted from the capacity provider's subnets), REST + Aurora + a custom domain, grouped routes.
    "oidc-lambda-managed": (OIDC_LAMBDA, "lambda-managed"),
    "efs-lambda-managed": (EFS_LAMBDA, "lambda-managed"),
    "rich-lambda-managed": (RICH_LAMBDA, "lambda-managed"),
    "routes-grouped-managed": (ROUTES_GROUPED, "lambda-managed"),
}
ARCHITECTURES = ("lambda", "fargate", "lambda-managed")


@dataclass(frozen=True)
class Case:
    """One design to render: an id for test names, and how to build it."""

    id: str
    architecture: str
    scenario: Path | None = None
    text: str | None = None


def scenario_paths() -> list[Path]:
    """Every shipped scenario."""
    return sorted((REPO / "scenarios").glob("*.yaml"))


def cases(architecture: str | None = None) -> list[Case]:
    """Scenarios on every architecture, then the extra profiles; optionally one architecture only."""
    found = [Case(f"{path.stem}-{arch}", arch, scenario=path) for path in scenario_paths() for arch in ARCHITECTURES]
    found += [Case(name, arch, text=text) for name, (text, arch) in EXTRA.items()]
    return [case for case in found if architecture in (None, case.architecture)]


@cache
def design(case: Case) -> Design:
    """The case's design, straight from the profile's own settings."""
    profile = load_profile(case.scenario) if case.scenario is not None else parse_profile(case.text or "")
    return design_from_profile(profile, case.architecture)


def set_name(case: Case, iac: str) -> str:
    """The template set that renders ``case`` with ``iac``."""
    return f"{case.architecture}-{iac}"
