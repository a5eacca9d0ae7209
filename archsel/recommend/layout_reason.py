"""Why one Lambda layout (one router function, a function per route or per group) beat the others.

Splitting routes over functions changes no request price; it changes how many warm pools the
traffic is spread over (cold starts, and the INIT duration billed for them), how many scaling
buckets a burst can draw on, how much memory each route is billed at, and how many provisioned
environments a cold-start objective needs. The reason quotes those numbers from the runs.
"""

from __future__ import annotations

from collections.abc import Callable

from archsel.evaluate.candidate import Evaluation
from archsel.profile.architecture import Architecture
from archsel.profile.routes import route_layout

_LABELS = {"single": "one router function", "per-route": "a function per route", "grouped": "a function per group"}


def layout_reason(lambda_best: Evaluation, evaluations: tuple[Evaluation, ...]) -> str | None:
    """The chosen layout against the best design of each other layout, with numbers; None without routes.

    e.g. "Layout per-route (13 functions at 128-3,008 MB): 0.38% of requests cold vs 0.05% for one
    router function at this traffic; p99 1,440 ms vs 1,089 ms; $45.98 vs $57.04 a month ...".
    """
    profile = lambda_best.candidate.profile
    if not profile.request.routes:
        return None
    chosen = profile.lambda_.layout
    rivals = [e for e in (_best_of(evaluations, layout) for layout in _LABELS if layout != chosen) if e is not None]
    if not rivals:
        return None
    names = " and ".join(_LABELS[rival.candidate.profile.lambda_.layout] for rival in rivals)
    parts = [
        f"{_cold(lambda_best):.2%} of requests cold vs {_joined(rivals, lambda e: f'{_cold(e):.2%}')} for {names} "
        "at this traffic",
        f"p99 {_p99(lambda_best):,.0f} ms vs {_joined(rivals, lambda e: f'{_p99(e):,.0f}')} ms",
        f"${lambda_best.monthly_usd:,.2f} vs {_joined(rivals, lambda e: f'${e.monthly_usd:,.2f}')} a month, "
        f"INIT billed ${_init_usd(lambda_best):,.2f} vs {_joined(rivals, lambda e: f'${_init_usd(e):,.2f}')}",
    ]
    if any(e.candidate.profile.lambda_.max_provisioned for e in (lambda_best, *rivals)):
        parts.append(
            f"provisioned concurrency {_provisioned(lambda_best)} vs {_joined(rivals, _provisioned)} "
            "(configured on every function)"
        )
    if any(_throttled(e) for e in (lambda_best, *rivals)):
        parts.append(
            f"{_throttled(lambda_best):,.0f} vs {_joined(rivals, lambda e: f'{_throttled(e):,.0f}')} requests "
            "throttled (each function scales from its own bucket of 1,000 new environments, then 100 per second)"
        )
    return f"Layout {chosen} ({_functions(lambda_best)}): " + "; ".join(parts) + "."


def _layout(evaluation: Evaluation) -> str | None:
    if evaluation.candidate.architecture != Architecture.LAMBDA or not evaluation.candidate.profile.request.routes:
        return None
    return evaluation.candidate.profile.lambda_.layout


def _best_of(evaluations: tuple[Evaluation, ...], layout: str) -> Evaluation | None:
    own = [e for e in evaluations if _layout(e) == layout]
    return min(own, key=lambda e: (not e.meets_slos, e.monthly_usd, e.candidate.key), default=None)


def _joined(evaluations: list[Evaluation], show: Callable[[Evaluation], str]) -> str:
    return " / ".join(show(evaluation) for evaluation in evaluations)


def _functions(evaluation: Evaluation) -> str:
    plan = route_layout(evaluation.candidate.profile)
    memories = sorted({function.memory_mb for function in plan.functions})
    if len(plan.functions) == 1:
        return f"every request at {memories[0]:,} MB, the largest need of {len(plan.routes)} routes"
    return f"{len(plan.functions)} functions at {memories[0]:,}-{memories[-1]:,} MB"


def _provisioned(evaluation: Evaluation) -> str:
    profile = evaluation.candidate.profile
    return (
        f"{profile.lambda_.max_provisioned} x {len(profile.function_routes)} (${_usd(evaluation, 'Provisioned'):,.2f})"
    )


def _cold(evaluation: Evaluation) -> float:
    return evaluation.result.interval(lambda p: p.run.cold_start_ratio).mean


def _p99(evaluation: Evaluation) -> float:
    return evaluation.result.interval(lambda p: p.run.latency_ms.p99).mean


def _throttled(evaluation: Evaluation) -> float:
    return evaluation.result.interval(lambda p: float(p.run.throttled)).mean


def _init_usd(evaluation: Evaluation) -> float:
    return _usd(evaluation, "INIT duration")


def _usd(evaluation: Evaluation, prefix: str) -> float:
    return sum(float(c.monthly_usd or 0) for c in evaluation.result.estimate.components if c.name.startswith(prefix))
