"""Benchmark of loading the biggest profile the limits allow: 1 MB, 150,000 values (issue 15).

    python3 bench/bench_profile_load.py              # block and flow lists, 3 rounds each

Loads a profile of per-minute counts inline at exactly the value limit, with libyaml's parser
(what archsel uses when PyYAML has it) and with PyYAML's pure-Python parser (the fallback), and
prints the CPU seconds of each phase-inclusive load (read, parse, size checks, line index,
validation). CPU time, not wall time: on a shared machine the wall clock measures the other jobs.
Results also go to bench/results/profile_load.json.
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from archsel.profile import loader  # noqa: E402
from archsel.profile.input_limits import MAX_NODES  # noqa: E402

# Nodes besides the counts: the root mapping, 3 top-level pairs, the traffic mapping, shape, the list's key and itself.
_OTHER_NODES = 1 + 3 * 2 + 1 + 2 + 2


def biggest_profile(style: str) -> str:
    """A legal profile at the value limit (the test of the same name checks it stays under 1 MB)."""
    count = MAX_NODES - _OTHER_NODES
    if style == "block":
        counts = "".join(f"  - {minute % 10}\n" for minute in range(count))
        return f"version: 1\nname: big\ntraffic:\n  shape: trace\n  trace_counts:\n{counts}"
    counts = ", ".join(str(100 + minute % 900) for minute in range(count))
    return f"version: 1\nname: big\ntraffic: {{shape: trace, trace_counts: [{counts}]}}\n"


def _cpu_seconds(path: Path) -> float:
    started = time.process_time()
    loader.load_profile(path)
    return time.process_time() - started


def main(rounds: int = 3) -> None:
    """Print and save the best CPU time of each style and parser."""
    results = []
    libyaml = loader._FAST
    with tempfile.TemporaryDirectory() as folder:
        for style in ("block", "flow"):
            path = Path(folder) / f"{style}.yaml"
            path.write_text(biggest_profile(style), encoding="utf-8")
            for parser, fast in (("libyaml", True), ("pure-python", False)):
                loader._FAST = fast  # the benchmark compares both parsers
                times = [_cpu_seconds(path) for _ in range(rounds)]
                row = {"style": style, "bytes": path.stat().st_size, "parser": parser, "cpu_s": min(times)}
                print(f"{style:5} {row['bytes']:>9,} bytes  {parser:11}  best of {rounds}: {min(times):6.2f} s CPU")
                results.append(row)
    loader._FAST = libyaml
    out = ROOT / "bench" / "results" / "profile_load.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps({"values": MAX_NODES, "results": results}, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
