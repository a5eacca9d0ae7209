"""How `archsel` reports an error: --debug (before the command) or ARCHSEL_DEBUG re-raise it with its traceback."""

from __future__ import annotations

from pathlib import Path

import pytest

from archsel.cli import main
from archsel.cli.app import Settings
from archsel.errors import ProfileError


@pytest.mark.parametrize(
    ("args", "environ", "debug"),
    [
        (["validate", "api.yaml"], {}, False),
        (["--debug", "validate", "api.yaml"], {}, True),
        (["--version", "--debug"], {}, True),
        (["validate", "api.yaml"], {"ARCHSEL_DEBUG": "1"}, True),
        (["validate", "api.yaml"], {"ARCHSEL_DEBUG": ""}, False),
        # after the command name it is not the root option (click refuses it as a usage error)
        (["validate", "--debug", "api.yaml"], {}, False),
        (["scaffold", "x", "--out", "--debug"], {}, False),
    ],
)
def test_settings_read_the_root_debug_option_and_the_environment(
    args: list[str], environ: dict[str, str], debug: bool
) -> None:
    assert Settings.read(args, environ) == Settings(debug=debug)


def test_debug_reraises_after_the_message(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("ARCHSEL_DEBUG", raising=False)
    missing = str(tmp_path / "missing.yaml")
    with pytest.raises(ProfileError):
        main(["--debug", "validate", missing])
    assert capsys.readouterr().err.startswith("archsel: error: ")
    with pytest.raises(SystemExit) as done:
        main(["validate", missing])
    assert done.value.code == 3
