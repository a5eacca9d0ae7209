"""Writes a PriceTable back as pricing/aws/<region>.yaml (the shipped layout) and replaces files atomically.

Numbers are written from their Decimal value with every digit and no exponent, so a written
table loads back to exactly the same prices.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
import textwrap
from collections.abc import Callable, Iterable, Iterator
from decimal import Decimal
from pathlib import Path

from archsel.pricing.table import SERVICES, FreeAllowance, Price, PriceTable

LAYOUT = """\
# Layout (validated on load by archsel/pricing/table.py):
#   prices.<service>: list of prices with id, item, unit, per (value is USD per this many units),
#     value or tiers [{from, to, value}] (to: null is open-ended; value: null marks a price we do
#     not know: the engine reports it missing, never zero), source, as_of, evidence
#     (page | price_list | secondary | derived | unverified), notes, and for prices read from the
#     AWS Price List: sku, usagetype, effective (term effective date), published (offer date).
#   free_tier: monthly always-free allowances, applied only with the profile's pricing.free_tier.
"""


def dump_table(table: PriceTable) -> Iterator[str]:
    """The YAML text of ``table``, chunk by chunk (header comment first)."""
    yield from _header(table)
    yield f"region: {table.region}\ncurrency: {table.currency}\nas_of: {table.as_of.isoformat()}\n"
    if table.notes:
        yield f"notes: {_text(table.notes)}\n"
    yield "\nprices:\n"
    for service in SERVICES:
        prices = table.for_service(service)
        if prices:
            yield f"  {service}:\n"
            yield from (_price(p) for p in prices)
    if table.free_tier:
        yield "\nfree_tier:\n"
        yield from (_allowance(a) for a in table.free_tier)


def _header(table: PriceTable) -> Iterator[str]:
    yield f"# AWS unit prices archsel uses, {table.region}, {table.currency}, as of {table.as_of.isoformat()}.\n#\n"
    for line in textwrap.wrap(table.notes or "", width=96, break_on_hyphens=False, break_long_words=False):
        yield f"# {line}\n"
    yield f"# Refresh: `archsel pricing update --region {table.region}` (no AWS account needed: it reads the public bulk Price List files).\n#\n"
    yield LAYOUT
    yield "\n"


def _price(price: Price) -> str:
    lines = [
        f"    - id: {price.id}",
        f"      item: {_text(price.item)}",
        f"      unit: {_text(price.unit)}",
    ]
    if price.per != 1:
        lines.append(f"      per: {number(price.per)}")
    lines += _value_lines(price)
    lines += [
        f"      source: {price.source}",
        f"      as_of: {_text(price.as_of)}",
        f"      evidence: {_text(price.evidence)}",
    ]
    optional = (
        ("notes", price.notes),
        ("sku", price.sku),
        ("usagetype", price.usagetype),
        ("effective", price.effective),
        ("published", price.published),
    )
    lines += [f"      {key}: {_text(value)}" for key, value in optional if value is not None]
    return "\n".join(lines) + "\n"


def _value_lines(price: Price) -> list[str]:
    if price.missing:
        return ["      value: null"]
    if len(price.tiers) == 1:
        return [f"      value: {number(price.tiers[0].unit_price_usd * price.per)}"]
    lines = ["      tiers:"]
    for tier in price.tiers:
        end = "null" if tier.end is None else number(tier.end)
        lines.append(
            f"        - {{from: {number(tier.start)}, to: {end}, value: {number(tier.unit_price_usd * price.per)}}}"
        )
    return lines


def _allowance(allowance: FreeAllowance) -> str:
    return (
        f"  - id: {allowance.id}\n"
        f"    item: {_text(allowance.item)}\n"
        f"    applies_to: [{', '.join(allowance.applies_to)}]\n"
        f"    quantity: {number(allowance.quantity)}\n"
        f"    unit: {_text(allowance.unit)}\n"
        f"    source: {allowance.source}\n"
        f"    as_of: {_text(allowance.as_of)}\n"
        f"    evidence: {_text(allowance.evidence)}\n"
    )


def number(value: Decimal) -> str:
    """A Decimal as a plain YAML number: every digit, no exponent, no trailing zeros.

    >>> number(Decimal("0.20000000")), number(Decimal("6E+9")), number(Decimal("0.0000166667"))
    ('0.2', '6000000000', '0.0000166667')
    """
    return f"{value.normalize():f}"


def _text(value: str) -> str:
    # A JSON string is a valid YAML double-quoted scalar: no surprises with ':', '#' or 'null'.
    return json.dumps(value, ensure_ascii=False)


# ----------------------------------------------------------------------------- atomic replace


def write_text_atomic(path: Path, chunks: Iterable[str], *, check: Callable[[Path], object] | None = None) -> None:
    """Write ``chunks`` to ``path`` so that readers see the old file or the new one, never a mix.

    The text goes to a temporary file in the same folder (so the rename stays on one file
    system), is flushed to disk, optionally checked (``check`` raises to refuse it), then
    moved over ``path`` with os.replace. Any failure, including an interrupt, removes the
    temporary file and leaves ``path`` as it was.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8", newline="\n") as handle:
            for chunk in chunks:
                handle.write(chunk)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temporary, _mode_of(path))
        if check is not None:
            check(Path(temporary))
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise


def _mode_of(path: Path) -> int:
    try:
        return path.stat().st_mode & 0o777
    except FileNotFoundError:
        return 0o644
