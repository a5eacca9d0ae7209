"""The varied fields of a sweep: `--vary PATH=V1,V2,...` parsed, checked against the profile schema, applied.

A point's profile is the user's own YAML document with the varied keys set, validated by the
same schema and worded by the same error messages as `load_profile`, so a point means exactly
"this file with these values". Paths are the YAML keys (`lambda.memory_mb`, `traffic.bursts[0].multiplier`).
"""

from __future__ import annotations

import copy
import re
import types
import typing
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from archsel.errors import ProfileError, UsageError
from archsel.profile.distributions import Distribution
from archsel.profile.schema import WorkloadProfile

Scalar = int | float | str | bool | None
PathPart = str | int

# Not sweepable: the document's identity and the trace (a file, read once before the sweep).
FIXED_PATHS = {("version",), ("name",), ("traffic", "trace"), ("traffic", "trace_counts")}
# The two ways to give the rate replace each other; a given peak keeps its ratio to the mean.
RATE_KEYS = ("mean_rps", "requests_per_month")
_PART_RE = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*)((?:\[\d+\])*)$")
_NULLS = {"null", "none", "~"}


@dataclass(frozen=True, slots=True)
class Axis:
    """One varied field and the values it takes (as parsed from the command line)."""

    path: str
    parts: tuple[PathPart, ...]
    values: tuple[Scalar, ...]


@dataclass(frozen=True, slots=True)
class ProfileDocument:
    """A profile as the user wrote it (the YAML mapping, trace counts filled in) and where each key is."""

    data: Mapping[str, Any]
    lines: Mapping[tuple[PathPart, ...], int]
    source: str
    seconds_per_month: float
    """Of the base profile: converts a varied requests_per_month into a rate."""


def parse_vary(text: str) -> Axis:
    """``PATH=V1,V2,...`` as an Axis whose path exists in the schema; numbers are swept in ascending order."""
    path, sep, listed = text.partition("=")
    path = path.strip()
    if not sep or not path:
        raise UsageError(f"--vary {text!r}: expected PATH=V1,V2,... (e.g. lambda.memory_mb=512,1024)")
    parts = parse_path(path)
    check_path(parts)
    values = [parse_scalar(item) for item in listed.split(",")]
    if any(value == "" for value in values):
        raise UsageError(f"--vary {text!r}: an empty value; give values separated by commas")
    if len({repr(value) for value in values}) != len(values):
        raise UsageError(f"--vary {text!r}: a value is listed twice")
    if all(isinstance(value, int | float) and not isinstance(value, bool) for value in values):
        values.sort(key=lambda value: float(value))  # type: ignore[arg-type]
    return Axis(path=dotted(parts), parts=parts, values=tuple(values))


def parse_path(path: str) -> tuple[PathPart, ...]:
    """``traffic.bursts[0].multiplier`` (or ``traffic.bursts.0.multiplier``) as its keys and indexes."""
    parts: list[PathPart] = []
    for piece in path.split("."):
        if piece.isdigit():
            parts.append(int(piece))
            continue
        match = _PART_RE.match(piece)
        if match is None:
            raise UsageError(f"--vary {path}: {piece!r} is not a key of the profile (keys look like lambda.memory_mb)")
        parts.append(match.group(1))
        parts.extend(int(index) for index in re.findall(r"\[(\d+)\]", match.group(2)))
    return tuple(parts)


def dotted(parts: Sequence[PathPart]) -> str:
    """The path as the profile's error messages write it: ``traffic.bursts[0].multiplier``."""
    text = ""
    for part in parts:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text


def parse_scalar(text: str) -> Scalar:
    """A command-line value: an int, a float, true/false, null, or else the text (for 1h, arm64, 18:30)."""
    value = text.strip()
    if value.lower() in _NULLS:
        return None
    if value.lower() in {"true", "false"}:
        return value.lower() == "true"
    for kind in (int, float):
        try:
            return kind(value)
        except ValueError:
            continue
    return value


def check_path(parts: tuple[PathPart, ...]) -> None:
    """Raise a UsageError naming the path and the allowed keys unless ``parts`` is a value of the schema."""
    model: type[BaseModel] = WorkloadProfile
    position = 0
    while position < len(parts):
        part = parts[position]
        keys = schema_keys(model)
        where = dotted(parts[:position]) or "the profile"
        if not isinstance(part, str) or part not in keys:
            raise UsageError(
                f"--vary {dotted(parts)}: {where} has no key {part!r}",
                hint=f"keys of {where}: {', '.join(keys)}",
            )
        annotation = keys[part].annotation
        position += 1
        if position == len(parts):
            _check_leaf(parts, annotation)
            return
        model, position = _descend(parts, position, annotation)


def schema_keys(model: type[BaseModel]) -> dict[str, Any]:
    """The YAML keys of a schema section (aliases such as ``lambda``) and their field definitions."""
    return {field.alias or name: field for name, field in model.model_fields.items()}


def _attribute(model: type[BaseModel], key: str) -> str:
    """The Python attribute of YAML key ``key`` (``lambda`` -> ``lambda_``)."""
    return next(name for name, field in model.model_fields.items() if (field.alias or name) == key)


def _check_leaf(parts: tuple[PathPart, ...], annotation: Any) -> None:
    if parts in FIXED_PATHS:
        raise UsageError(f"--vary {dotted(parts)}: cannot be varied", hint="vary a setting of the workload instead")
    section = _model_in(annotation)
    if section is not None and section is not Distribution:  # a distribution takes a number (fixed value)
        keys = ", ".join(f"{dotted(parts)}.{key}" for key in schema_keys(section))
        raise UsageError(f"--vary {dotted(parts)}: is a section, not a value", hint=f"vary one of its keys: {keys}")


def _descend(parts: tuple[PathPart, ...], position: int, annotation: Any) -> tuple[type[BaseModel], int]:
    """The schema section the path continues into, and the position after any list index."""
    item = _sequence_item_model(annotation)
    if item is not None:
        if not isinstance(parts[position], int):
            raise UsageError(
                f"--vary {dotted(parts)}: {dotted(parts[:position])} is a list; give an index",
                hint=f"e.g. {dotted(parts[:position])}[0].{next(iter(schema_keys(item)))}",
            )
        if position + 1 == len(parts):
            raise UsageError(
                f"--vary {dotted(parts)}: is a list item; vary one of its keys: {', '.join(schema_keys(item))}"
            )
        return item, position + 1
    model = _model_in(annotation)
    if model is None:
        raise UsageError(f"--vary {dotted(parts)}: {dotted(parts[:position])} is a value, it has no keys")
    return model, position


def _members(annotation: Any) -> tuple[Any, ...]:
    if isinstance(annotation, types.UnionType) or typing.get_origin(annotation) is typing.Union:
        return typing.get_args(annotation)
    return (annotation,)


def _model_in(annotation: Any) -> type[BaseModel] | None:
    for member in _members(annotation):
        if isinstance(member, type) and issubclass(member, BaseModel):
            return member
    return None


def _sequence_item_model(annotation: Any) -> type[BaseModel] | None:
    for member in _members(annotation):
        if typing.get_origin(member) is tuple:
            args = typing.get_args(member)
            if args and isinstance(args[0], type) and issubclass(args[0], BaseModel):
                return args[0]
    return None


# ----------------------------------------------------------------------------- applying values


def point_profile(document: ProfileDocument, axes: Sequence[Axis], values: Sequence[Scalar]) -> WorkloadProfile:
    """The base document with each axis set to its value, validated (errors name the point and field)."""
    data = copy.deepcopy(dict(document.data))
    varied = {axis.parts for axis in axes}
    for axis, value in zip(axes, values, strict=True):
        _set(data, axis, value)
        if axis.parts[:1] == ("traffic",) and axis.parts[1:] in {(key,) for key in RATE_KEYS}:
            _follow_rate(data, document, axis, value, keep_peak=("traffic", "peak_rps") in varied)
    try:
        return WorkloadProfile.model_validate(data)
    except ValidationError as error:
        from archsel.profile.loader import _describe_errors  # the loader's wording: file:line: field: what

        described = _describe_errors(error, data, dict(document.lines), document.source)
        raise ProfileError(f"sweep point {describe_point(axes, values)}:\n{described}", hint=_VALUE_HINT) from error


_VALUE_HINT = "check the values given to --vary (docs/profile.md lists every key and its type)"


def describe_point(axes: Sequence[Axis], values: Sequence[Scalar]) -> str:
    """``lambda.memory_mb=512, traffic.mean_rps=5``."""
    return ", ".join(f"{axis.path}={format_value(value)}" for axis, value in zip(axes, values, strict=True))


def format_value(value: Scalar) -> str:
    """A value as the command line writes it."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def _set(data: dict[str, Any], axis: Axis, value: Scalar) -> None:
    node: Any = data
    for position, part in enumerate(axis.parts[:-1]):
        child = node[part] if _has(node, part) else None
        if child is None and isinstance(part, str):
            child = node[part] = {}
        if isinstance(part, int) and not _has(node, part):
            raise UsageError(
                f"--vary {axis.path}: the profile has {len(node) if isinstance(node, list) else 0} item(s) "
                f"in {dotted(axis.parts[:position])}"
            )
        if not isinstance(child, dict | list):
            raise UsageError(
                f"--vary {axis.path}: {dotted(axis.parts[: position + 1])} is given as {child!r} in the profile",
                hint=f"vary {dotted(axis.parts[: position + 1])} itself, or write it as a mapping in the profile",
            )
        node = child
    node[axis.parts[-1]] = value


def _has(node: Any, part: PathPart) -> bool:
    if isinstance(node, dict):
        return part in node
    return isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node)


def _follow_rate(data: dict[str, Any], document: ProfileDocument, axis: Axis, value: Scalar, keep_peak: bool) -> None:
    """Drop the other way of giving the rate; scale a given peak_rps by the change of the mean (same shape)."""
    traffic = data["traffic"]
    key = str(axis.parts[1])
    traffic.pop(RATE_KEYS[1] if key == RATE_KEYS[0] else RATE_KEYS[0], None)
    base = document.data.get("traffic", {})
    old = _mean_rps(base, document.seconds_per_month)
    new = _mean_rps({key: value}, document.seconds_per_month)
    peak = base.get("peak_rps")
    if not keep_peak and isinstance(peak, int | float) and old and new is not None:
        traffic["peak_rps"] = peak * new / old


def _mean_rps(traffic: Mapping[str, Any], seconds_per_month: float) -> float | None:
    mean, monthly = traffic.get("mean_rps"), traffic.get("requests_per_month")
    if isinstance(mean, int | float) and not isinstance(mean, bool):
        return float(mean)
    if isinstance(monthly, int | float) and not isinstance(monthly, bool):
        return float(monthly) / seconds_per_month
    return None


def read_value(profile: WorkloadProfile, axis: Axis, given: Scalar) -> Scalar:
    """The validated value at the axis path (1h -> 3600.0); the given one where it is not a scalar."""
    node: Any = profile
    for part in axis.parts:
        node = node[part] if isinstance(part, int) else getattr(node, _attribute(type(node), part))
    return node if isinstance(node, int | float | str | bool) or node is None else given


def with_setting(document: ProfileDocument, path: str, value: Scalar) -> ProfileDocument:
    """The document with one more key set (``--replications``, ``--seed``), before the axes apply."""
    data = copy.deepcopy(dict(document.data))
    parts = parse_path(path)
    _set(data, Axis(path, parts, (value,)), value)
    return ProfileDocument(data, document.lines, document.source, document.seconds_per_month)


def read_document(path: Path) -> ProfileDocument:
    """The YAML mapping of the profile at ``path`` (loaded once already, so known to be valid)."""
    from archsel.profile.loader import _parse_yaml, _with_trace_counts, load_profile

    base = load_profile(path)  # every error about the file itself, worded by the loader
    source = str(path)
    data, lines = _parse_yaml(path.read_text(encoding="utf-8"), source)
    data = _with_trace_counts(data, source, lines, path.parent)
    return ProfileDocument(data=data, lines=lines, source=source, seconds_per_month=base.seconds_per_month)
