"""How a profile's API routes map to Lambda functions: each route's work and each function's memory.

One plan serves the simulator, the cost figures, `recommend` and `scaffold`, so they agree on
which function serves which route and with how much memory. Without `request.routes` the API
is one implicit route served by one function, exactly as before routes existed.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

import numpy as np

from archsel.profile.distributions import Distribution
from archsel.profile.schema import WorkloadProfile

ALL_ROUTES_KEY = "ANY /{proxy+}"
"""The key of the implicit route of a profile without routes."""
SINGLE_FUNCTION_NAME = "Api"


@dataclass(frozen=True, slots=True)
class RoutePlan:
    """One route: its part of the traffic, its work and the function that serves it."""

    key: str
    method: str
    path: str
    share: float
    """Normalised share of the requests (the shares sum to 1)."""
    duration_ms: Distribution
    """Handler time at the reference speed (1 vCPU)."""
    memory_mb: int
    """The memory this route needs (its function may have more)."""
    payload_kb: float
    function: int


@dataclass(frozen=True, slots=True)
class FunctionPlan:
    """One Lambda function: a CloudFormation-safe name, its memory and the routes it serves."""

    name: str
    memory_mb: int
    routes: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class RouteLayout:
    """Every route and function of a profile under its ``lambda.layout``."""

    layout: str
    routes: tuple[RoutePlan, ...]
    functions: tuple[FunctionPlan, ...]
    explicit: bool
    """Whether the profile lists routes (else one implicit route)."""

    def function_of(self, route: int) -> FunctionPlan:
        """The function serving route number ``route``."""
        return self.functions[self.routes[route].function]


def route_layout(profile: WorkloadProfile) -> RouteLayout:
    """The routes and functions of ``profile`` (one route and one function without request.routes)."""
    request, settings = profile.request, profile.lambda_
    if not request.routes:
        route = RoutePlan(
            ALL_ROUTES_KEY, "ANY", "/{proxy+}", 1.0, request.duration_ms, settings.memory_mb, request.payload_kb, 0
        )
        return RouteLayout("single", (route,), (FunctionPlan(SINGLE_FUNCTION_NAME, settings.memory_mb, (0,)),), False)
    members = profile.function_routes
    function_of = {index: number for number, group in enumerate(members) for index in group}
    routes = tuple(
        RoutePlan(
            key=route.key,
            method=route.method,
            path=route.path,
            share=share,
            duration_ms=route.duration_ms or request.duration_ms,
            memory_mb=route.memory_mb or settings.memory_mb,
            payload_kb=request.payload_kb if route.payload_kb is None else route.payload_kb,
            function=function_of[index],
        )
        for index, (route, share) in enumerate(zip(request.routes, request.route_shares, strict=True))
    )
    names = unique_names([_function_name(profile, group) for group in members])
    functions = tuple(
        FunctionPlan(name, max(routes[index].memory_mb for index in group), group)
        for name, group in zip(names, members, strict=True)
    )
    return RouteLayout(settings.layout, routes, functions, True)


def _function_name(profile: WorkloadProfile, group: tuple[int, ...]) -> str:
    if profile.lambda_.layout == "single":
        return SINGLE_FUNCTION_NAME
    first = profile.request.routes[group[0]]
    if profile.lambda_.layout == "grouped" and first.group:
        return camel(first.group)
    return route_name(first.method, first.path)


def route_name(method: str, path: str) -> str:
    """A letters-and-digits name for a route, e.g. GET /orders/{id} -> GetOrdersId.

    >>> route_name("GET", "/orders/{id}"), route_name("POST", "/"), route_name("ANY", "/files/{proxy+}")
    ('GetOrdersId', 'PostRoot', 'AnyFilesProxy')
    """
    return camel(method.lower()) + (camel(path) or "Root")


def camel(text: str) -> str:
    """CamelCase of the letters and digits in ``text``.

    >>> camel("order-reads"), camel("/v2/items_by_id")
    ('OrderReads', 'V2ItemsById')
    """
    return "".join(part[:1].upper() + part[1:] for part in re.split(r"[^A-Za-z0-9]+", text) if part)


def unique_names(names: list[str]) -> tuple[str, ...]:
    """``names`` with a number appended to repeats (GetA, GetA2), so logical ids never clash.

    >>> unique_names(["GetA", "GetA", "Post"])
    ('GetA', 'GetA2', 'Post')
    """
    used: set[str] = set()
    unique = []
    for name in names:
        candidate, number = name, 1
        while candidate in used:
            number += 1
            candidate = f"{name}{number}"
        used.add(candidate)
        unique.append(candidate)
    return tuple(unique)


@dataclass(frozen=True, slots=True)
class DurationMix:
    """Handler time of a request whose route is drawn by share: a mixture of the routes' distributions.

    What a model that does not split the API by route (Fargate: one service serves every route)
    draws per request, so both architectures do the same work.
    """

    shares: tuple[float, ...]
    durations: tuple[Distribution, ...]

    def sample(self, rng: np.random.Generator, size: int) -> np.ndarray:
        """``size`` handler times (ms): a route for each by share, then its own distribution."""
        route = np.minimum(
            np.searchsorted(np.cumsum(self.shares), rng.random(size), side="right"), len(self.shares) - 1
        )
        values = np.empty(size)
        for index, distribution in enumerate(self.durations):
            chosen = np.flatnonzero(route == index)
            values[chosen] = distribution.sample(rng, int(chosen.size))
        return values

    def mean(self) -> float:
        """Mean handler time (ms) over the mix."""
        return math.fsum(share * d.mean() for share, d in zip(self.shares, self.durations, strict=True))


def request_duration_ms(profile: WorkloadProfile) -> Distribution | DurationMix:
    """The handler time of one request: request.duration_ms, or the routes' mixture when routes are listed."""
    if not profile.request.routes:
        return profile.request.duration_ms
    plan = route_layout(profile)
    return DurationMix(tuple(r.share for r in plan.routes), tuple(r.duration_ms for r in plan.routes))


def mean_duration_ms(profile: WorkloadProfile) -> float:
    """Mean handler time (ms) of a request at the reference speed, over the routes' mix."""
    return request_duration_ms(profile).mean()
