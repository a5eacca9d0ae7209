"""Where results go (stdout or an --out file) and the warnings every priced command prints on stderr."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TextIO


@contextmanager
def output_stream(out: Path | None) -> Iterator[TextIO]:
    """The stream a view writes to: stdout, or the --out file (UTF-8), named on stderr once written."""
    if out is None:
        yield sys.stdout
        return
    with out.open("w", encoding="utf-8") as handle:
        yield handle
    sys.stderr.write(f"wrote {out}\n")


def warn_if_stale(prices: object) -> None:
    """Print a warning on stderr when the price table used is older than 180 days."""
    import datetime as dt

    from archsel.pricing.table import PriceTable, staleness_warning

    if isinstance(prices, PriceTable):
        warning = staleness_warning(prices, today=dt.date.today())
        if warning:
            sys.stderr.write(f"archsel: warning: {warning}\n")
