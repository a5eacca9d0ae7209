"""checkov on every template set rendered for every shipped scenario (and the extra designs of tests/e2e/designs.py:
REST API, custom domains with HTTPS load balancers, Aurora, step scaling): no failed check but those accepted in
docs/security.md.

checkov runs from its own virtual environment (`.venv-checkov`, made by scripts/test: it pins an
older boto3 than archsel's), or the executable named by ARCHSEL_CHECKOV, offline
(`--skip-download`). SAM sets are scanned as rendered (checkov reads SAM templates); CDK sets as
synthesized (`python app.py` for every project in one process, asset bundling skipped, like
test_templates_cdk). The accepted checks are read from the table in docs/security.md, each with
its reason; a check listed there that no longer fails anywhere fails the test too, so the table
stays true.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from functools import cache
from pathlib import Path

import pytest

from tests.e2e.cfn_tools import file_text, render_design, write_files
from tests.e2e.designs import REPO, Case, cases, design, set_name

pytestmark = pytest.mark.slow

SECURITY_DOC = REPO / "docs" / "security.md"
SYNTH_MANY = Path(__file__).with_name("cdk_synth_many.py")
CHECKOV_OPTIONS = ("--framework", "cloudformation", "-o", "json", "--quiet", "--skip-download", "--compact")
_ROW = re.compile(r"^\|\s*(CKV2?_[A-Z0-9_]+)\s*\|([^|]*)\|([^|]*)\|\s*$")


def checkov_executable() -> Path | None:
    """ARCHSEL_CHECKOV, else .venv-checkov/bin/checkov in the checkout (or the main one it shares a venv with)."""
    named = os.environ.get("ARCHSEL_CHECKOV")
    candidates = [Path(named)] if named else []
    candidates += [REPO / ".venv-checkov" / "bin" / "checkov"]
    return next((path for path in candidates if path.is_file()), None)


def accepted_checks(doc: str) -> dict[str, str]:
    """Check id -> reason, from the docs/security.md table rows `| CKV_... | where | why |`."""
    found = {}
    for line in doc.splitlines():
        match = _ROW.match(line.strip())
        if match:
            found[match.group(1)] = match.group(3).strip()
    return found


def scenario_cases() -> list[Case]:
    """Every shipped scenario on both architectures, then the extra designs."""
    return cases()


@cache
def checkov() -> Path:
    executable = checkov_executable()
    if executable is None:
        pytest.skip("checkov is not installed: scripts/test makes .venv-checkov (or set ARCHSEL_CHECKOV)")
    return executable


def scan(folder: Path) -> list[str]:
    """Every failed check under ``folder`` as 'CHECK_ID project/file:resource'."""
    run = subprocess.run(
        [str(checkov()), "-d", str(folder), *CHECKOV_OPTIONS],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert run.returncode in (0, 1) and run.stdout.strip(), run.stderr[-3000:]
    reports = json.loads(run.stdout)
    failed = []
    for report in reports if isinstance(reports, list) else [reports]:
        if not isinstance(report, dict) or "results" not in report:
            continue  # an empty scan is reported as a summary without results
        for check in report["results"]["failed_checks"]:
            failed.append(f"{check['check_id']} {check['file_path'].lstrip('/')}:{check['resource']}")
    return sorted(failed)


@pytest.fixture(scope="module")
def sam_findings(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    root = tmp_path_factory.mktemp("checkov-sam")
    for case in scenario_cases():
        folder = root / set_name(case, "sam") / case.id
        folder.mkdir(parents=True)
        files = render_design(design(case), set_name(case, "sam"))
        (folder / "template.yaml").write_text(file_text(files, "template.yaml"), encoding="utf-8")
    return scan(root)


@pytest.fixture(scope="module")
def cdk_findings(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    pytest.importorskip("aws_cdk", reason="install the cdk extra: pip install -e '.[cdk]'")
    if shutil.which("node") is None:
        pytest.skip("the CDK needs Node.js")
    checkov()
    projects = tmp_path_factory.mktemp("checkov-cdk-projects")
    folders = [
        write_files(render_design(design(case), set_name(case, "cdk")), projects / case.id) for case in scenario_cases()
    ]
    environment = {
        **os.environ,
        "CDK_CONTEXT_JSON": json.dumps({"aws:cdk:bundling-stacks": []}),
        "JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION": "1",
    }
    run = subprocess.run(
        [sys.executable, str(SYNTH_MANY), *map(str, folders)],
        env=environment,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    results = [json.loads(line) for line in run.stdout.splitlines() if line.startswith("{")]
    assert run.returncode == 0 and len(results) == len(folders) and all(r["ok"] for r in results), run.stderr[
        -3000:
    ] + "\n".join(r["error"] for r in results if not r["ok"])
    root = tmp_path_factory.mktemp("checkov-cdk")
    for case, folder in zip(scenario_cases(), folders, strict=True):
        (target := root / set_name(case, "cdk") / case.id).mkdir(parents=True)
        (stack,) = (folder / "cdk.out").glob("*.template.json")
        shutil.copy(stack, target / "template.json")
    return scan(root)


def unaccepted(findings: list[str]) -> list[str]:
    accepted = accepted_checks(SECURITY_DOC.read_text(encoding="utf-8"))
    return [finding for finding in findings if finding.split()[0] not in accepted]


def test_the_security_doc_gives_a_reason_for_every_accepted_check() -> None:
    accepted = accepted_checks(SECURITY_DOC.read_text(encoding="utf-8"))
    assert accepted, "no accepted-check table found in docs/security.md"
    assert [check for check, reason in accepted.items() if len(reason) < 20] == []


def test_sam_sets_have_no_unaccepted_checkov_failure(sam_findings: list[str]) -> None:
    assert unaccepted(sam_findings) == []


def test_cdk_sets_have_no_unaccepted_checkov_failure(cdk_findings: list[str]) -> None:
    assert unaccepted(cdk_findings) == []


def test_every_accepted_check_still_fails_somewhere(sam_findings: list[str], cdk_findings: list[str]) -> None:
    """A row for a check that passes everywhere now is stale: remove it from docs/security.md."""
    seen = {finding.split()[0] for finding in sam_findings + cdk_findings}
    accepted = accepted_checks(SECURITY_DOC.read_text(encoding="utf-8"))
    assert sorted(set(accepted) - seen) == []
