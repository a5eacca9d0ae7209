"""Renders a template set for a design in memory: Jinja2 with StrictUndefined, values from params.py.

Templates only place values (no arithmetic); every rendered YAML, JSON, TOML and Python file is
parsed before it is returned, so a broken template fails here and not in a user's deploy.
"""

from __future__ import annotations

import hashlib
import json
import tomllib
from dataclasses import dataclass
from pathlib import PurePosixPath

import jinja2
import yaml

from archsel.errors import TemplateError
from archsel.scaffold.answers import ANSWERS_FILE, answers_text
from archsel.scaffold.design import Design
from archsel.scaffold.manifest import TemplateSet
from archsel.scaffold.param_types import ScaffoldParams
from archsel.scaffold.params import build_params


@dataclass(frozen=True, slots=True)
class RenderedFile:
    """One generated file: its path inside the project and its text."""

    path: str
    content: str

    @property
    def sha256(self) -> str:
        """Digest of the content (recorded in archsel.answers.yaml to know what archsel wrote)."""
        return hashlib.sha256(self.content.encode("utf-8")).hexdigest()


def render(design: Design, template_set: TemplateSet) -> tuple[RenderedFile, ...]:
    """Every file of ``template_set`` for ``design``, then archsel.answers.yaml recording them."""
    params = render_params(design, template_set)
    environment = _environment(template_set)
    conditions = params.conditions()
    files = tuple(
        _render_one(environment, item.template_name, item.spec.output, params)
        for item in template_set.files
        if all(conditions[name] for name in item.spec.when)
    )
    answers = RenderedFile(ANSWERS_FILE, answers_text(design, params, tuple((f.path, f.sha256) for f in files)))
    return (*files, answers)


def render_params(design: Design, template_set: TemplateSet) -> ScaffoldParams:
    """The values ``template_set`` renders for ``design`` (checks the set fits the design)."""
    manifest = template_set.manifest
    if manifest.architecture != design.architecture or manifest.iac is None:
        raise TemplateError(
            f"template set {manifest.name} renders {manifest.architecture}, not {design.architecture}",
            hint="pick the set for the design's architecture (or pass --arch)",
        )
    return build_params(design, iac=manifest.iac, template_set=manifest.name)


def python_literal(value: object) -> str:
    """A value as Python source (the `py` filter of the CDK templates)."""
    if value is None or isinstance(value, bool | int | float | str):
        return repr(value)
    raise TemplateError(f"cannot write {type(value).__name__} as a Python literal in a template")


def _environment(template_set: TemplateSet) -> jinja2.Environment:
    environment = jinja2.Environment(
        loader=jinja2.DictLoader({source.name: source.text for source in template_set.sources}),
        undefined=jinja2.StrictUndefined,
        autoescape=lambda name: bool(name and name.endswith(".html.j2")),
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    environment.filters["py"] = python_literal
    return environment


def _render_one(environment: jinja2.Environment, template: str, output: str, params: ScaffoldParams) -> RenderedFile:
    try:
        text = environment.get_template(template).render(p=params)
    except jinja2.TemplateError as error:
        raise TemplateError(f"{template}: cannot render: {error}") from error
    _check_parses(output, text, template)
    return RenderedFile(output, text)


class _AnyTagLoader(yaml.SafeLoader):
    """Safe YAML loader that accepts CloudFormation's short-form tags (!Ref, !Sub, ...)."""


def _any_tag(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> object:
    if isinstance(node, yaml.ScalarNode):
        return loader.construct_scalar(node)
    if isinstance(node, yaml.SequenceNode):
        return loader.construct_sequence(node)
    return loader.construct_mapping(node)  # type: ignore[arg-type]


_AnyTagLoader.add_multi_constructor("!", _any_tag)


def _check_parses(output: str, text: str, template: str) -> None:
    """Parse the rendered text by its extension; a failure names the template."""
    suffix = PurePosixPath(output).suffix
    try:
        if suffix in {".yaml", ".yml"}:
            yaml.load(text, Loader=_AnyTagLoader)  # a SafeLoader subclass: no arbitrary objects
        elif suffix == ".json":
            json.loads(text)
        elif suffix == ".toml":
            tomllib.loads(text)
        elif suffix == ".py":
            compile(text, output, "exec")
    except (yaml.YAMLError, json.JSONDecodeError, tomllib.TOMLDecodeError, SyntaxError) as error:
        raise TemplateError(f"{template}: rendered {output} does not parse: {error}") from error
