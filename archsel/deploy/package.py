"""Package code like `sam package`: deterministic zips, content-addressed keys, templates rewritten to S3.

Zips are byte-identical for identical files (sorted entries, fixed timestamps and modes), so
their SHA-256 names the content and an unchanged function is never uploaded twice.
"""

from __future__ import annotations

import copy
import hashlib
import io
import os
import zipfile
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

from archsel.deploy.models import Artifact, Template, Upload
from archsel.errors import DeployError

FIXED_ZIP_TIME = (1980, 1, 1, 0, 0, 0)
"""The earliest time a zip entry can hold; used for every entry so the bytes do not depend on mtimes."""
SKIPPED_NAMES = frozenset(
    {"__pycache__", ".git", ".DS_Store", ".aws-sam", ".archsel", ".venv", "cdk.out", ".pytest_cache"}
)

# (resource type, property) whose value may be a local path; the second flag says whether the
# packaged form is an "s3://bucket/key" string (SAM) or an {S3Bucket, S3Key} mapping (plain CFN).
CODE_PROPERTIES: tuple[tuple[str, str, bool], ...] = (
    ("AWS::Serverless::Function", "CodeUri", True),
    ("AWS::Serverless::LayerVersion", "ContentUri", True),
    ("AWS::Lambda::Function", "Code", False),
    ("AWS::Lambda::LayerVersion", "Content", False),
)


def zip_tree(folder: Path) -> bytes:
    """The deterministic zip of every file under ``folder`` (caches and VCS folders left out)."""
    return zip_trees((folder,))


def zip_trees(folders: tuple[Path, ...]) -> bytes:
    """One deterministic zip of several folders laid over each other (a later folder's file wins)."""
    entries: dict[str, Path] = {}
    for folder in folders:
        entries.update((path.relative_to(folder).as_posix(), path) for path in _files(folder))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name in sorted(entries):
            path = entries[name]
            info = zipfile.ZipInfo(name, date_time=FIXED_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3  # unix, so the mode bits below mean the same on every host
            mode = 0o755 if os.access(path, os.X_OK) else 0o644
            info.external_attr = (0o100000 | mode) << 16
            archive.writestr(info, path.read_bytes())
    return buffer.getvalue()


def _files(folder: Path) -> Iterator[Path]:
    for path in sorted(folder.rglob("*")):
        relative = path.relative_to(folder)
        if any(part in SKIPPED_NAMES for part in relative.parts) or path.suffix == ".pyc":
            continue
        if path.is_file():
            yield path


def pack_path(path: Path, *, logical_id: str, prop: str) -> Artifact:
    """Zip a folder (or take a file as it is) into an Artifact named by its SHA-256."""
    if path.is_dir():
        data, suffix = zip_tree(path), ".zip"
    elif path.is_file():
        data, suffix = path.read_bytes(), path.suffix or ".bin"
    else:
        raise DeployError(
            f"{logical_id}.{prop}: {path} does not exist",
            hint="point it at the function's code folder, relative to the template",
        )
    return Artifact(logical_id, prop, path, data, hashlib.sha256(data).hexdigest(), suffix)


def local_code_paths(template: Template, root: Path) -> tuple[tuple[str, str, Path], ...]:
    """(logical id, property, path) of every code property that names a local file or folder."""
    found = []
    for resource in template.resources():
        for rtype, prop, _ in CODE_PROPERTIES:
            value = resource.properties.get(prop)
            if resource.type == rtype and _is_local(value):
                found.append((resource.logical_id, prop, root / str(value)))
    globals_code = globals_function(template).get("CodeUri")
    if _is_local(globals_code):
        found.append(("Globals", "CodeUri", root / str(globals_code)))
    return tuple(found)


def collect_artifacts(template: Template, root: Path) -> tuple[Artifact, ...]:
    """Pack every local code path of ``template`` (paths relative to ``root``)."""
    return tuple(pack_path(path, logical_id=lid, prop=prop) for lid, prop, path in local_code_paths(template, root))


def dependency_notices(artifacts: tuple[Artifact, ...]) -> tuple[str, ...]:
    """A notice per code folder whose requirements.txt lists packages: archsel zips the folder as it is."""
    notices = []
    for folder in dict.fromkeys(a.source for a in artifacts if a.source.is_dir()):
        requirements = folder / "requirements.txt"
        if requirements.is_file() and lists_packages(requirements):
            notices.append(
                f"{requirements}: archsel packages {folder.name}/ as it is and does not install these dependencies "
                "(vendor them into the folder, use a layer, or build with `sam build`)"
            )
    return tuple(notices)


def lists_packages(path: Path) -> bool:
    """Whether a requirements.txt names anything beyond boto3/botocore."""
    lines = (line.split("#", 1)[0].strip() for line in path.read_text(encoding="utf-8", errors="replace").splitlines())
    # boto3/botocore are in every Lambda Python runtime already
    return any(line and not line.lower().startswith(("boto3", "botocore")) for line in lines)


def _is_local(value: object) -> bool:
    return isinstance(value, str) and bool(value) and not value.startswith(("s3://", "https://", "http://"))


def globals_function(template: Template) -> Mapping[str, Any]:
    """The SAM Globals.Function section (empty when absent)."""
    section = template.body.get("Globals") or {}
    function = section.get("Function") if isinstance(section, Mapping) else None
    return function if isinstance(function, Mapping) else {}


def artifact_key(prefix: str, artifact: Artifact) -> str:
    """The staging key of an artifact: its content hash under the stack's prefix."""
    return f"{prefix}{artifact.sha256}{artifact.suffix}"


def uploads_for(artifacts: tuple[Artifact, ...], prefix: str) -> tuple[Upload, ...]:
    """One upload per distinct content (two functions sharing a folder upload once)."""
    unique: dict[str, Upload] = {}
    for artifact in artifacts:
        key = artifact_key(prefix, artifact)
        unique.setdefault(key, Upload(key, artifact.data, f"{artifact.logical_id} ({artifact.source.name})"))
    return tuple(unique.values())


def rewrite_code(template: Template, artifacts: tuple[Artifact, ...], bucket: str, prefix: str) -> Template:
    """A copy of ``template`` whose local code properties point at the uploaded objects."""
    body = copy.deepcopy(dict(template.body))
    sam_style = {(rtype, prop): sam for rtype, prop, sam in CODE_PROPERTIES}
    for artifact in artifacts:
        key = artifact_key(prefix, artifact)
        if artifact.logical_id == "Globals":
            body["Globals"]["Function"][artifact.property] = f"s3://{bucket}/{key}"
            continue
        spec = body["Resources"][artifact.logical_id]
        as_uri = sam_style.get((spec["Type"], artifact.property), True)
        spec["Properties"][artifact.property] = f"s3://{bucket}/{key}" if as_uri else {"S3Bucket": bucket, "S3Key": key}
    return Template(body)


def replace_values(value: Any, replace: Callable[[Any], Any | None]) -> Any:
    """Walk a JSON-shaped value; where ``replace`` returns non-None, use that instead (pure)."""
    replaced = replace(value)
    if replaced is not None:
        return replaced
    if isinstance(value, Mapping):
        return {key: replace_values(item, replace) for key, item in value.items()}
    if isinstance(value, list):
        return [replace_values(item, replace) for item in value]
    return value
