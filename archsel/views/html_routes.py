"""The HTML report's per-route table: each route of the best Lambda design (when the profile has routes)."""

from __future__ import annotations

import html

from archsel.recommend import Recommendation
from archsel.views.simulate import ROUTE_HEADERS, route_rows


def routes_section(rec: Recommendation) -> str:
    """An <h2> and a table per best design with routes; empty when the profile has none."""
    parts = []
    for evaluation in rec.best:
        result = evaluation.result
        if not result.first.run.routes:
            continue
        head = "".join(f"<th>{html.escape(header)}</th>" for header in ROUTE_HEADERS)
        body = "\n".join(
            "<tr>" + "".join(f"<td>{html.escape(cell)}</td>" for cell in row) + "</tr>" for row in route_rows(result)
        )
        parts.append(
            f"<h2>By route: {html.escape(evaluation.candidate.describe())}</h2>\n"
            f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
        )
    return "\n".join(parts)
