"""Dated, sourced constants of the API Gateway + Lambda platform that the simulator obeys.

Every number names its source: an AWS documentation or pricing page, or a published measurement
(read 2024-2026). AWS changes these values; keep them here, in one place, so a run can be reasoned
about "as of" a date. What AWS bills for (metering, free storage, rounding) is archsel.billing.rules,
shared with the no-simulation estimate.
"""

from __future__ import annotations

from archsel.profile.distributions import Distribution

# ----------------------------------------------------------------------------- Lambda

INIT_CAP_S = 10.0
"""INIT phase limit for on-demand environments; over it Lambda retries INIT inside the first
invoke, under the function timeout (https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtime-environment.html)."""

CURRENT_SCALING_BUCKET = 1_000.0
CURRENT_SCALING_REFILL_PER_S = 100.0
"""Scaling rule since 2023-11-26: +1,000 environments per 10 s per function, refilled
continuously, unused rate not accumulated: a token bucket of 1,000 refilled at 100/s
(https://docs.aws.amazon.com/lambda/latest/dg/scaling-behavior.html)."""

LEGACY_SCALING_REFILL_PER_S = 500.0 / 60.0
"""Scaling rule before 2023-11-26: an account burst then +500 environments per minute
(https://docs.aws.amazon.com/lambda/latest/operatorguide/scaling-concurrency.html; modelled as a
continuous refill, as AWS staff describe it)."""

_LEGACY_BURST_BY_REGION = {
    "us-east-1": 3_000,
    "us-west-2": 3_000,
    "eu-west-1": 3_000,
    "ap-northeast-1": 1_000,
    "eu-central-1": 1_000,
    "us-east-2": 1_000,
}
LEGACY_BURST_OTHER_REGIONS = 500


def legacy_burst(region: str) -> int:
    """Initial burst of the legacy scaling rule in ``region`` (3,000, 1,000 or 500 by region, as AWS documented it).

    >>> legacy_burst("us-east-1"), legacy_burst("eu-central-1"), legacy_burst("sa-east-1")
    (3000, 1000, 500)
    """
    return _LEGACY_BURST_BY_REGION.get(region, LEGACY_BURST_OTHER_REGIONS)


# ----------------------------------------------------------------------------- API Gateway

INTEGRATION_TIMEOUT_S = {"rest": 29.0, "http": 30.0}
"""Integration timeout: REST 29 s default, HTTP API 30 s fixed; past it the client gets 504
while Lambda keeps running and billing
(https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-quotas.html)."""

API_LATENCY_MS = {
    # HTTP API: AWS states p99 < 10 ms added (HTTP API GA blog, 2020-03,
    # https://aws.amazon.com/blogs/compute/building-better-apis-http-apis-now-generally-available/). A lognormal
    # with p50 4 ms and p95 7.5 ms has p99 9.7 ms.
    "http": Distribution(distribution="lognormal", p50=4.0, p95=7.5),
    # REST API: the same blog says HTTP APIs have "up to 60 % lower latency" than REST, so the
    # REST overhead is taken as 2.5 x the HTTP one (derived, not measured): p50 10, p95 19, p99 24 ms.
    "rest": Distribution(distribution="lognormal", p50=10.0, p95=19.0),
}
"""Latency API Gateway adds to every request (request plus response path), per API kind."""
