"""A project's own region and stack name (samconfig.toml, cdk.json, archsel.answers.yaml) come before the environment."""

from __future__ import annotations

from pathlib import Path

import pytest

from archsel.deploy.models import DeploySetupError
from archsel.deploy.settings import project_settings
from archsel.errors import ExitCode

SAMCONFIG = """
version = 0.1
[default.global.parameters]
stack_name = "from-sam"
[default.deploy.parameters]
region = "eu-central-1"
"""


def test_samconfig_names_region_and_stack(tmp_path: Path) -> None:
    (tmp_path / "samconfig.toml").write_text(SAMCONFIG)
    settings = project_settings(tmp_path)
    assert (settings.region, settings.region_source) == ("eu-central-1", "samconfig.toml")
    assert (settings.stack_name, settings.stack_source) == ("from-sam", "samconfig.toml")


def test_cdk_context_then_answers_parameters(tmp_path: Path) -> None:
    (tmp_path / "cdk.json").write_text('{"app": "python3 app.py", "context": {"aws:region": "ap-south-1"}}')
    (tmp_path / "archsel.answers.yaml").write_text("parameters: {region: us-west-2, stack_name: shop}\n")
    settings = project_settings(tmp_path)
    assert (settings.region, settings.region_source) == ("ap-south-1", "cdk.json")
    assert (settings.stack_name, settings.stack_source) == ("shop", "archsel.answers.yaml")


def test_a_folder_without_settings_names_nothing(tmp_path: Path) -> None:
    settings = project_settings(tmp_path)
    assert (settings.region, settings.stack_name) == (None, None)


def test_a_broken_samconfig_is_named(tmp_path: Path) -> None:
    (tmp_path / "samconfig.toml").write_text("[default\n")
    with pytest.raises(DeploySetupError, match=r"samconfig\.toml: cannot read") as caught:
        project_settings(tmp_path)
    assert caught.value.exit_code is ExitCode.ERROR
