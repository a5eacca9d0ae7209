"""Read a project folder: its kind (SAM, CDK, plain CloudFormation), template, code and archsel.answers.yaml."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError

from archsel.deploy import cdk
from archsel.deploy.build import Installer, apply_build, plan_build
from archsel.deploy.cfn_yaml import parse_template_text
from archsel.deploy.models import Answers, ImageNeed, Project, ProjectKind, Template
from archsel.deploy.package import dependency_notices
from archsel.deploy.settings import ANSWERS_FILE, project_settings
from archsel.errors import DeployError

TEMPLATE_NAMES = ("template.yaml", "template.yml", "template.json")
STACK_NAME_RE = re.compile(r"^[A-Za-z][A-Za-z0-9-]{0,127}$")


class _AnswersFile(BaseModel):
    """The keys deploy reads from archsel.answers.yaml; scaffold writes more, which are ignored here."""

    model_config = ConfigDict(extra="ignore")

    template_set: str | None = None
    architecture: str | None = None
    archsel_version: str | None = None
    profile_name: str | None = None
    stack_name: str | None = None
    monthly_usd: Decimal | None = None
    description: str | None = None
    parameters: dict[str, Any] = {}
    recommendation: dict[str, Any] | None = None
    workload: dict[str, Any] | None = None


def read_answers(path: Path) -> Answers | None:
    """The answers file's deploy-relevant values; None when the project has none."""
    if not path.is_file():
        return None
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        parsed = _AnswersFile.model_validate(document)
    except (OSError, UnicodeDecodeError, yaml.YAMLError, ValidationError) as error:
        raise DeployError(f"{path}: cannot read the answers file ({error})") from error
    summary = parsed.recommendation or {}
    workload = parsed.workload or {}
    monthly = parsed.monthly_usd if parsed.monthly_usd is not None else summary.get("monthly_usd")
    return Answers(
        template_set=parsed.template_set,
        architecture=parsed.architecture,
        archsel_version=parsed.archsel_version,
        profile_name=parsed.profile_name or _text(workload.get("name")),
        stack_name=parsed.stack_name or _text(parsed.parameters.get("stack_name")),
        monthly_usd=None if monthly is None else Decimal(str(monthly)),
        description=parsed.description or _text(summary.get("description")),
        parameters=tuple(sorted((k, _scalar(v)) for k, v in parsed.parameters.items() if _is_scalar(v))),
    )


def _text(value: object) -> str | None:
    return None if value is None else str(value)


def _is_scalar(value: object) -> bool:
    return isinstance(value, str | int | float | bool | Decimal)


def _scalar(value: object) -> str:
    return str(value).lower() if isinstance(value, bool) else str(value)


def load_project(
    root: Path,
    *,
    synth: cdk.Synth | None = None,
    env: dict[str, str] | None = None,
    installer: Installer | None = None,
) -> Project:
    """Read ``root``: a SAM or CloudFormation template (code built with ``installer``), or a CDK app (``synth``)."""
    if not root.is_dir():
        raise DeployError(f"{root}: no such folder", hint="pass the folder `archsel scaffold --out` wrote")
    answers = read_answers(root / ANSWERS_FILE)
    template_path = next((root / name for name in TEMPLATE_NAMES if (root / name).is_file()), None)
    if template_path is not None:
        return _template_project(root, template_path, answers, installer)
    if (root / "cdk.json").is_file():
        return _cdk_project(root, answers, synth or cdk.run_synth, env or {})
    raise DeployError(
        f"{root}: no template.yaml and no cdk.json",
        hint="deploy a folder made by `archsel scaffold` (SAM: template.yaml; CDK: app.py + cdk.json)",
    )


def _template_project(root: Path, path: Path, answers: Answers | None, installer: Installer | None) -> Project:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise DeployError(f"{path}: cannot read ({error})") from error
    template = Template(parse_template_text(text, source=str(path)))
    kind = ProjectKind.sam if template.uses_sam_transform() else ProjectKind.cloudformation
    steps = plan_build(template, root)
    built = apply_build(steps, root, installer)
    artifacts = built.artifacts
    unbuilt = tuple(a for a, step in zip(artifacts, steps, strict=True) if step.requirements is None)
    return Project(
        root=root,
        kind=kind,
        template=template,
        answers=answers,
        default_stack_name=default_stack_name(answers, None, root),
        artifacts=artifacts,
        images=template_images(template, root),
        notices=(*built.notices, *dependency_notices(unbuilt)),
    )


def _cdk_project(root: Path, answers: Answers | None, synth: cdk.Synth, env: dict[str, str]) -> Project:
    assembly = cdk.synthesize(root, synth, env)
    return Project(
        root=root,
        kind=ProjectKind.cdk,
        template=assembly.template,
        answers=answers,
        default_stack_name=default_stack_name(answers, assembly.stack_name, root),
        artifacts=assembly.artifacts,
        # Image assets, and images the stack takes as a parameter (the scaffolded ImageUri).
        images=(*assembly.images, *template_images(assembly.template, root)),
        notices=assembly.notices,
    )


def default_stack_name(answers: Answers | None, cdk_stack: str | None, root: Path) -> str:
    """The stack name when --stack-name is not given: answers, samconfig.toml / cdk.json, the CDK stack, the folder."""
    if answers is not None and answers.stack_name:
        return answers.stack_name
    named = project_settings(root).stack_name
    if named:
        return named
    if cdk_stack:
        return cdk_stack
    if answers is not None and answers.profile_name:
        return sanitize_stack_name(answers.profile_name)
    return sanitize_stack_name(root.resolve().name)


def sanitize_stack_name(name: str) -> str:
    """A valid stack name from free text: letters, digits and dashes, starting with a letter."""
    cleaned = re.sub(r"[^A-Za-z0-9-]+", "-", name).strip("-") or "archsel"
    if not cleaned[0].isalpha():
        cleaned = f"archsel-{cleaned}"
    return cleaned[:128]


def template_images(template: Template, root: Path) -> tuple[ImageNeed, ...]:
    """Container images an ECS task definition takes from a template parameter (``Image: !Ref P``)."""
    needs: dict[str, ImageNeed] = {}
    for resource in template.resources():
        if resource.type != "AWS::ECS::TaskDefinition":
            continue
        platform = resource.properties.get("RuntimePlatform") or {}
        architecture = platform.get("CpuArchitecture") if isinstance(platform, dict) else None
        for container in resource.properties.get("ContainerDefinitions") or []:
            image = container.get("Image") if isinstance(container, dict) else None
            if isinstance(image, dict) and isinstance(image.get("Ref"), str):
                name = image["Ref"]
                repository = sanitize_stack_name(root.resolve().name).lower()
                cpu = architecture if isinstance(architecture, str) else "X86_64"
                needs.setdefault(name, ImageNeed(name, repository, _context(root), cpu))
    return tuple(needs.values())


def _context(root: Path) -> str:
    for candidate in ("src", "app", "."):
        if (root / candidate / "Dockerfile").is_file():
            return candidate
    return "."


def stack_name_of(root: Path) -> str:
    """The stack a project deploys to, without synthesizing it (for destroy)."""
    if not root.is_dir():
        raise DeployError(f"{root}: no such folder", hint="pass the project folder, or the stack with --stack-name")
    answers = read_answers(root / ANSWERS_FILE)
    return default_stack_name(answers, cdk.synthesized_stack_name(root / cdk.OUT_DIR), root)
