"""`archsel --help` lists the commands in a first session's order, and every command's --help shows examples."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest

from archsel.cli.examples import EXAMPLES
from tests.conftest import CliResult

Run = Callable[..., CliResult]
FIRST_SESSION = ("init", "validate", "cost", "simulate", "recommend", "scaffold", "deploy", "destroy", "sweep")
COMMANDS = (*FIRST_SESSION, "import logs", "import cloudwatch", "pricing show", "pricing update")


def test_the_commands_are_listed_in_a_first_sessions_order(run_cli: Run) -> None:
    listed = re.findall(r"^  (\w+) ", run_cli("--help").stdout.split("Commands:")[1], flags=re.MULTILINE)
    assert listed == [*FIRST_SESSION, "import", "pricing"]


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_shows_examples_that_use_its_own_options(run_cli: Run, command: str) -> None:
    result = run_cli(*command.split(), "--help")
    assert result.exit_code == 0
    assert "Examples:" in result.stdout
    examples = EXAMPLES[command.split()[-1]]
    for example in examples:
        assert f"  {example}" in result.stdout
        assert example.startswith(f"archsel {command} ") or example == f"archsel {command}"
        for option in re.findall(r"(--[a-z-]+)", example):
            assert option in result.stdout.split("Examples:")[0], (example, option)
