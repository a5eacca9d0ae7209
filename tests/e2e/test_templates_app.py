"""The generated projects' own tests pass when run inside the project (`python -m pytest` there)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from archsel.scaffold.manifest import list_template_sets
from tests.e2e.cfn_tools import render_design, write_files
from tests.e2e.designs import Case, cases, design

pytestmark = pytest.mark.slow

# Each set once with the first scenario's design, and the Aurora designs (their SQL store and driver code).
# (The lambda-managed sets render the Lambda app; test_templates_lambda_managed.py covers them.)
PROJECTS = [(cases(m.architecture)[0], m.name) for m in list_template_sets() if cases(m.architecture)] + [
    (case, f"{case.architecture}-sam")
    for case in cases()
    if case.id in ("rich-lambda", "rich-fargate", "oidc-lambda", "oidc-fargate")
]


@pytest.mark.parametrize(("case", "set_name"), PROJECTS, ids=lambda v: v if isinstance(v, str) else v.id)
def test_generated_tests_pass_inside_the_project(tmp_path: Path, case: Case, set_name: str) -> None:
    project = write_files(render_design(design(case), set_name), tmp_path / "project")
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-2000:]
    assert " passed" in run.stdout and "skipped" not in run.stdout
