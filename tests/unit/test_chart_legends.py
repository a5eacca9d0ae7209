"""Issue 18: report legends sit beside the plot, wrap long labels, and the SVG stays byte-for-byte reproducible."""

from __future__ import annotations

from typing import TYPE_CHECKING

from archsel.views.charts import legend_beside, new_figure, svg

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

LONG = "Fargate 0.25 vCPU/1 GB arm64, 1-20 tasks at cpu 60 (a long design label)"


def _chart(labels: list[str]) -> tuple[Figure, Axes]:
    figure, ax = new_figure()
    for number, label in enumerate(labels):
        ax.plot([0, 1, 2], [number, number + 1, number + 0.5], label=label)
    legend_beside(ax)
    return figure, ax


def test_the_legend_lies_right_of_the_plotting_area() -> None:
    figure, ax = _chart(["API Gateway + Lambda", "ALB + Fargate", LONG])
    figure.canvas.draw()
    legend = ax.get_legend()
    assert legend is not None
    assert legend.get_window_extent().x0 > ax.get_window_extent().x1
    texts = [text.get_text() for text in legend.get_texts()]
    assert texts[:2] == ["API Gateway + Lambda", "ALB + Fargate"]
    assert "\n" in texts[2] and texts[2].replace("\n", " ") == LONG  # wrapped, not cut
    svg(figure)  # closes it


def test_no_labelled_series_means_no_legend() -> None:
    figure, ax = _chart([])
    assert ax.get_legend() is None
    svg(figure)


def test_many_series_take_more_than_one_column() -> None:
    figure, ax = _chart([f"series {n}" for n in range(20)])
    figure.canvas.draw()
    legend = ax.get_legend()
    assert legend is not None
    columns = {round(text.get_window_extent().x0) for text in legend.get_texts()}
    assert len(columns) == 2  # 20 entries would run past a 4-inch plot in one column
    svg(figure)


def test_the_same_chart_gives_the_same_svg_bytes() -> None:
    first = svg(_chart(["API Gateway + Lambda", LONG])[0])
    second = svg(_chart(["API Gateway + Lambda", LONG])[0])
    assert first == second
    assert 'id="legend_1"' in first
