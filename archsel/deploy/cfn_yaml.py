"""Read CloudFormation YAML (short intrinsic tags like !Ref, !GetAtt, !Sub) into plain JSON-shaped values."""

from __future__ import annotations

from typing import Any

import yaml

from archsel.errors import DeployError


class _CfnLoader(yaml.SafeLoader):
    """SafeLoader that knows CloudFormation's tags and keeps dates as text.

    CloudFormation reads ``AWSTemplateFormatVersion: 2010-09-09`` as a string; YAML 1.1 would
    make it a date, which then serializes differently, so the timestamp resolver is dropped.
    """


_CfnLoader.yaml_implicit_resolvers = {
    first: [(tag, regex) for tag, regex in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _intrinsic(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> dict[str, Any]:
    value: Any
    if isinstance(node, yaml.ScalarNode):
        value = loader.construct_scalar(node)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_mapping(node, deep=True)  # type: ignore[arg-type]
    if suffix in ("Ref", "Condition"):
        return {suffix: value}
    if suffix == "GetAtt" and isinstance(value, str):
        # !GetAtt Resource.Attribute.Maybe.Dotted -> ["Resource", "Attribute.Maybe.Dotted"]
        value = value.split(".", 1)
    return {f"Fn::{suffix}": value}


_CfnLoader.add_multi_constructor("!", _intrinsic)


def parse_template_text(text: str, *, source: str) -> dict[str, Any]:
    """Parse a JSON or YAML CloudFormation template; DeployError (naming ``source``) when it is not one."""
    try:
        document = yaml.load(text, Loader=_CfnLoader)
    except yaml.YAMLError as error:
        raise DeployError(f"{source}: not valid YAML or JSON ({error})") from error
    if not isinstance(document, dict) or not isinstance(document.get("Resources"), dict):
        raise DeployError(f"{source}: not a CloudFormation template (no Resources section)")
    return document
