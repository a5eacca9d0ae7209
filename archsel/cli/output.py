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


def check_writable_file(path: Path, option: str) -> None:
    """Refuse, before any simulation, an output file that cannot be written (no folder, read-only, /proc)."""
    from archsel.errors import UsageError

    parent = path.parent if str(path.parent) else Path(".")
    if path.is_dir():
        raise UsageError(f"{option} {path}: is a folder", hint=f"give a file name for {option}, e.g. {path / 'report'}")
    if not parent.is_dir():
        raise UsageError(
            f"{option} {path}: folder {parent} does not exist", hint="create it first, or pick another path"
        )
    existed = path.exists()
    try:
        with path.open("a", encoding="utf-8"):  # appends nothing: an existing file is left as it is
            pass
    except OSError as error:
        raise UsageError(
            f"{option} {path}: cannot write ({error.strerror})", hint="pick a path in a folder you can write to"
        ) from error
    if not existed:
        path.unlink(missing_ok=True)


def check_writable_folder(path: Path, option: str) -> None:
    """Refuse, before any simulation, an output folder that cannot be made or written in."""
    import tempfile

    from archsel.errors import UsageError

    existing = path
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    if not existing.is_dir():
        raise UsageError(f"{option} {path}: {existing} is a file, not a folder", hint="pick another path")
    try:
        probe = tempfile.mkdtemp(prefix=".archsel-probe-", dir=existing)
    except OSError as error:
        raise UsageError(
            f"{option} {path}: cannot create it in {existing} ({error.strerror})",
            hint="pick a path in a folder you can write to",
        ) from error
    Path(probe).rmdir()


def warn_short_horizon(profile: object, architectures: tuple[str, ...] = ("lambda", "fargate")) -> None:
    """Print a warning on stderr for each period the simulated window is too short to show."""
    from archsel.evaluate.horizon_check import horizon_warnings
    from archsel.profile.schema import WorkloadProfile

    if isinstance(profile, WorkloadProfile):
        for warning in horizon_warnings(profile, architectures):
            sys.stderr.write(f"archsel: warning: {profile.name}: {warning}\n")


def warn_if_stale(prices: object) -> None:
    """Print a warning on stderr when the price table used is older than 180 days."""
    import datetime as dt

    from archsel.pricing.table import PriceTable, staleness_warning

    if isinstance(prices, PriceTable):
        warning = staleness_warning(prices, today=dt.date.today())
        if warning:
            sys.stderr.write(f"archsel: warning: {warning}\n")
