"""A self-contained HTML report of a sweep: the summary table, the flips and matplotlib charts inlined as SVG."""

from __future__ import annotations

import html
import math
from collections.abc import Sequence
from typing import TYPE_CHECKING

from archsel.profile.architecture import ARCHITECTURES
from archsel.study.axes import Scalar, format_value
from archsel.study.sweep import PointResult, SweepResult

# The recommend report's figure helpers and style: the same look, the same stable SVG ids.
from archsel.views.charts import ARCHITECTURE_COLOURS, PAGE_STYLE, legend_beside, new_figure, svg
from archsel.views.sweep_summary import footer_lines, summary_headers, summary_rows

if TYPE_CHECKING:
    from matplotlib.axes import Axes

# Lines per architecture in a chart (one per combination of the other axes); more would be unreadable.
MAX_LINES = 8
_DASHES = ("-", "--", ":", "-.")
_LOG_SPAN = 20.0


def render_sweep_html(result: SweepResult) -> str:
    """The whole report as one HTML document (no external resources)."""
    first = result.plan.axes[0].path
    charts = [
        (
            "chart-sweep-cost",
            f"Monthly cost against {first}; dotted lines: interpolated flips",
            _line_chart(result, "cost"),
        ),
        ("chart-sweep-p99", f"p99 latency against {first}", _line_chart(result, "p99")),
    ]
    if len(result.plan.axes) > 1:
        caption = f"Cheapest architecture over {first} and {result.plan.axes[1].path}"
        charts.append(("chart-sweep-cheapest", caption, _cheapest_map(result)))
    figures = "\n".join(
        f'<figure class="chart" id="{cid}">{svg}<figcaption>{html.escape(caption)}</figcaption></figure>'
        for cid, caption, svg in charts
    )
    head = "".join(f"<th>{html.escape(h.replace(chr(10), ' '))}</th>" for h in summary_headers(result))
    rows = "\n".join(
        "<tr>" + "".join(f"<td>{html.escape(cell)}</td>" for cell in row) + "</tr>" for row in summary_rows(result)
    )
    notes = "\n".join(f"<li>{html.escape(line)}</li>" for line in footer_lines(result))
    name = html.escape(result.plan.base.name)
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>archsel sweep: {name}</title>
<style>{PAGE_STYLE}</style></head>
<body>
<h1>archsel sweep: {name}</h1>
<h2>Charts</h2><div class="charts">{figures}</div>
<h2>Every point</h2>
<table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>
<h2>Flips and notes</h2><ul>{notes}</ul>
</body></html>
"""


def _numeric(values: Sequence[Scalar]) -> bool:
    return all(isinstance(v, int | float) and not isinstance(v, bool) for v in values)


def _positions(values: Sequence[Scalar]) -> list[float]:
    """Numeric values as they are; anything else at 0, 1, 2... (labelled with the values)."""
    return [float(v) for v in values] if _numeric(values) else [float(i) for i in range(len(values))]  # type: ignore[arg-type]


def _lines(result: SweepResult) -> dict[tuple[Scalar, ...], list[PointResult]]:
    """Points grouped by the values of every axis but the first (product order keeps the first in order)."""
    groups: dict[tuple[Scalar, ...], list[PointResult]] = {}
    for point in result.points:
        groups.setdefault(point.point.values[1:], []).append(point)
    return dict(list(groups.items())[:MAX_LINES])


def _line_chart(result: SweepResult, metric: str) -> str:
    figure, ax = new_figure()
    values = _read_values(result, 0)
    xs = _positions(values)
    others = result.plan.axes[1:]
    for number, (fixed, line) in enumerate(_lines(result).items()):
        label_rest = ", ".join(
            f"{a.path.rsplit('.', 1)[-1]}={format_value(v)}" for a, v in zip(others, fixed, strict=True)
        )
        for architecture in result.plan.architectures:
            ys = [_value(point, architecture, metric) for point in line]
            ax.plot(
                xs[: len(ys)],
                [math.nan if y is None else y for y in ys],
                marker="o",
                color=ARCHITECTURE_COLOURS[architecture],
                linestyle=_DASHES[number % len(_DASHES)],
                label=f"{architecture}{', ' + label_rest if label_rest else ''}",
            )
    _decorate(ax, result, metric, xs)
    return svg(figure)


def _value(point: PointResult, architecture: str, metric: str) -> float | None:
    outcome = point.outcome(architecture)
    if outcome is None:
        return None
    return float(outcome.monthly_usd) if metric == "cost" else outcome.p99_ms


def _decorate(ax: Axes, result: SweepResult, metric: str, xs: list[float]) -> None:
    axis = result.plan.axes[0]
    values = _read_values(result, 0)
    if _numeric(values) and min(xs) > 0 and max(xs) / min(xs) >= _LOG_SPAN:
        ax.set_xscale("log")
    if not _numeric(values):
        ax.set_xticks(xs, [format_value(v) for v in values])
    if metric == "cost":
        for flip in result.flips:
            if flip.axis == axis.path and flip.crossing is not None:
                ax.axvline(flip.crossing, color="#444", linestyle=":", linewidth=0.8)
        ax.set_ylabel("USD per month")
    else:
        slo = result.plan.base.slo.p99_latency_ms
        if slo is not None:
            ax.axhline(slo, color="#b3261e", linestyle=":", label=f"p99 objective {slo:,.0f} ms")
        ax.set_ylabel("p99 latency, ms")
    ax.set_xlabel(axis.path)
    legend_beside(ax)


def _cheapest_map(result: SweepResult) -> str:
    """A grid over the first two axes (the others at their first value), each cell the cheapest architecture."""
    from matplotlib.colors import ListedColormap

    figure, ax = new_figure()
    first, second = result.plan.axes[0], result.plan.axes[1]
    rest = tuple(_read_values(result, k)[0] for k in range(2, len(result.plan.axes)))
    cells = {p.point.values[:2]: p for p in result.points if p.point.values[2:] == rest}
    codes: dict[str | None, float] = {architecture: float(code) for code, architecture in enumerate(ARCHITECTURES)}
    codes[None] = float(len(ARCHITECTURES))
    grid = [[codes[cells[(x, y)].cheapest] for x in _read_values(result, 0)] for y in _read_values(result, 1)]
    ax.imshow(
        grid,
        cmap=ListedColormap([*(ARCHITECTURE_COLOURS[architecture] for architecture in ARCHITECTURES), "#bbbbbb"]),
        vmin=0,
        vmax=len(ARCHITECTURES),
        aspect="auto",
        origin="lower",
    )
    for row, y in enumerate(_read_values(result, 1)):
        for col, x in enumerate(_read_values(result, 0)):
            point = cells[(x, y)]
            text: str = point.cheapest or "missing"
            outcome = point.outcome(point.cheapest) if point.cheapest else None
            if outcome is not None:
                text += f"\n${float(outcome.monthly_usd):,.0f}"
            ax.text(col, row, text, ha="center", va="center", fontsize="small", color="white")
    ax.set_xticks(range(len(first.values)), [format_value(v) for v in _read_values(result, 0)])
    ax.set_yticks(range(len(second.values)), [format_value(v) for v in _read_values(result, 1)])
    ax.set_xlabel(first.path)
    ax.set_ylabel(second.path)
    return svg(figure)


def _read_values(result: SweepResult, k: int) -> list[Scalar]:
    """The validated values of axis ``k`` in order (as the points hold them)."""
    return list(dict.fromkeys(point.point.values[k] for point in result.points))
