"""The import pipeline: measurements -> profile and trace on disk -> the profile loaded back -> the check."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from archsel.pricing.table import load_prices
from archsel.profile.loader import load_profile
from archsel.profile.schema import WorkloadProfile
from archsel.telemetry.check import CheckReport, check_profile
from archsel.telemetry.measure import Measured
from archsel.telemetry.writer import WriteRequest, write_profile


@dataclass(frozen=True, slots=True)
class ImportReport:
    """What `archsel import` read, the profile it wrote, and the check of that profile against the measurements."""

    profile_path: Path
    trace_path: Path
    profile: WorkloadProfile
    measured: Measured
    check: CheckReport
    malformed: int = 0
    ignored: int = 0
    malformed_at: tuple[str, ...] = ()


def write_and_check(
    measured: Measured, out: Path, name: str | None, seed: int | None, shape: str = "trace"
) -> ImportReport:
    """Write the profile and its trace, load the profile back (it must be valid as written) and check it."""
    written = write_profile(measured, WriteRequest(out=out, name=name, shape=shape))
    profile = load_profile(written.profile_path)
    check = check_profile(profile, measured, load_prices(profile.region), seed=seed)
    return ImportReport(written.profile_path, written.trace_path, profile, measured, check)
