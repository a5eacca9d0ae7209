"""`archsel scaffold` through the real CLI: sources, exit codes, dry run, diff and --force."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from archsel.profile.loader import load_profile
from archsel.scaffold.answers import ANSWERS_FILE
from tests.conftest import SCENARIOS, CliResult
from tests.recommend_support import candidate_document, recommend_document

Run = Callable[..., CliResult]


@pytest.fixture
def recommendation(tmp_path: Path) -> Path:
    """A recommend JSON document as `archsel recommend --format json` writes it (the keys scaffold reads)."""
    workload = load_profile(SCENARIOS / "startup-mvp.yaml").model_dump(mode="json", by_alias=True)
    lam = candidate_document("l", "lambda", "Lambda 1024 MB x86_64, HTTP API", 12.34, workload)
    far = candidate_document("f", "fargate", "Fargate 0.5 vCPU/1 GB", 45.6, workload)
    document = recommend_document(
        [lam, far], lam, ["Lambda costs less at 3 million requests a month"], pricing_as_of="2025-06-01"
    )
    path = tmp_path / "rec.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


def test_scaffold_from_a_recommendation(run_cli: Run, recommendation: Path, tmp_path: Path) -> None:
    out = tmp_path / "project"
    result = run_cli("scaffold", str(recommendation), "--iac", "sam", "--out", str(out))
    assert result.exit_code == 0, result.stderr
    assert "scaffolded lambda-sam (Lambda 1024 MB x86_64, HTTP API)" in result.stdout
    assert "create  template.yaml" in result.stdout
    readme = (out / "README.md").read_text()
    assert "$12.34 a month" in readme and "Lambda costs less at 3 million requests a month" in readme
    assert (out / ANSWERS_FILE).is_file()


def test_non_empty_out_exits_2_with_a_hint(run_cli: Run, recommendation: Path, tmp_path: Path) -> None:
    out = tmp_path / "project"
    assert run_cli("scaffold", str(recommendation), "--iac", "cdk", "--out", str(out)).exit_code == 0
    again = run_cli("scaffold", str(recommendation), "--iac", "cdk", "--out", str(out))
    assert again.exit_code == 2
    assert "folder is not empty" in again.stderr and "hint: use --force" in again.stderr


def test_dry_run_writes_nothing(run_cli: Run, recommendation: Path, tmp_path: Path) -> None:
    out = tmp_path / "project"
    result = run_cli("scaffold", str(recommendation), "--iac", "sam", "--out", str(out), "--dry-run")
    assert result.exit_code == 0 and "dry run, nothing written" in result.stdout
    assert "create  src/handler.py" in result.stdout and not out.exists()


def test_diff_then_force_with_an_architecture_override(run_cli: Run, recommendation: Path, tmp_path: Path) -> None:
    out = tmp_path / "project"
    run_cli("scaffold", str(recommendation), "--iac", "sam", "--out", str(out))
    (out / "NOTES.md").write_text("my notes")
    diff = run_cli("scaffold", str(recommendation), "--iac", "sam", "--arch", "fargate", "--out", str(out), "--diff")
    assert diff.exit_code == 0 and "--- a/template.yaml" in diff.stdout and "+  TaskDefinition:" in diff.stdout
    assert "remove  src/handler.py" in diff.stdout and not (out / "src/server.py").exists()
    forced = run_cli("scaffold", str(recommendation), "--iac", "sam", "--arch", "fargate", "--out", str(out), "--force")
    assert forced.exit_code == 0
    assert (out / "src/server.py").exists() and not (out / "src/handler.py").exists()
    assert (out / "NOTES.md").read_text() == "my notes"
    assert "overriding the recommended" in (out / "README.md").read_text()


def test_rescaffold_from_the_answers_file_changes_nothing(run_cli: Run, recommendation: Path, tmp_path: Path) -> None:
    out = tmp_path / "project"
    run_cli("scaffold", str(recommendation), "--iac", "cdk", "--arch", "fargate", "--out", str(out))
    again = run_cli("scaffold", str(out / ANSWERS_FILE), "--iac", "cdk", "--out", str(out), "--force")
    assert again.exit_code == 0
    assert "create" not in again.stdout and "update" not in again.stdout and "same    app.py" in again.stdout


def test_bad_recommendation_exits_3(run_cli: Run, tmp_path: Path) -> None:
    path = tmp_path / "rec.json"
    path.write_text(json.dumps({"choice": {"architecture": "lambda"}}))
    result = run_cli("scaffold", str(path), "--iac", "sam", "--out", str(tmp_path / "o"))
    assert result.exit_code == 3 and "choice.workload is missing" in result.stderr
