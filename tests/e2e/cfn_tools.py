"""Helpers for the template tests: SAM transform in process, cfn-lint, and walks over CloudFormation."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from cfnlint.api import ManualArgs, lint
from cfnlint.decode import cfn_yaml
from samtranslator.translator.transform import transform

from archsel.scaffold.design import Design
from archsel.scaffold.manifest import load_template_set
from archsel.scaffold.render import RenderedFile, render

Template = dict[str, Any]


class _NoManagedPolicies:
    """Managed-policy loader stub: the templates name managed policies by ARN, so no IAM lookup is needed."""

    def load(self) -> dict[str, str]:
        return {}


@contextmanager
def _region(region: str) -> Iterator[None]:
    """samtranslator reads the region from a boto3 session (environment only, no AWS call)."""
    saved = os.environ.get("AWS_DEFAULT_REGION")
    os.environ["AWS_DEFAULT_REGION"] = region
    try:
        yield
    finally:
        if saved is None:
            del os.environ["AWS_DEFAULT_REGION"]
        else:
            os.environ["AWS_DEFAULT_REGION"] = saved


def parse_template(text: str) -> Template:
    """A CloudFormation YAML/JSON template as plain dicts (short-form tags expanded)."""
    return json.loads(json.dumps(cfn_yaml.loads(text)))


def sam_transform(text: str, region: str) -> Template:
    """The SAM template after the AWS::Serverless transform, as CloudFormation would see it.

    Local CodeUri paths become a placeholder S3 URI first, as `sam package` would make them.
    """
    template = parse_template(text)
    for resource in template.get("Resources", {}).values():
        if resource.get("Type") == "AWS::Serverless::Function":
            resource["Properties"]["CodeUri"] = "s3://example-artifacts/api.zip"
    with _region(region):
        return transform(template, {}, _NoManagedPolicies())


def lint_errors(template: Template, region: str) -> list[str]:
    """cfn-lint errors (E rules) for ``template``; warnings and informational findings are left out."""
    matches = lint(json.dumps(template), config=ManualArgs(regions=[region]))
    return [
        f"{m.rule.id} {m.message} ({'/'.join(str(p) for p in m.path)})" for m in matches if m.rule.id.startswith("E")
    ]


def resources(template: Template, kind: str) -> dict[str, Template]:
    """Resources of CloudFormation type ``kind`` by logical id."""
    return {name: r for name, r in template["Resources"].items() if r["Type"] == kind}


def only(template: Template, kind: str) -> Template:
    """The one resource of type ``kind`` (its Properties)."""
    found = list(resources(template, kind).values())
    assert len(found) == 1, f"expected one {kind}, found {len(found)}"
    return dict(found[0].get("Properties", {}))


def render_design(design: Design, set_name: str) -> tuple[RenderedFile, ...]:
    """Render the shipped set ``set_name`` for ``design``."""
    return render(design, load_template_set(set_name))


def file_text(files: tuple[RenderedFile, ...], path: str) -> str:
    """The content of rendered file ``path``."""
    return next(f.content for f in files if f.path == path)


def write_files(files: tuple[RenderedFile, ...], root: Path) -> Path:
    """Write rendered files under ``root`` (a plain write, for tests that run the generated project)."""
    for item in files:
        target = root / item.path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(item.content, encoding="utf-8")
    return root
