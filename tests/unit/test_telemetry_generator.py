"""`import` recovers a reference system it did not simulate (tests/telemetry_generator.py).

The reference writes REPORT logs for known traffic, durations, INIT times and keep-alive; the
import must recover the rate, the peak, the duration percentiles and the INIT mean, and its
profile, simulated by archsel, must show the reference's cold-start ratio.
"""

from __future__ import annotations

import statistics
from pathlib import Path

import pytest

from archsel import api
from tests.telemetry_generator import ReferenceSystem, generate


def within(value: float | None, expected: float, tolerance: float) -> bool:
    assert value is not None
    return abs(value - expected) <= tolerance * expected


@pytest.mark.slow
def test_import_recovers_the_reference_system(tmp_path: Path) -> None:
    system = ReferenceSystem()
    log = generate(system, seed=7)
    report = api.import_logs([log.write(tmp_path / "report.log.gz")], out=tmp_path / "api.yaml", seed=3)
    measured = report.measured
    assert within(measured.mean_rps, system.mean_rps(), 0.02)
    assert within(measured.peak_rps, system.peak_minute_rps(), 0.10)
    assert measured.duration_ms is not None
    assert within(measured.duration_ms.p50, system.duration_quantile(0.50), 0.05)
    assert within(measured.duration_ms.p95, system.duration_quantile(0.95), 0.05)
    assert measured.init_ms is not None
    assert within(measured.init_ms.mean, statistics.fmean(log.init_ms), 0.05)
    assert measured.cold_start_ratio == pytest.approx(log.cold_start_ratio)
    checks = {check.metric: check for check in report.check.checks}
    assert within(checks["cold_start_ratio"].simulated, log.cold_start_ratio, 0.15)
    assert within(checks["requests"].simulated, log.requests, 0.02)
    assert report.check.causes == ()


def test_a_short_keep_alive_is_named_and_estimated_from_idle_gaps(tmp_path: Path) -> None:
    # a quiet service whose environments live 2 minutes, not the default 5-7
    system = ReferenceSystem(peak_rps=0.08, trough_rps=0.004, burst_multiplier=1.0, hours=12, keep_alive_s=(120, 120))
    log = generate(system, seed=11)
    report = api.import_logs([log.write(tmp_path / "quiet.log.gz")], out=tmp_path / "quiet.yaml", seed=3)
    keep = report.measured.keep_alive
    assert keep is not None
    assert keep.warm_max_gap_s <= 120 <= keep.cold_min_gap_s
    assert within(keep.estimate_s, 120, 0.10)
    causes = [cause for cause in report.check.causes if cause.startswith("cold_start_ratio")]
    assert len(causes) == 1
    assert "keep-alive differs from the default" in causes[0]
    assert "lambda.keep_alive_s" in causes[0]


@pytest.mark.slow
def test_shape_fit_writes_the_daily_shape_of_the_reference(tmp_path: Path) -> None:
    """`--shape fit`: the mean, the busiest hour (the 20:00 burst here) and its rate, from the reference's truth."""
    import numpy as np

    from archsel.profile.loader import load_profile

    system = ReferenceSystem()
    log = generate(system, seed=5)
    report = api.import_logs([log.write(tmp_path / "report.log")], out=tmp_path / "fit.yaml", seed=3, shape="fit")
    traffic = load_profile(tmp_path / "fit.yaml").traffic
    true_hourly = system.rate(np.arange(system.horizon_s) + 0.5).reshape(24, 3_600).mean(axis=1)
    assert traffic.shape == "diurnal"
    assert within(traffic.mean_rps, system.mean_rps(), 0.02)
    assert traffic.peak_rps is not None and within(traffic.peak_rps, float(true_hourly.max()), 0.05)
    assert int(traffic.peak_hour_utc // 3_600) == int(true_hourly.argmax())
    assert report.profile.traffic.shape == "diurnal"  # the profile that was checked is the fitted one
