"""What every HTML report shares: the page style, the colour of each architecture, and matplotlib figures as inline SVG."""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

from archsel.profile.architecture import Architecture

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

ARCHITECTURE_COLOURS: dict[str, str] = {
    Architecture.LAMBDA: "#d9822b",
    Architecture.FARGATE: "#2b6cd9",
    Architecture.LAMBDA_MANAGED: "#3c8d2f",
}

PAGE_STYLE = """
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;color:#1d2330}
h1{font-size:1.6em}h2{font-size:1.2em;margin-top:2em;border-bottom:1px solid #ddd}
.verdict{background:#f2f7ee;border-left:6px solid #3c8d2f;padding:1em 1.2em}
.verdict.fail{background:#fbefed;border-left-color:#b3261e}
table{border-collapse:collapse;width:100%;font-size:.9em}th,td{border:1px solid #ddd;padding:.35em .5em;text-align:right}
th:first-child,td:first-child,td:last-child{text-align:left}
figure{margin:1.2em 0}figcaption{color:#555;font-size:.9em}.charts svg{width:100%;height:auto}
"""


def svg(figure: Figure) -> str:
    """The figure as an inline <svg> element (closed afterwards, so figures never pile up)."""
    buffer = io.StringIO()
    # no <dc:date>: the same report gives the same bytes
    figure.savefig(buffer, format="svg", bbox_inches="tight", metadata={"Date": None})
    import matplotlib.pyplot as plt

    plt.close(figure)
    text = buffer.getvalue()
    return text[text.index("<svg") :]


def new_figure() -> tuple[Figure, Axes]:
    """A 9x4-inch figure on the Agg backend, with stable SVG ids so the same report gives the same bytes."""
    import matplotlib

    matplotlib.use("Agg")
    matplotlib.rcParams["svg.hashsalt"] = "archsel"  # stable ids: the same report gives the same bytes
    import matplotlib.pyplot as plt

    figure, axes = plt.subplots(figsize=(9, 4))
    return figure, axes


# Entries a legend column holds beside a 4-inch plot at the small font before it runs past the plot's height.
_ENTRIES_PER_COLUMN = 14
# Longer labels (design descriptions) wrap, so the legend does not take half the chart's width.
_LABEL_WIDTH = 40


def legend_beside(ax: Axes) -> None:
    """The legend to the right of the plot, outside the axes, so it never covers a line, a bar or a marker.

    ``svg`` saves with a tight bounding box, so the figure widens to hold it. Nothing labelled, no legend.
    """
    import textwrap

    handles, labels = ax.get_legend_handles_labels()
    if not labels:
        return
    columns = -(-len(labels) // _ENTRIES_PER_COLUMN)
    ax.legend(
        handles,
        [textwrap.fill(label, _LABEL_WIDTH, break_on_hyphens=False) for label in labels],
        fontsize="small",
        loc="upper left",
        bbox_to_anchor=(1.01, 1.0),
        borderaxespad=0.0,
        ncol=columns,
    )
