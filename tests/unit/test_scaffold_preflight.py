"""`scaffold` checks what it can before simulating: its destination, and Node.js for a CDK project."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from archsel.deploy import cdk
from archsel.errors import DeployError
from archsel.profile.loader import load_profile
from tests.conftest import SCENARIOS, CliResult
from tests.recommend_support import candidate_document, recommend_document

Run = Callable[..., CliResult]


@pytest.fixture
def recommendation(tmp_path: Path) -> Path:
    """A recommend JSON document with the keys scaffold reads (made-up figures)."""
    workload = load_profile(SCENARIOS / "startup-mvp.yaml").model_dump(mode="json", by_alias=True)
    lam = candidate_document("l", "lambda", "Lambda 1024 MB x86_64, HTTP API", 12.34, workload)
    document = recommend_document([lam], lam, ["Lambda costs less"], pricing_as_of="2025-06-01")
    path = tmp_path / "rec.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


def test_a_non_empty_destination_is_refused_before_any_simulation(run_cli: Run, tmp_path: Path) -> None:
    out = tmp_path / "project"
    out.mkdir()
    (out / "notes.txt").write_text("mine", encoding="utf-8")
    # A profile source would run recommend first: the refusal must come before its progress.
    result = run_cli("scaffold", str(SCENARIOS / "startup-mvp.yaml"), "--iac", "sam", "--out", str(out))
    assert result.exit_code == 2
    assert "folder is not empty" in result.stderr
    assert "recommending" not in result.stderr and "[1/" not in result.stderr


def test_scaffold_cdk_without_node_says_so_in_one_line(
    run_cli: Run, recommendation: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path / "empty-bin"))
    result = run_cli("scaffold", str(recommendation), "--iac", "cdk", "--out", str(tmp_path / "project"))
    assert result.exit_code == 0, result.stderr
    notice = [line for line in result.stderr.splitlines() if "Node.js" in line]
    assert len(notice) == 1 and "apt-get install nodejs" in notice[0]


def test_scaffold_sam_without_node_says_nothing_of_it(
    run_cli: Run, recommendation: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path / "empty-bin"))
    result = run_cli("scaffold", str(recommendation), "--iac", "sam", "--out", str(tmp_path / "project"))
    assert result.exit_code == 0, result.stderr
    assert "Node.js" not in result.stderr


def test_deploying_a_cdk_project_without_node_fails_with_how_to_install_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path / "empty-bin"))
    with pytest.raises(DeployError) as raised:
        cdk.run_synth(("python", "app.py"), tmp_path, {})
    assert "needs Node.js" in raised.value.message and "\n" not in raised.value.message
    assert raised.value.hint is not None and "nodejs" in raised.value.hint
