"""The Lambda helpers compiled ahead have exactly the argument types the kernel calls them with.

Otherwise the head start is wasted: the worker compiling the kernel would compile them again.
Run in a fresh process with an empty numba cache, so the kernel is compiled, not loaded.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

SCRIPT = """
from archsel.evaluate.runner import simulate_one
from archsel.profile.architecture import Architecture
from archsel.profile.loader import load_profile
from archsel.sim.lambda_.ahead import compile_late_helpers, late_helpers
from archsel.sim.result import SimOptions

profile = load_profile("scenarios/startup-mvp.yaml")
compile_late_helpers(profile)
simulate_one(profile, Architecture.LAMBDA, seed=1, replication=0, options=SimOptions(horizon_s=3600.0, warmup_s=60.0))
for dispatcher, _ in late_helpers(profile):
    print(dispatcher.py_func.__name__, len(dispatcher.signatures))
"""


def test_the_helpers_compiled_ahead_are_the_ones_the_kernel_uses(tmp_path: Path) -> None:
    env = {**os.environ, "NUMBA_CACHE_DIR": str(tmp_path / "numba-cache"), "PYTHONPATH": str(ROOT)}
    command = [sys.executable, "-c", SCRIPT]
    ran = subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True, timeout=900, check=False)
    assert ran.returncode == 0, ran.stderr
    assert ran.stdout.split() == ["_on_demand", "1", "_start", "1"]
