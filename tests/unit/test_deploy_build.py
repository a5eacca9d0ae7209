"""Building Lambda code: requirements installed for the function's Python and CPU, zipped, cached by content.

pip is replaced by a recording installer here (tests/e2e/test_lambda_build.py runs the real one).
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Any

import pytest

from archsel.deploy.build import CACHE_DIR, InstallRequest, apply_build, plan_build
from archsel.deploy.models import BuildError, Template
from archsel.deploy.project import load_project


class FakePip:
    """Installs one module per requirement line, records every request."""

    def __init__(self) -> None:
        self.requests: list[InstallRequest] = []

    def __call__(self, request: InstallRequest) -> None:
        self.requests.append(request)
        request.target.mkdir(parents=True)
        for line in request.requirements.read_text().splitlines():
            name = line.split("#")[0].strip()
            if name:
                (request.target / f"{name}.py").write_text(f"PLATFORM = {request.platforms[0]!r}\n")


def template(**functions: dict[str, Any]) -> Template:
    resources = {
        name: {"Type": "AWS::Serverless::Function", "Properties": {"CodeUri": "src/", "Handler": "h.h", **props}}
        for name, props in functions.items()
    }
    return Template({"Transform": "AWS::Serverless-2016-10-31", "Resources": resources})


def project(tmp_path: Path, requirements: str = "pg8000\n") -> Path:
    (tmp_path / "src").mkdir(parents=True)
    (tmp_path / "src" / "h.py").write_text("def h(e, c):\n    return 1\n")
    (tmp_path / "src" / "requirements.txt").write_text(requirements)
    return tmp_path


def names(data: bytes) -> list[str]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return archive.namelist()


def test_runtime_and_architecture_choose_python_version_and_platforms(tmp_path: Path) -> None:
    root = project(tmp_path)
    steps = plan_build(
        template(
            Arm={"Runtime": "python3.12", "Architectures": ["arm64"]},
            X86={"Runtime": "python3.11"},
        ),
        root,
    )
    arm, x86 = steps
    assert (arm.python_version, arm.platforms) == ("3.12", ("manylinux2014_aarch64", "manylinux_2_28_aarch64"))
    assert (x86.python_version, x86.platforms) == ("3.11", ("manylinux2014_x86_64",))  # Amazon Linux 2
    assert arm.key != x86.key  # same sources, different machines: built separately


def test_globals_give_runtime_and_architecture(tmp_path: Path) -> None:
    body = dict(template(Fn={}).body)
    body["Globals"] = {"Function": {"Runtime": "python3.13", "Architectures": ["arm64"]}}
    (step,) = plan_build(Template(body), project(tmp_path))
    assert (step.runtime, step.architecture) == ("python3.13", "arm64")


def test_requirements_installed_under_the_sources_and_cached(tmp_path: Path) -> None:
    root = project(tmp_path)
    pip = FakePip()
    body = template(Fn={"Runtime": "python3.12", "Architectures": ["arm64"]})
    first = apply_build(plan_build(body, root), root, pip)
    assert names(first.artifacts[0].data) == ["h.py", "pg8000.py", "requirements.txt"]
    assert [(r.python_version, r.platforms[0]) for r in pip.requests] == [("3.12", "manylinux2014_aarch64")]
    assert first.notices[0].startswith("built Fn (src/ + requirements.txt for python3.12 arm64)")

    again = apply_build(plan_build(body, root), root, pip)
    assert len(pip.requests) == 1 and again.notices[0].startswith("cached Fn")
    assert again.artifacts[0].sha256 == first.artifacts[0].sha256  # same bytes: not uploaded again

    (root / "src" / "h.py").write_text("def h(e, c):\n    return 2\n")
    changed = apply_build(plan_build(body, root), root, pip)
    assert len(pip.requests) == 1  # only the code changed: the installed dependencies are reused
    assert changed.notices[0].startswith("built (dependencies cached) Fn")
    assert changed.artifacts[0].sha256 != first.artifacts[0].sha256

    (root / "src" / "requirements.txt").write_text("pg8000\nscramp\n")
    apply_build(plan_build(body, root), root, pip)
    assert len(pip.requests) == 2
    cache = sorted(p.name for p in (root / CACHE_DIR).iterdir())
    assert len(cache) == 2  # one zip, one dependency folder: older builds are pruned


def test_functions_sharing_code_and_machine_build_once(tmp_path: Path) -> None:
    root = project(tmp_path)
    pip = FakePip()
    props = {"Runtime": "python3.12", "Architectures": ["x86_64"]}
    outcome = apply_build(plan_build(template(Health=props, Items=props), root), root, pip)
    assert len(pip.requests) == 1 and len(outcome.notices) == 1
    assert outcome.artifacts[0].sha256 == outcome.artifacts[1].sha256
    assert [a.logical_id for a in outcome.artifacts] == ["Health", "Items"]


@pytest.mark.parametrize(
    ("requirements", "runtime"),
    [("# runtime has it\nboto3\n", "python3.12"), ("pg8000\n", "nodejs20.x"), ("", "python3.12")],
)
def test_nothing_to_install_is_zipped_as_it_is(tmp_path: Path, requirements: str, runtime: str) -> None:
    root = project(tmp_path, requirements)
    pip = FakePip()
    outcome = apply_build(plan_build(template(Fn={"Runtime": runtime}), root), root, pip)
    assert pip.requests == [] and outcome.notices == ()
    assert "h.py" in names(outcome.artifacts[0].data)
    assert not (root / CACHE_DIR).exists()


def test_a_failed_install_is_a_build_error_and_caches_nothing(tmp_path: Path) -> None:
    root = project(tmp_path)

    def failing(request: InstallRequest) -> None:
        request.target.mkdir(parents=True)
        (request.target / "half.py").write_text("")
        raise BuildError("pip could not install")

    with pytest.raises(BuildError) as caught:
        apply_build(plan_build(template(Fn={"Runtime": "python3.12"}), root), root, failing)
    assert caught.value.exit_code == 1
    assert [p.name for p in (root / CACHE_DIR).iterdir()] == []


def test_load_project_builds_and_drops_the_not_installed_notice(tmp_path: Path) -> None:
    root = project(tmp_path)
    (root / "template.yaml").write_text(
        "Transform: AWS::Serverless-2016-10-31\nResources:\n  Fn:\n    Type: AWS::Serverless::Function\n"
        "    Properties: {CodeUri: src/, Handler: h.h, Runtime: python3.12}\n"
    )
    loaded = load_project(root, installer=FakePip())
    assert "pg8000.py" in names(loaded.artifacts[0].data)
    assert any(n.startswith("built Fn") for n in loaded.notices)
    assert not any("does not install" in n for n in loaded.notices)
