"""Fuzzing the loader and the CLI (issue 15): any bytes as a profile, any CSV as a trace, any option values
give exit 0 or one error (a line, its continuation lines about the same input, a hint) with a documented
exit code, never a traceback, in bounded time and memory.

The properties run in a child pytest under `resource` limits (address space and CPU time), so a
input that made the loader allocate without bound or spin would fail the test instead of the machine.
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import CliResult

CHILD = "ARCHSEL_FUZZ_CHILD"
MEMORY_LIMIT = 2 * 1024**3  # bytes of address space for the whole child pytest
CPU_LIMIT_S = 300
DOCUMENTED = {0, 1, 2, 3, 4, 5, 130, 143}
in_child = pytest.mark.skipif(os.environ.get(CHILD) != "1", reason="runs inside test_fuzz_within_limits")
FUZZ = settings(
    max_examples=int(os.environ.get("ARCHSEL_FUZZ_EXAMPLES", "40")),
    deadline=5_000,  # ms per example: far above a normal load, far below an alias bomb's minutes
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
Run = Callable[..., CliResult]


def assert_clean(result: CliResult, allowed: set[int]) -> None:
    """Exit 0, or one error: 'archsel: error: ...', indented lines about the same input, then a hint."""
    assert result.exit_code in allowed & DOCUMENTED, (result.exit_code, result.stderr)
    assert "Traceback" not in result.stderr + result.stdout
    if result.exit_code == 0:
        return
    lines = [line for line in result.stderr.splitlines() if not line.startswith("archsel: warning: ")]
    assert lines and lines[0].startswith("archsel: error: "), result.stderr
    assert all(line.startswith(("  ", "hint: ")) for line in lines[1:]), result.stderr
    assert sum(line.startswith("hint: ") for line in lines) <= 1


scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=30),
    st.sampled_from(["1d", "10m", "-5s", "1e400", "18:30", "nan", ".inf", "trace", "diurnal", "lognormal"]),
)
KEYS = ["version", "name", "traffic", "mean_rps", "shape", "peak_rps", "request", "duration_ms", "lambda",
        "memory_mb", "fargate", "min_tasks", "simulation", "horizon", "warmup", "slo", "trace_counts",
        "distribution", "p50", "p95", "routes", "bursts", "schedule", "x"]  # fmt: skip
documents = st.recursive(
    scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(st.sampled_from(KEYS), inner, max_size=5)),
    max_leaves=25,
)


@in_child
@FUZZ
@given(raw=st.binary(max_size=2_000))
def test_any_bytes_as_a_profile(run_cli: Run, tmp_path: Path, raw: bytes) -> None:
    path = tmp_path / "fuzz.yaml"
    path.write_bytes(raw)
    assert_clean(run_cli("validate", str(path)), {0, 3})


@in_child
@FUZZ
@given(document=documents, rate=st.one_of(st.none(), scalars))
def test_any_profile_shaped_yaml(run_cli: Run, tmp_path: Path, document: object, rate: object) -> None:
    import yaml

    body = {"version": 1, "name": "fuzz", "traffic": {"mean_rps": rate}}
    if isinstance(document, dict):
        body.update(document)
    path = tmp_path / "fuzz.yaml"
    path.write_text(yaml.safe_dump(body), encoding="utf-8")
    assert_clean(run_cli("validate", str(path)), {0, 3})


csv_cells = st.one_of(st.integers(min_value=-5, max_value=10**7), st.floats(), st.text(max_size=8))


@in_child
@FUZZ
@given(rows=st.lists(st.lists(csv_cells, max_size=3), max_size=40), raw_tail=st.binary(max_size=40))
def test_any_csv_as_a_trace(run_cli: Run, tmp_path: Path, rows: list[list[object]], raw_tail: bytes) -> None:
    (tmp_path / "t.csv").write_bytes(("\n".join(",".join(map(str, row)) for row in rows) + "\n").encode() + raw_tail)
    path = tmp_path / "t.yaml"
    path.write_text("version: 1\nname: t\ntraffic: {shape: trace, trace: t.csv}\n", encoding="utf-8")
    assert_clean(run_cli("validate", str(path)), {0, 3})


option_values = st.one_of(
    st.integers(min_value=-(10**25), max_value=10**25).map(str),
    st.text(alphabet=st.characters(blacklist_categories=["Cs"], blacklist_characters="\x00"), max_size=12),
    st.sampled_from(["0", "-1", "1", "2", "table", "json", "html", "lambda", "fargate", "1e3", "--help"]),
)


@in_child
@FUZZ
@given(seed=option_values, jobs=option_values, fmt=option_values)
def test_any_recommend_options(run_cli: Run, tmp_path: Path, seed: str, jobs: str, fmt: str) -> None:
    # The profile is refused after the options are read (its horizon is too short), so valid
    # options end in exit 3 and invalid ones in exit 2, and nothing is simulated either way.
    path = tmp_path / "short.yaml"
    path.write_text("version: 1\nname: s\ntraffic: {mean_rps: 1}\nsimulation: {horizon: 60s, warmup: 0}\n")
    result = run_cli("recommend", str(path), f"--seed={seed}", f"--jobs={jobs}", f"--format={fmt}")
    assert_clean(result, {2, 3})


@in_child
@FUZZ
@given(arch=option_values, fmt=option_values, prices=st.binary(max_size=500))
def test_any_cost_options_and_price_file(run_cli: Run, tmp_path: Path, arch: str, fmt: str, prices: bytes) -> None:
    table = tmp_path / "prices.yaml"
    table.write_bytes(prices)
    profile = Path(__file__).resolve().parents[2] / "scenarios" / "startup-mvp.yaml"
    assert_clean(run_cli("cost", str(profile), f"--arch={arch}", f"--format={fmt}", "--prices", str(table)), {2, 3})


def _limits() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))
    resource.setrlimit(resource.RLIMIT_CPU, (CPU_LIMIT_S, CPU_LIMIT_S))


@pytest.mark.slow
@pytest.mark.skipif(os.environ.get(CHILD) == "1", reason="the child runs the properties themselves")
def test_fuzz_within_limits() -> None:
    """Every property above, in a child pytest limited to 2 GiB of address space and 300 s of CPU."""
    repo = Path(__file__).resolve().parents[2]
    env = {**os.environ, CHILD: "1", "PYTHONPATH": str(repo)}
    child = subprocess.run(  # this interpreter, this file
        [sys.executable, "-m", "pytest", __file__, "-q", "-x", "-p", "no:cacheprovider"],
        env=env,
        cwd=repo,
        preexec_fn=_limits,  # the limits apply to the child only
        capture_output=True,
        text=True,
        timeout=CPU_LIMIT_S * 2,
        check=False,
    )
    assert child.returncode == 0, child.stdout[-4000:] + child.stderr[-2000:]
    assert " passed" in child.stdout
