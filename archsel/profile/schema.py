"""The workload profile (format `version: 1`): the root model, assembled from the section models.

Every default names its source in the field description; `docs/profile.md` is generated
from these descriptions (`python -m archsel.profile.reference_doc`), so the two cannot drift apart.
The sections live by topic in traffic_schema, lambda_schema, fargate_schema, scaling_schema,
services_schema and options_schema; this module holds the root and the checks across sections.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field, SerializerFunctionWrapHandler, model_serializer, model_validator

from archsel.profile.fargate_schema import Fargate
from archsel.profile.lambda_managed_schema import LambdaManaged
from archsel.profile.lambda_schema import LambdaSettings
from archsel.profile.options_schema import PricingOptions, Simulation, Slo
from archsel.profile.schema_base import Frozen
from archsel.profile.services_schema import Auth, Database, Frontend, Logs, Storage
from archsel.profile.traffic_schema import Request, Traffic


class WorkloadProfile(Frozen):
    """A web application's workload: the input of every archsel command."""

    version: Literal[1] = Field(description="Profile format version; always 1.")
    # The name becomes the CloudFormation stack name, which AWS caps at 128 characters
    # (https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_CreateStack.html).
    name: str = Field(
        min_length=1,
        max_length=128,
        pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*$",
        description="Name (letters, digits, . _ -; at most 128, as it becomes the CloudFormation stack name).",
    )
    region: str = Field(default="us-east-1", description="AWS region; needs a price table.")
    traffic: Traffic = Field(description="Traffic shape and rate.")
    request: Request = Field(default=Request(), description="Per-request work.")
    lambda_: LambdaSettings = Field(
        default=LambdaSettings(), alias="lambda", description="API Gateway + Lambda settings."
    )
    fargate: Fargate = Field(default=Fargate(), description="ALB + Fargate settings.")
    lambda_managed: LambdaManaged = Field(
        default=LambdaManaged(), description="API Gateway + Lambda Managed Instances settings."
    )
    database: Database = Field(default=Database(), description="Database.")
    storage: Storage = Field(default=Storage(), description="File storage.")
    frontend: Frontend = Field(default=Frontend(), description="Static front end.")
    auth: Auth = Field(default=Auth(), description="Sign-in.")
    logs: Logs = Field(default=Logs(), description="Application logs.")
    slo: Slo = Field(default=Slo(), description="Objectives.")
    simulation: Simulation = Field(default=Simulation(), description="Simulation settings.")
    pricing: PricingOptions = Field(default=PricingOptions(), description="Pricing options.")

    @model_serializer(mode="wrap")
    def _dump_managed_only_when_given(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        """A profile that never set lambda_managed dumps as it did before the section existed.

        Dumps are recorded (recommend's JSON, scaffold's answers file) and compared byte for byte;
        the section appears once a profile or a Managed Instances design sets it.
        """
        data: dict[str, Any] = handler(self)
        if "lambda_managed" not in self.model_fields_set:
            data.pop("lambda_managed", None)
        return data

    @model_validator(mode="after")
    def _check_layout(self) -> WorkloadProfile:
        layout, routes = self.lambda_.layout, self.request.routes
        if layout != "single" and not routes:
            raise ValueError(f"lambda.layout {layout} needs request.routes (without routes the API is one function)")
        if layout == "grouped" and not any(route.group for route in routes):
            raise ValueError("lambda.layout grouped needs a group on at least one of request.routes")
        self._check_per_function_concurrency()
        return self

    def _check_per_function_concurrency(self) -> None:
        """Provisioned and reserved concurrency apply to each function, and all functions share the account quota."""
        layout = self.lambda_.layout
        reserved, functions = self.lambda_.reserved_concurrency, len(self.function_routes)
        provisioned = self.lambda_.max_provisioned
        if functions > 1 and provisioned * functions > self.lambda_.account_concurrency:
            raise ValueError(
                f"lambda.provisioned_concurrency {provisioned} applies to each of the {functions} functions of "
                f"layout {layout}: {provisioned * functions} exceeds account_concurrency "
                f"{self.lambda_.account_concurrency}"
            )
        if reserved is not None and functions > 1 and reserved * functions > self.lambda_.account_concurrency - 100:
            raise ValueError(
                f"lambda.reserved_concurrency {reserved} applies to each of the {functions} functions of layout "
                f"{layout}: {reserved * functions} must leave at least 100 of account_concurrency "
                f"{self.lambda_.account_concurrency} unreserved"
            )

    @property
    def function_routes(self) -> tuple[tuple[int, ...], ...]:
        """Indices of the routes each Lambda function serves under ``lambda.layout``, in order of first route.

        One function without routes or with layout single; per-route: one each; grouped: one per
        group, and a function of its own for each route without a group.
        """
        routes = self.request.routes
        if self.lambda_.layout == "single" or not routes:
            return (tuple(range(len(routes))),)
        if self.lambda_.layout == "per-route":
            return tuple((index,) for index in range(len(routes)))
        groups: dict[str, list[int]] = {}
        for index, route in enumerate(routes):
            groups.setdefault(route.group if route.group else f"#{index}", []).append(index)
        return tuple(tuple(members) for members in groups.values())

    @property
    def seconds_per_month(self) -> float:
        """Length of the billed month in seconds."""
        return self.pricing.hours_per_month * 3_600.0
