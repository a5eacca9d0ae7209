"""Benchmark: `simulate` and `recommend` on diurnal profiles of 1k, 10k, 100k and 1M req/s (default horizon).

Each command runs in its own child process; ``simulate:ARCH`` is ``simulate --arch ARCH`` (by default
Lambda Managed Instances gets a row of its own, its time and memory apart from the other two's).
The table shows the model each architecture ran,
the wall time, the CPU time (user + sys; steadier than wall time on a shared machine) and the child's peak resident memory (resource.getrusage of the children, read
by a small wrapper process per command so one command's peak never hides another's).
Targets (issue 15): recommend under 60 s and 2 GB, simulate under 30 s; exit 0, or 5 when no design
meets the objectives (at the default limits nothing serves 100k req/s: a verdict, not a failure).
``--lmi-max-instances`` raises Lambda Managed Instances' fleet limit (default 30) so that it serves the
traffic and its aggregate run carries a fleet of that size (about 46,000 instances at 1M req/s).

    PYTHONPATH=$PWD python bench/bench_scale.py [--rates 1000,10000] [--commands simulate,simulate:lambda-managed,recommend]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

RATES = (1_000, 10_000, 100_000, 1_000_000)
COMMANDS = ("simulate", "simulate:lambda-managed", "recommend")
TARGET_S = {"simulate": 30.0, "recommend": 60.0}
TARGET_RSS_MB = 2_000.0

_WRAPPER = (
    "import resource, subprocess, sys\n"
    "done = subprocess.run(sys.argv[1:], capture_output=True, text=True)\n"
    "sys.stderr.write(done.stderr)\n"
    "sys.stdout.write(done.stdout)\n"
    "usage = resource.getrusage(resource.RUSAGE_CHILDREN)\n"
    "print(usage.ru_utime + usage.ru_stime, usage.ru_maxrss, file=sys.stderr)\n"
    "sys.exit(done.returncode)\n"
)


def profile_text(rate: int, lmi_max_instances: int | None = None) -> str:
    """A diurnal profile at ``rate`` req/s with the default horizon and settings (optionally a bigger LMI fleet)."""
    text = f"version: 1\nname: bench-{rate}\ntraffic: {{mean_rps: {rate}, shape: diurnal}}\n"
    if lmi_max_instances is not None:
        text += f"lambda_managed: {{max_instances: {lmi_max_instances}}}\n"
    return text


def run(command: str, path: Path) -> dict[str, object]:
    """Run one archsel command (``simulate:ARCH`` for one architecture) on ``path``; its wall time, CPU time,
    peak RSS (MB), exit code and the models used."""
    name, _, arch = command.partition(":")
    argv = [sys.executable, "-m", "archsel", name, str(path), "--format", "json", *(["--arch", arch] if arch else [])]
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", _WRAPPER, *argv], capture_output=True, text=True, check=False)
    wall = time.perf_counter() - start
    cpu_s, rss_kb = done.stderr.strip().splitlines()[-1].split()
    return {
        "wall_s": wall,
        "cpu_s": float(cpu_s),
        "rss_mb": int(rss_kb) / 1024.0,
        "rc": done.returncode,
        "models": _models(done.stdout),
    }


def _models(stdout: str) -> str:
    try:
        document = json.loads(stdout)
    except json.JSONDecodeError:
        return "?"
    results = document.get("results") or [item["result"] for item in document.get("candidates", [])]
    seen = {f"{result['architecture']}={result.get('model', 'exact')}" for result in results}
    return ", ".join(sorted(seen)) or "?"


def main() -> None:
    """Run the grid and print one line per (rate, command)."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rates", default=",".join(str(rate) for rate in RATES))
    parser.add_argument("--commands", default=",".join(COMMANDS))
    parser.add_argument("--lmi-max-instances", type=int, default=None)
    args = parser.parse_args()
    print(f"{'req/s':>9} {'command':<24} {'wall s':>7} {'cpu s':>7} {'peak MB':>8} {'rc':>3}  target  models")
    with tempfile.TemporaryDirectory() as folder:
        for rate in (int(value) for value in args.rates.split(",")):
            path = Path(folder) / f"bench-{rate}.yaml"
            path.write_text(profile_text(rate, args.lmi_max_instances))
            for command in args.commands.split(","):
                result = run(command, path)
                wall, rss = float(str(result["wall_s"])), float(str(result["rss_mb"]))
                target_s = TARGET_S[command.partition(":")[0]]
                met = "met" if wall < target_s and rss < TARGET_RSS_MB and result["rc"] in (0, 5) else "MISSED"
                cpu = float(str(result["cpu_s"]))
                print(
                    f"{rate:>9,} {command:<24} {wall:>7.1f} {cpu:>7.1f} {rss:>8.0f} {result['rc']!s:>3}  "
                    f"{met:<6}  {result['models']}"
                )


if __name__ == "__main__":
    main()
