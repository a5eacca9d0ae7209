"""Renders a `pricing update` plan: what changed (price, old, new, % change) and what was not refreshed."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any, TextIO

from archsel.pricing.update import Change, Skipped, UpdatePlan
from archsel.views.common import console_for, write_json
from archsel.views.cost import quote
from archsel.views.layout import fit_columns, plural


def update_document(plan: UpdatePlan, *, written: bool) -> dict[str, Any]:
    """The JSON form of one region's update."""
    return {
        "region": plan.region,
        "as_of": plan.table.as_of.isoformat(),
        "path": str(plan.path),
        "written": written,
        "refreshed": list(plan.refreshed),
        "changes": [_change_document(c) for c in plan.changes],
        "not_refreshed": [_skipped_document(s) for s in plan.not_refreshed],
        "not_in_query_api": [_skipped_document(s) for s in plan.not_in_api],
    }


def _change_document(change: Change) -> dict[str, Any]:
    percent = change.percent
    return {
        "price_id": change.price_id,
        "tier": change.tier or None,
        "per": int(change.per),
        "old": None if change.old is None else float(change.old),
        "new": None if change.new is None else float(change.new),
        "percent": None if percent is None else round(float(percent), 2),
    }


def _skipped_document(skipped: Skipped) -> dict[str, Any]:
    return {"price_id": skipped.price_id, "reason": skipped.reason, "kept_value": skipped.kept_value}


def render_updates_json(updates: Sequence[tuple[UpdatePlan, bool]], *, stream: TextIO) -> None:
    """One JSON document for every region updated: {"updates": [...]}, each with ``written``.

    JSON waits for the last region (one document for scripts); tables and markdown come region
    by region through `render_update`, between the confirmation prompts.
    """
    write_json({"updates": [update_document(plan, written=written) for plan, written in updates]}, stream)


def render_update(plan: UpdatePlan, *, fmt: str, stream: TextIO, written: bool) -> None:
    """Write one region's update to ``stream`` as a table (plain when not a terminal) or markdown."""
    lines = _summary(plan, written=written)
    if fmt == "markdown":
        stream.write(_markdown(plan, lines))
        return
    _print_table(plan, lines, stream)


def _summary(plan: UpdatePlan, *, written: bool) -> list[str]:
    total = len(plan.table.prices)
    action = f"wrote {plan.path}" if written else f"dry run: {plan.path} not written"
    lines = [
        f"{plan.region}: {len(plan.refreshed)} of {total} prices refreshed from the AWS Price List "
        f"as of {plan.table.as_of.isoformat()}; {plural(len(plan.changes), 'value')} changed; {action}."
    ]
    lines += [f"Not refreshed, {_kept(s)}: {s.price_id}: {s.reason}" for s in plan.not_refreshed]
    lines += [f"Not in the Query API, {_kept(s)}: {s.price_id}: {s.reason}" for s in plan.not_in_api]
    return lines


def _kept(skipped: Skipped) -> str:
    return "previous value kept" if skipped.kept_value else "left missing (no previous value)"


def _cells(change: Change) -> tuple[str, str, str, str]:
    per = f" per {int(change.per):,}" if change.per != 1 else ""
    old = "-" if change.old is None else quote(change.old) + per
    new = "missing" if change.new is None else quote(change.new) + per
    return change.tier or "", old, new, percent_text(change.percent)


def percent_text(percent: Decimal | None) -> str:
    """'+12.5%', '-50%', 'new' for a price without an old value."""
    if percent is None:
        return "new"
    text = f"{percent:+.2f}".rstrip("0").rstrip(".")
    return f"{text}%"


def _markdown(plan: UpdatePlan, lines: list[str]) -> str:
    out = [f"### Price table update: {plan.region}", "", "| Price | Tier | Old (USD) | New (USD) | Change |"]
    out.append("|---|---|---:|---:|---:|")
    out += [f"| {c.price_id} | " + " | ".join(_cells(c)) + " |" for c in plan.changes]
    out += [""] + [f"- {line}" for line in lines]
    return "\n".join(out) + "\n"


def _print_table(plan: UpdatePlan, lines: list[str], stream: TextIO) -> None:
    from rich.table import Table

    console = console_for(stream)
    if plan.changes:
        table = Table(title=f"Price changes, {plan.region}", title_justify="left")
        for name, justify in (("Price", "left"), ("Tier", "left"), ("Old (USD)", "right"), ("New (USD)", "right")):
            table.add_column(name, justify=justify, no_wrap=True)  # type: ignore[arg-type]
        table.add_column("Change", justify="right")
        for change in plan.changes:
            table.add_row(change.price_id, *_cells(change))
        fit_columns(table, console.width)
        console.print(table)
    for line in lines:
        console.print(line, markup=False)
