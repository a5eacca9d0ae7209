"""CDK template sets: every scenario and extra design synthesized (`python app.py`), linted and checked.

Synthesis needs aws-cdk-lib (the `cdk` extra) and Node.js. Each project is synthesized exactly once:
the first with a literal `python app.py` in its folder, the others together in one Python process
(tests/e2e/cdk_synth_many.py: each app.py runs as __main__ from its own folder; only jsii's Node
start-up, the slow part, is shared), both at the same time. Asset bundling is skipped (the
`aws:cdk:bundling-stacks` context), so no pip download or Docker happens at synth time.
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
from tests.e2e.test_templates_sam import expected_schedule, expected_task_schedule

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
    first, *others = projects.values()
    plain = subprocess.Popen(
        [sys.executable, "app.py"],
        cwd=first,
        env=synth_environment(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    many = subprocess.run(
        [sys.executable, str(SYNTH_MANY), *map(str, others)],
        env=synth_environment(),
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    _, plain_errors = plain.communicate(timeout=600)
    assert plain.returncode == 0, f"python app.py failed in {first}:\n{plain_errors[-3000:]}"
    results = [json.loads(line) for line in many.stdout.splitlines() if line.startswith("{")]
    failed = [r["project"] + "\n" + r["error"] for r in results if not r["ok"]]
    assert many.returncode == 0 and not failed and len(results) == len(others), many.stderr[-3000:] + "\n".join(failed)
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
    assert security_problems(template, health_path="/health", has_api_gateway=case.architecture != "fargate") == []


@pytest.mark.parametrize("case", cases("lambda"), ids=lambda c: c.id)
def test_lambda_settings_equal_the_design(synthesized: dict[str, Template], case: Case) -> None:
    assert lambda_settings_problems(synthesized[case.id], design(case), expected_schedule(case)) == []


@pytest.mark.parametrize("case", cases("fargate"), ids=lambda c: c.id)
def test_fargate_settings_equal_the_design(synthesized: dict[str, Template], case: Case) -> None:
    assert fargate_settings_problems(synthesized[case.id], design(case), expected_task_schedule(case)) == []
