"""Wall time and peak memory of `archsel recommend` on every shipped scenario (target: under 30 s each).

Run: python3 bench/bench_recommend.py [scenario ...]
Each scenario runs in a fresh process through the real CLI (so numba's on-disk cache is warm after
the first; the first call of a fresh checkout also pays compilation, printed separately).
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
TARGET_S = 30.0


def run(scenario: Path) -> tuple[float, float, str]:
    """Wall seconds, peak RSS of the children in MB, and the chosen design."""
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "archsel", "recommend", str(scenario), "--format", "json"],
        capture_output=True,
        text=True,
        check=False,
        cwd=REPO,
    )
    wall = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    if done.returncode not in (0, 5):
        return wall, peak_mb, f"failed ({done.returncode}): {done.stderr.strip().splitlines()[-1:]}"
    choice = json.loads(done.stdout)["choice"]
    return wall, peak_mb, f"{choice['key']} ${choice['monthly_usd']:,.2f}"


def main() -> None:
    names = sys.argv[1:]
    scenarios = [REPO / "scenarios" / f"{n}.yaml" for n in names] or sorted((REPO / "scenarios").glob("*.yaml"))
    print(f"{'scenario':<20} {'wall s':>8} {'peak MB':>8}  {'target':<6} choice")
    for scenario in scenarios:
        wall, peak_mb, choice = run(scenario)
        verdict = "ok" if wall < TARGET_S else "SLOW"
        print(f"{scenario.stem:<20} {wall:>8.1f} {peak_mb:>8.0f}  {verdict:<6} {choice}", flush=True)


if __name__ == "__main__":
    main()
