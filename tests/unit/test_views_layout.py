"""Table layout helpers: plural forms, and column sizing that never cuts a word."""

from __future__ import annotations

import io

import pytest
from rich.console import Console
from rich.table import Table

from archsel.views.layout import fit_columns, fits, plural


@pytest.mark.parametrize(("count", "text"), [(0, "0 tasks"), (1, "1 task"), (2, "2 tasks")])
def test_plural(count: int, text: str) -> None:
    assert plural(count, "task") == text


def _render(table: Table, width: int) -> str:
    stream = io.StringIO()
    Console(file=stream, width=width, no_color=True).print(table)
    return stream.getvalue()


def _table() -> Table:
    table = Table()
    table.add_column("design")
    for header in ("USD/month", "p50 / p99 ms", "SLOs"):
        table.add_column(header, justify="right")
    table.add_row(
        "Fargate 0.25 vCPU/1 GB arm64, 1-20 tasks at cpu 60", "100.66", "121 / 1,026", "FAIL: monthly_budget_usd"
    )
    return table


def test_rich_alone_cuts_a_cell_that_fit_columns_keeps_whole() -> None:
    assert "…" in _render(_table(), 60)  # what this module exists to prevent
    table = _table()
    assert fits(table, 60)
    fit_columns(table, 60)
    output = _render(table, 60)
    assert "…" not in output
    assert "monthly_budget_usd" in output and "1,026" in output
    assert max(len(line) for line in output.splitlines()) <= 60


def test_a_table_that_cannot_fit_folds_words_instead_of_cutting_them() -> None:
    table = _table()
    assert not fits(table, 30)
    fit_columns(table, 30)
    output = _render(table, 30)
    assert "…" not in output
    assert "FAIL" in output and "budg" in output  # long words broken over lines, nothing dropped
