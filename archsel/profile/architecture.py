"""The architectures archsel compares, as one enum every layer from billing to the CLI can name."""

from __future__ import annotations

from enum import StrEnum


class Architecture(StrEnum):
    """An architecture archsel simulates and prices.

    Members equal their lower-case names (lambda-managed with a hyphen, as on the command line) and serialise as them (JSON, YAML, f-strings), so
    replacing a string literal by a member changes no output.
    """

    LAMBDA = "lambda"
    """API Gateway + Lambda."""
    FARGATE = "fargate"
    """ALB + ECS on Fargate."""
    LAMBDA_MANAGED = "lambda-managed"
    """API Gateway + Lambda Managed Instances (the function on a capacity provider's EC2 instances)."""


ARCHITECTURES: tuple[Architecture, ...] = tuple(Architecture)
"""Every architecture, in the order reports list them."""
