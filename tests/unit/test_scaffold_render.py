"""Template sets and rendering: manifests are checked, templates hold no arithmetic, output is reproducible."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from archsel.errors import ProfileError, TemplateError
from archsel.profile.loader import parse_profile
from archsel.resources import templates_dir
from archsel.scaffold.answers import ANSWERS_FILE, design_from_answers
from archsel.scaffold.design import Design, RecommendationSummary, design_from_profile
from archsel.scaffold.manifest import find_template_set, list_template_sets, load_template_set
from archsel.scaffold.render import render

PROFILE = """
version: 1
name: shop
traffic: {mean_rps: 2}
lambda: {memory_mb: 1536, architecture: arm64}
database: {kind: dynamodb}
frontend: {enabled: true}
"""


def design(architecture: str = "lambda", text: str = PROFILE) -> Design:
    return design_from_profile(parse_profile(text), architecture)


def by_path(files: tuple) -> dict[str, str]:
    return {f.path: f.content for f in files}


def test_one_shipped_set_per_architecture_and_tool() -> None:
    pairs = sorted((m.architecture, m.iac) for m in list_template_sets())
    assert pairs == [
        ("fargate", "cdk"),
        ("fargate", "sam"),
        ("lambda", "cdk"),
        ("lambda", "sam"),
        ("lambda-managed", "cdk"),
        ("lambda-managed", "sam"),
    ]
    for architecture, iac in pairs:
        assert find_template_set(str(architecture), str(iac)).manifest.iac == iac


# Jinja expressions and statements; `~` (string joining) and `-` inside names/strings are not arithmetic.
_JINJA = re.compile(r"{{(.*?)}}|{%(.*?)%}", re.S)
_ARITHMETIC = re.compile(r"(?<![\w'\"])(\d+(\.\d+)?|\w+(\.\w+)*)\s*(\*\*|//|[+*/%]|-(?=\s))\s*[\w(]")


def test_templates_hold_no_arithmetic() -> None:
    offenders = []
    for path in sorted(templates_dir().rglob("*.j2")):
        for match in _JINJA.finditer(path.read_text(encoding="utf-8")):
            expression = re.sub(r"'[^']*'|\"[^\"]*\"", "''", match.group(1) or match.group(2))
            if _ARITHMETIC.search(expression):
                offenders.append(f"{path.relative_to(templates_dir())}: {expression.strip()}")
    assert offenders == []


def test_the_arithmetic_check_catches_arithmetic() -> None:
    for expression in ("p.a * 1024", "x + 1", "p.vcpu/2", "n // 2", "a - b"):
        assert _ARITHMETIC.search(expression), expression
    for expression in ("p.name | tojson", "'a-b' ~ p.x", "p.items[0].name", "-1"):
        assert not _ARITHMETIC.search(re.sub(r"'[^']*'", "''", expression)), expression


def make_set(root: Path, manifest: str, templates: dict[str, str]) -> Path:
    folder = root / "demo"
    folder.mkdir(parents=True)
    (folder / "manifest.yaml").write_text(manifest, encoding="utf-8")
    for name, text in templates.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text, encoding="utf-8")
    return root


MANIFEST = "name: demo\ndescription: test set\narchitecture: lambda\niac: sam\nfiles:\n  - {template: a.yaml.j2, output: a.yaml}\n"


def test_unlisted_and_missing_templates_are_errors(tmp_path: Path) -> None:
    root = make_set(tmp_path / "one", MANIFEST, {"a.yaml.j2": "x: 1\n", "stray.j2": ""})
    with pytest.raises(TemplateError, match="not listed"):
        load_template_set("demo", root)
    root = make_set(tmp_path / "two", MANIFEST, {})
    with pytest.raises(TemplateError, match=r"not found: a\.yaml\.j2"):
        load_template_set("demo", root)


def test_outputs_must_stay_inside_the_project(tmp_path: Path) -> None:
    manifest = MANIFEST.replace("output: a.yaml", "output: ../a.yaml")
    with pytest.raises(TemplateError, match="relative path inside the project"):
        load_template_set("demo", make_set(tmp_path, manifest, {"a.yaml.j2": ""}))


def test_undefined_values_fail_loudly(tmp_path: Path) -> None:
    root = make_set(tmp_path, MANIFEST, {"a.yaml.j2": "memory: {{ p.lambda_.no_such_value }}\n"})
    with pytest.raises(TemplateError, match="no_such_value"):
        render(design(), load_template_set("demo", root))


def test_rendered_yaml_must_parse(tmp_path: Path) -> None:
    root = make_set(tmp_path, MANIFEST, {"a.yaml.j2": "a: [1\nb: {{ p.project_name }}\n"})
    with pytest.raises(TemplateError, match="does not parse"):
        render(design(), load_template_set("demo", root))


def test_set_must_fit_the_design() -> None:
    with pytest.raises(TemplateError, match="renders lambda, not fargate"):
        render(design("fargate"), load_template_set("lambda-sam"))


def test_rendering_is_deterministic() -> None:
    template_set = load_template_set("lambda-cdk")
    assert render(design(), template_set) == render(design(), template_set)


def test_files_follow_the_design() -> None:
    with_front = by_path(render(design(), load_template_set("lambda-sam")))
    assert "frontend/index.html" in with_front and "src/app/sql_connect.py" not in with_front
    no_front = PROFILE.replace("frontend: {enabled: true}", "database: {kind: aurora-postgres}").replace(
        "database: {kind: dynamodb}\n", ""
    )
    files = by_path(render(design("fargate", no_front), load_template_set("fargate-sam")))
    assert "frontend/index.html" not in files and "src/app/sql_connect.py" in files
    assert "src/Dockerfile" in files and "src/handler.py" not in files
    assert files["src/requirements.txt"].splitlines()[-2:] == ["boto3", "pg8000"]


def test_answers_record_the_design_and_every_file(tmp_path: Path) -> None:
    files = render(design(), load_template_set("lambda-sam"))
    contents = by_path(files)
    answers = yaml.safe_load(contents[ANSWERS_FILE])
    assert answers["template_set"] == "lambda-sam" and answers["profile_hash"] == design().profile_hash
    assert answers["parameters"]["lambda_"]["memory_mb"] == 1536
    assert answers["parameters"]["lambda_"]["architecture"] == "arm64"
    assert set(answers["files"]) == set(contents) - {ANSWERS_FILE}
    assert all(answers["files"][f.path] == f.sha256 for f in files if f.path != ANSWERS_FILE)


def test_rescaffold_from_answers_renders_the_same_bytes(tmp_path: Path) -> None:
    summary = RecommendationSummary("Lambda 1536 MB arm64", 12.5, ("cheaper",), "2025-06-01", "0.1.0", "lambda")
    original = Design("lambda", design().profile, summary)
    template_set = load_template_set("lambda-cdk")
    files = render(original, template_set)
    path = tmp_path / ANSWERS_FILE
    path.write_text(by_path(files)[ANSWERS_FILE], encoding="utf-8")
    assert design_from_answers(path) == original
    assert render(design_from_answers(path), template_set) == files


def test_answers_missing_a_recommendation_field_are_refused_naming_it(tmp_path: Path) -> None:
    summary = RecommendationSummary("Lambda 1536 MB arm64", 12.5, ("cheaper",), "2025-06-01", "0.1.0", "lambda")
    files = render(Design("lambda", design().profile, summary), load_template_set("lambda-sam"))
    answers = yaml.safe_load(by_path(files)[ANSWERS_FILE])
    del answers["recommendation"]["monthly_usd"]
    path = tmp_path / ANSWERS_FILE
    path.write_text(yaml.safe_dump(answers), encoding="utf-8")
    with pytest.raises(ProfileError) as raised:
        design_from_answers(path)
    assert str(path) in raised.value.message and "recommendation.monthly_usd is missing" in raised.value.message


def test_readme_quotes_the_recommendation() -> None:
    summary = RecommendationSummary(
        "Fargate 1 vCPU/2 GB", 48.2, ("Fargate holds p99 under load",), "2025-06-01", "0.1.0", "lambda"
    )
    readme = by_path(render(Design("fargate", design().profile, summary), load_template_set("fargate-sam")))[
        "README.md"
    ]
    assert "Fargate 1 vCPU/2 GB" in readme and "$48.20 a month" in readme and "2025-06-01" in readme
    assert "- Fargate holds p99 under load" in readme
    assert "overriding the recommended" in readme  # --arch picked fargate over lambda
