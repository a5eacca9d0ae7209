"""Template sets on disk: the manifest schema (pydantic) and the loader that reads a set and its parts.

A template set is a folder under `templates/` with a `manifest.yaml` and `*.j2` files. A set
(`kind: set`) names the architecture and IaC tool it renders and the parts it shares with
other sets (`kind: part`, e.g. the application code or the front end). Files whose name starts
with `_` are partials: only included by other templates, never written on their own.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from archsel.errors import TemplateError
from archsel.resources import templates_dir

Condition = Literal["frontend", "dynamodb", "aurora", "database", "vpc", "http_api", "rest_api", "schedule"]
MANIFEST = "manifest.yaml"


def is_partial(template: str) -> bool:
    """Whether a template is a partial (`_name.j2`, included only); `__init__.py.j2` is a file."""
    name = PurePosixPath(template).name
    return name.startswith("_") and not name.startswith("__")


class ManifestFile(BaseModel):
    """One generated file: the template that renders it, where it goes, and when it exists."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    template: str = Field(description="Template path inside the set's folder (ends in .j2).")
    output: str = Field(description="Path of the generated file inside the project.")
    when: tuple[Condition, ...] = Field(default=(), description="Rendered only when every condition holds.")

    @field_validator("template")
    @classmethod
    def _is_template(cls, value: str) -> str:
        if not value.endswith(".j2") or is_partial(value):
            raise ValueError(f"a file's template ends in .j2 and is not a partial (got {value!r})")
        return value

    @field_validator("output")
    @classmethod
    def _is_relative(cls, value: str) -> str:
        path = PurePosixPath(value)
        if path.is_absolute() or ".." in path.parts or not path.parts:
            raise ValueError(f"output must be a relative path inside the project (got {value!r})")
        return value


class TemplateManifest(BaseModel):
    """The manifest.yaml of a template set or part."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$", description="Folder name of the set.")
    kind: Literal["set", "part"] = Field(default="set", description="set: selectable; part: shared by sets.")
    description: str = Field(min_length=1)
    architecture: Literal["lambda", "fargate", "lambda-managed"] | None = None
    iac: Literal["sam", "cdk"] | None = None
    parts: tuple[str, ...] = Field(default=(), description="Parts whose files and partials this set includes.")
    files: tuple[ManifestFile, ...] = ()


@dataclass(frozen=True, slots=True)
class SetFile:
    """A file of a loaded set: its template's loader name (folder/path) and its manifest entry."""

    template_name: str
    spec: ManifestFile


@dataclass(frozen=True, slots=True)
class TemplateSource:
    """One template's text, by the name templates include it with (`folder/path.j2`)."""

    name: str
    text: str


@dataclass(frozen=True, slots=True)
class TemplateSet:
    """A set with its parts resolved: every file to render and every template source."""

    manifest: TemplateManifest
    files: tuple[SetFile, ...]
    sources: tuple[TemplateSource, ...]

    @property
    def name(self) -> str:
        """The set's name (its folder)."""
        return self.manifest.name


def load_manifest(folder: Path) -> TemplateManifest:
    """Parse and validate ``folder``/manifest.yaml."""
    path = folder / MANIFEST
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        return TemplateManifest.model_validate(data)
    except OSError as error:
        raise TemplateError(f"{path}: cannot read ({error.strerror})") from error
    except yaml.YAMLError as error:
        raise TemplateError(f"{path}: not valid YAML: {error}") from error
    except ValidationError as error:
        raise TemplateError(f"{path}: invalid manifest\n{error}") from error


def list_template_sets(root: Path | None = None) -> tuple[TemplateManifest, ...]:
    """Every selectable set (kind: set) under ``root``, by name."""
    base = root or templates_dir()
    manifests = (load_manifest(folder) for folder in sorted(base.iterdir()) if (folder / MANIFEST).is_file())
    return tuple(m for m in manifests if m.kind == "set")


def find_template_set(architecture: str, iac: str, root: Path | None = None) -> TemplateSet:
    """The set that renders ``architecture`` with ``iac``."""
    for manifest in list_template_sets(root):
        if manifest.architecture == architecture and manifest.iac == iac:
            return load_template_set(manifest.name, root)
    raise TemplateError(
        f"no template set renders {architecture} with {iac}", hint="see `templates/*/manifest.yaml` for the sets"
    )


def load_template_set(name: str, root: Path | None = None) -> TemplateSet:
    """Read set ``name`` and its parts: manifests, file list and template sources, all checked."""
    base = root or templates_dir()
    manifest = load_manifest(base / name)
    if manifest.kind != "set":
        raise TemplateError(f"{name} is a part, not a template set")
    folders = (name, *manifest.parts)
    files: list[SetFile] = []
    sources: list[TemplateSource] = []
    for folder in folders:
        part = manifest if folder == name else _load_part(base, folder, name)
        files += [SetFile(f"{folder}/{spec.template}", spec) for spec in part.files]
        sources += _read_sources(base / folder, part)
    _check_outputs_unique(name, files)
    return TemplateSet(manifest=manifest, files=tuple(files), sources=tuple(sources))


def _load_part(base: Path, folder: str, owner: str) -> TemplateManifest:
    if not (base / folder / MANIFEST).is_file():
        raise TemplateError(f"template set {owner} names part {folder!r}, which has no {folder}/{MANIFEST}")
    part = load_manifest(base / folder)
    if part.kind != "part":
        raise TemplateError(f"template set {owner} names {folder!r} as a part, but it is a set")
    return part


def _read_sources(folder: Path, manifest: TemplateManifest) -> list[TemplateSource]:
    """Every template of ``folder``; each listed file must exist and each non-partial must be listed."""
    listed = {spec.template for spec in manifest.files}
    found = {path.relative_to(folder).as_posix(): path for path in sorted(folder.rglob("*.j2"))}
    missing = sorted(listed - set(found))
    if missing:
        raise TemplateError(f"{folder / MANIFEST}: templates not found: {', '.join(missing)}")
    unused = sorted(rel for rel in found if rel not in listed and not is_partial(rel))
    if unused:
        raise TemplateError(f"{folder / MANIFEST}: templates not listed (prefix partials with _): {', '.join(unused)}")
    return [TemplateSource(f"{folder.name}/{rel}", path.read_text(encoding="utf-8")) for rel, path in found.items()]


def _check_outputs_unique(name: str, files: list[SetFile]) -> None:
    seen: dict[str, str] = {}
    for item in files:
        output = item.spec.output
        if output in seen:
            raise TemplateError(
                f"template set {name}: {output} is written by both {seen[output]} and {item.template_name}"
            )
        seen[output] = item.template_name
