"""The library facade: one function per command, composing the pipeline stages. Never prints.

One module per group of commands; everything public is re-exported here, so callers write
`from archsel import api` and `api.recommend(...)`.
"""

from __future__ import annotations

from archsel.api.costs import (
    CostReport,
    architectures_named,
    cost,
    missing_price_error,
    plan_pricing_update,
    prices_of_service,
    pricing_regions,
    pricing_table,
    write_pricing_update,
)
from archsel.api.profiles import (
    ValidationReport,
    init_profile,
    lambda_mean_ms,
    list_presets,
    load,
    route_notices,
    validate,
    with_budget,
)
from archsel.api.projects import (
    ScaffoldResult,
    check_scaffold_destination,
    deploy,
    design_from_recommendation,
    destroy,
    is_profile_source,
    scaffold,
    scaffold_design,
)
from archsel.api.simulation import (
    capacity_runs,
    estimate_recommend_units,
    fleet,
    growth_plan,
    growth_settings,
    kernels_to_compile,
    plan_recommendation,
    plan_sweep,
    recommend,
    simulate,
    sweep,
    sweep_notices,
)
from archsel.api.telemetry import cloudwatch_client, cloudwatch_target, import_cloudwatch, import_logs

__all__ = [
    "CostReport",
    "ScaffoldResult",
    "ValidationReport",
    "architectures_named",
    "capacity_runs",
    "check_scaffold_destination",
    "cloudwatch_client",
    "cloudwatch_target",
    "cost",
    "deploy",
    "design_from_recommendation",
    "destroy",
    "estimate_recommend_units",
    "fleet",
    "growth_plan",
    "growth_settings",
    "import_cloudwatch",
    "import_logs",
    "init_profile",
    "is_profile_source",
    "kernels_to_compile",
    "lambda_mean_ms",
    "list_presets",
    "load",
    "missing_price_error",
    "plan_pricing_update",
    "plan_recommendation",
    "plan_sweep",
    "prices_of_service",
    "pricing_regions",
    "pricing_table",
    "recommend",
    "route_notices",
    "scaffold",
    "scaffold_design",
    "simulate",
    "sweep",
    "sweep_notices",
    "validate",
    "with_budget",
    "write_pricing_update",
]
