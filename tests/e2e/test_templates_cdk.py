"""CDK template sets: every scenario and extra design synthesized (`python app.py`), linted and checked.

Synthesis needs aws-cdk-lib (the `cdk` extra) and Node.js. To keep the run short every project is
synthesized once, all in one Python process (tests/e2e/cdk_synth_many.py: each app.py runs as
__main__ from its own folder; only jsii's Node start-up is shared), and one project is also
synthesized with a literal `python app.py`. Asset bundling is skipped (the `aws:cdk:bundling-stacks`
context), so no pip download or Docker happens at synth time.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.e2e.cfn_checks import security_problems
from tests.e2e.cfn_tools import Template, lint_errors, render_design, write_files
from tests.e2e.designs import Case, cases, design, set_name
from tests.e2e.settings_checks import fargate_settings_problems, lambda_settings_problems
from tests.e2e.test_templates_sam import expected_schedule

pytest.importorskip("aws_cdk", reason="install the cdk extra: pip install -e '.[cdk]'")
if shutil.which("node") is None:
    pytest.skip("the CDK needs Node.js", allow_module_level=True)

pytestmark = pytest.mark.slow
SYNTH_MANY = Path(__file__).with_name("cdk_synth_many.py")


def synth_environment() -> dict[str, str]:
    return {
        **os.environ,
        "CDK_CONTEXT_JSON": json.dumps({"aws:cdk:bundling-stacks": []}),
        "JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION": "1",
    }


@pytest.fixture(scope="module")
def synthesized(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Template]:
    """Every case's synthesized template, by case id (one synth per case)."""
    root = tmp_path_factory.mktemp("cdk")
    projects = {
        case.id: write_files(render_design(design(case), set_name(case, "cdk")), root / case.id) for case in cases()
    }
    run = subprocess.run(
        [sys.executable, str(SYNTH_MANY), *map(str, projects.values())],
        env=synth_environment(),
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    results = [json.loads(line) for line in run.stdout.splitlines() if line.startswith("{")]
    failed = [r["project"] + "\n" + r["error"] for r in results if not r["ok"]]
    assert run.returncode == 0 and not failed and len(results) == len(projects), run.stderr[-3000:] + "\n".join(failed)
    return {case_id: _template(folder) for case_id, folder in projects.items()}


def _template(project: Path) -> Template:
    stacks = list((project / "cdk.out").glob("*.template.json"))
    assert len(stacks) == 1, f"{project}: expected one stack, found {stacks}"
    return json.loads(stacks[0].read_text(encoding="utf-8"))


@pytest.mark.parametrize("case", cases(), ids=lambda c: c.id)
def test_synthesized_template_has_no_cfn_lint_errors(synthesized: dict[str, Template], case: Case) -> None:
    assert lint_errors(synthesized[case.id], design(case).profile.region) == []


@pytest.mark.parametrize("case", cases(), ids=lambda c: c.id)
def test_security_by_default(synthesized: dict[str, Template], case: Case) -> None:
    template = synthesized[case.id]
    assert security_problems(template, health_path="/health", has_api_gateway=case.architecture == "lambda") == []


@pytest.mark.parametrize("case", cases("lambda"), ids=lambda c: c.id)
def test_lambda_settings_equal_the_design(synthesized: dict[str, Template], case: Case) -> None:
    assert lambda_settings_problems(synthesized[case.id], design(case), expected_schedule(case)) == []


@pytest.mark.parametrize("case", cases("fargate"), ids=lambda c: c.id)
def test_fargate_settings_equal_the_design(synthesized: dict[str, Template], case: Case) -> None:
    assert fargate_settings_problems(synthesized[case.id], design(case)) == []


def test_python_app_py_synthesizes_on_its_own(tmp_path: Path) -> None:
    """The plain command a user runs, in a fresh process, for one project."""
    case = cases("fargate")[0]
    project = write_files(render_design(design(case), set_name(case, "cdk")), tmp_path / "project")
    run = subprocess.run(
        [sys.executable, "app.py"],
        cwd=project,
        env=synth_environment(),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    assert lint_errors(_template(project), design(case).profile.region) == []
