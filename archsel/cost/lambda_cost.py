"""What API Gateway + Lambda usage is billed for: requests, duration, INIT, provisioned concurrency, storage."""

from __future__ import annotations

from archsel.billing.usage import LambdaUsage
from archsel.cost.billing import Charge, decimal

_ARCH = {"x86_64": "x86", "arm64": "arm64"}


def lambda_charges(usage: LambdaUsage) -> tuple[Charge, ...]:
    """Charges of one function and its API: optional lines appear only when used."""
    arch = _ARCH[usage.architecture]
    ondemand = decimal(usage.ondemand_gb_seconds)
    charges = [
        Charge("lambda", "Requests", "lambda.requests", decimal(usage.invocations), "requests"),
        Charge("lambda", f"Duration, {usage.architecture}", f"lambda.duration.{arch}", ondemand, "GB-seconds"),
    ]
    if usage.init_gb_seconds > 0:
        # INIT is billed as on-demand duration since 2025-08-01: it continues up the same ladder.
        init = decimal(usage.init_gb_seconds)
        charges.append(
            Charge("lambda", "INIT duration", f"lambda.duration.{arch}", init, "GB-seconds", offset=ondemand)
        )
    if usage.provisioned_gb_seconds > 0:
        configured = decimal(usage.provisioned_gb_seconds)
        pc_id = f"lambda.provisioned_concurrency.{arch}"
        charges.append(Charge("lambda", "Provisioned concurrency", pc_id, configured, "GB-seconds", always_on=True))
    if usage.provisioned_duration_gb_seconds > 0:
        served = decimal(usage.provisioned_duration_gb_seconds)
        pd_id = f"lambda.provisioned_duration.{arch}"
        charges.append(Charge("lambda", "Provisioned duration", pd_id, served, "GB-seconds"))
    if usage.ephemeral_extra_gb_seconds > 0:
        storage = decimal(usage.ephemeral_extra_gb_seconds)
        charges.append(Charge("lambda", "Ephemeral storage", "lambda.ephemeral_storage", storage, "GB-seconds"))
    charges.append(api_charge(usage))
    return tuple(charges)


def api_charge(usage: LambdaUsage) -> Charge:
    """API Gateway requests: HTTP APIs bill metered requests (512 KB steps), REST APIs every request."""
    if usage.api == "http":
        return Charge(
            "api_gateway", "HTTP API requests", "apigw.http.requests", decimal(usage.api_metered_requests), "requests"
        )
    return Charge("api_gateway", "REST API requests", "apigw.rest.requests", decimal(usage.api_requests), "requests")


# The usage figure behind each charge above, by the charge's name (tier suffixes aside): what a
# route's share of that line is proportional to (archsel.cost.route_cost).
_BASIS = (
    ("Requests", "invocations"),
    ("Duration, ", "ondemand_gb_seconds"),
    ("INIT duration", "init_gb_seconds"),
    ("Provisioned concurrency", "provisioned_gb_seconds"),
    ("Provisioned duration", "provisioned_duration_gb_seconds"),
    ("Ephemeral storage", "ephemeral_extra_gb_seconds"),
    ("HTTP API requests", "api_metered_requests"),
    ("REST API requests", "api_requests"),
)
COMPUTE_SERVICES = ("lambda", "api_gateway")


def usage_basis(service: str, name: str) -> str | None:
    """The LambdaUsage figure a Lambda or API Gateway cost line bills, or None for other lines.

    >>> usage_basis("lambda", "Duration, arm64 (free tier)"), usage_basis("lambda", "INIT duration (first 7.5B)")
    ('ondemand_gb_seconds', 'init_gb_seconds')
    >>> usage_basis("s3", "Requests") is None
    True

    A Savings Plan's commitment pays for covered duration: routes share it by GB-seconds.

    >>> usage_basis("savings_plans", "Compute Savings Plan 1yr No Upfront: commitment (100% used)")
    'ondemand_gb_seconds'
    """
    if service == "savings_plans":
        return "ondemand_gb_seconds"
    if service not in COMPUTE_SERVICES:
        return None
    return next((figure for prefix, figure in _BASIS if name.startswith(prefix)), None)
