"""Where a project says it deploys: region and stack name from samconfig.toml, cdk.json or archsel.answers.yaml.

These files are read before any AWS call, so the region the project names wins over the
environment's (a person who runs `archsel deploy infra/` expects infra/'s own settings).
"""

from __future__ import annotations

import json
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from archsel.deploy.models import DeploySetupError

SAMCONFIG = "samconfig.toml"
CDK_JSON = "cdk.json"
ANSWERS_FILE = "archsel.answers.yaml"
SAM_SECTIONS = (("default", "deploy", "parameters"), ("default", "global", "parameters"))
"""samconfig.toml tables `sam deploy` reads, in the order it reads them."""
CDK_REGION_KEYS = ("region", "aws:region", "archsel:region")
CDK_STACK_KEYS = ("stack_name", "stackName", "archsel:stack_name")


@dataclass(frozen=True, slots=True)
class ProjectSettings:
    """Region and stack name a project names for itself, and the file each came from."""

    region: str | None = None
    region_source: str | None = None
    stack_name: str | None = None
    stack_source: str | None = None


def project_settings(root: Path) -> ProjectSettings:
    """The first region and stack name named by samconfig.toml, then cdk.json, then archsel.answers.yaml."""
    region: tuple[str | None, str | None] = (None, None)
    stack: tuple[str | None, str | None] = (None, None)
    for name, reader in ((SAMCONFIG, _samconfig), (CDK_JSON, _cdk_json), (ANSWERS_FILE, _answers)):
        path = root / name
        if not path.is_file():
            continue
        found_region, found_stack = reader(path)
        if region[0] is None and found_region:
            region = (found_region, name)
        if stack[0] is None and found_stack:
            stack = (found_stack, name)
    return ProjectSettings(region[0], region[1], stack[0], stack[1])


def _samconfig(path: Path) -> tuple[str | None, str | None]:
    try:
        document = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise DeploySetupError(f"{path}: cannot read ({error})", hint="fix or remove the file") from error
    tables = [_table(document, keys) for keys in SAM_SECTIONS]
    return _first(tables, ("region",)), _first(tables, ("stack_name",))


def _cdk_json(path: Path) -> tuple[str | None, str | None]:
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise DeploySetupError(f"{path}: cannot read ({error})", hint="fix the JSON") from error
    context = document.get("context") if isinstance(document, dict) else None
    tables = [context] if isinstance(context, dict) else []
    return _first(tables, CDK_REGION_KEYS), _first(tables, CDK_STACK_KEYS)


def _answers(path: Path) -> tuple[str | None, str | None]:
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
        raise DeploySetupError(f"{path}: cannot read the answers file ({error})") from error
    if not isinstance(document, dict):
        return None, None
    parameters = document.get("parameters")
    tables = [document, parameters] if isinstance(parameters, dict) else [document]
    return _first(tables, ("region",)), _first(tables, ("stack_name",))


def _table(document: dict[str, Any], keys: tuple[str, ...]) -> dict[str, Any]:
    node: Any = document
    for key in keys:
        node = node.get(key) if isinstance(node, dict) else None
    return node if isinstance(node, dict) else {}


def _first(tables: list[dict[str, Any]], keys: tuple[str, ...]) -> str | None:
    for table in tables:
        for key in keys:
            value = table.get(key)
            if isinstance(value, str) and value.strip():
                return value.strip()
    return None
