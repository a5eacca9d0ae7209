"""Shared fixtures: run the real CLI in process and capture what a user would see."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from archsel.cli import main

REPO = Path(__file__).resolve().parent.parent
SCENARIOS = REPO / "scenarios"


@dataclass(frozen=True)
class CliResult:
    """What one CLI invocation printed and returned."""

    exit_code: int
    stdout: str
    stderr: str


@pytest.fixture
def run_cli(capsys: pytest.CaptureFixture[str]) -> Callable[..., CliResult]:
    """Run `archsel ARGS...` in process through the console-script entry point."""

    def run(*args: str) -> CliResult:
        capsys.readouterr()
        try:
            main(list(args))
        except SystemExit as done:
            code = done.code if isinstance(done.code, int) else (0 if done.code is None else 1)
        else:  # pragma: no cover - main always exits
            code = 0
        captured = capsys.readouterr()
        return CliResult(code, captured.out, captured.err)

    return run


@pytest.fixture
def write_profile(tmp_path: Path) -> Callable[[str], Path]:
    """Write YAML text to a profile file in a temporary folder and return its path."""

    def write(text: str, name: str = "profile.yaml") -> Path:
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return path

    return write


@pytest.fixture
def moto_url(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[str]:
    """moto's server on 127.0.0.1 (a free port) with Lambda aliases in its CloudFormation, fake credentials
    in the environment for this test only; stopped (and its backends reset) at teardown."""
    from tests.moto_support import install_lambda_alias, isolate_aws_environment, moto_server

    isolate_aws_environment(monkeypatch, str(tmp_path))
    install_lambda_alias(monkeypatch)
    with moto_server() as url:
        yield url
