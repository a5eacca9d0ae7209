"""Writes trace-replay.csv: one synthetic weekday of per-minute request counts for a news API.

The counts are data, committed beside the profile; this script only records how they were
made so that anyone can regenerate or vary them (`python3 scenarios/traces/generate_trace.py`).
Shape (requests per minute, UTC): a quiet night, a morning ramp, a lunch dip, an evening peak,
and a breaking-news push at 15:42 that jumps ~8x and decays over ~30 minutes. Around that
curve: slow multiplicative noise (an AR(1) process in log space, sigma ~8%) for the
minute-to-minute drift real traffic shows, then Poisson counts.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

SEED = 20_240_611
MINUTES = 1_440
# (hour UTC, mean requests per minute) knots, interpolated linearly.
KNOTS = (
    (0.0, 500),
    (3.0, 170),
    (5.0, 190),
    (6.0, 700),
    (7.5, 1_800),
    (9.0, 2_400),
    (11.0, 2_200),
    (12.0, 1_600),
    (13.0, 1_650),
    (14.0, 2_000),
    (17.0, 2_100),
    (19.5, 2_700),
    (21.0, 2_300),
    (23.0, 900),
    (24.0, 500),
)
SPIKE_MINUTE = 15 * 60 + 42
SPIKE_EXTRA = 7.0  # extra traffic at the top of the spike, as a multiple of the curve there
SPIKE_DECAY_MIN = 8.0


def expected_counts() -> np.ndarray:
    """Mean requests per minute before noise."""
    hours = np.arange(MINUTES) / 60.0
    curve = np.interp(hours, [h for h, _ in KNOTS], [c for _, c in KNOTS])
    since = np.arange(MINUTES) - SPIKE_MINUTE
    rise = np.clip((since + 1) / 2.0, 0.0, 1.0)  # two minutes to the top
    decay = np.exp(-np.clip(since - 1, 0, None) / SPIKE_DECAY_MIN)
    spike = np.where(since >= 0, SPIKE_EXTRA * curve[SPIKE_MINUTE] * rise * decay, 0.0)
    result: np.ndarray = curve + spike
    return result


def noisy_counts(rng: np.random.Generator) -> np.ndarray:
    """Counts with correlated drift and Poisson noise around the expected curve."""
    phi, sigma = 0.9, 0.08
    drift = np.empty(MINUTES)
    drift[0] = rng.normal(0.0, sigma)
    shocks = rng.normal(0.0, sigma * np.sqrt(1 - phi**2), MINUTES)
    for minute in range(1, MINUTES):
        drift[minute] = phi * drift[minute - 1] + shocks[minute]
    counts: np.ndarray = rng.poisson(expected_counts() * np.exp(drift - sigma**2 / 2))
    return counts


def main() -> None:
    """Write trace-replay.csv beside this script."""
    counts = noisy_counts(np.random.default_rng(SEED))
    lines = ["minute,count", *(f"{minute},{int(count)}" for minute, count in enumerate(counts))]
    Path(__file__).with_name("trace-replay.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
