"""Reads a workload profile from YAML; every error names the file, the line and the field path."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from archsel.errors import ProfileError
from archsel.profile.input_limits import (
    PROFILE_MAX_BYTES,
    TRACE_MAX_BYTES,
    CountingComposer,
    TooManyNodes,
    check_expansion,
    check_node_count,
    read_bounded,
    too_many_values,
)
from archsel.profile.schema import WorkloadProfile
from archsel.profile.strict_numbers import BOOL_NOT_NUMBER
from archsel.profile.trace_csv import parse_trace_csv

FieldPath = tuple[str | int, ...]
_SHOW_INPUT = {
    "int_parsing",
    "float_parsing",
    "int_type",
    "float_type",
    "bool_type",
    "bool_parsing",
    "string_type",
    "greater_than",
    "greater_than_equal",
    "less_than",
    "less_than_equal",
    "string_pattern_mismatch",
    "int_from_float",
    "too_short",
    "string_too_short",
    "finite_number",
}
_HINT = "see docs/profile.md for every key, or run `archsel init` for a commented example"


class _ProfileLoader(CountingComposer, yaml.SafeLoader):
    """SafeLoader without YAML 1.1's base-60 numbers, so an unquoted 18:30 stays the clock time "18:30"."""


# libyaml's parser (PyYAML's C extension, in its wheels) reads a 1 MB profile of 150,000 values in
# ~0.5 s where the pure-Python one takes ~11 s; it also refuses nesting deeper than 1,000 levels
# itself. It counts nothing as it reads, so `check_node_count` counts the tree it composed.
_FAST = bool(getattr(yaml, "__with_libyaml__", False))


class _FastProfileLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """`_ProfileLoader`'s rules on libyaml's parser (the same resolvers, set below)."""


_ProfileLoader.yaml_implicit_resolvers = {
    first: [
        (tag, regexp)
        for tag, regexp in resolvers
        if not (tag.endswith((":int", ":float")) and ":[0-5]" in regexp.pattern)
    ]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_ProfileLoader.add_implicit_resolver(
    "tag:yaml.org,2002:int",
    re.compile(r"^(?:[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+)$"),
    list("-+0123456789"),
)
_ProfileLoader.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(
        r"^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"
    ),
    list("-+0123456789."),
)
_FastProfileLoader.yaml_implicit_resolvers = _ProfileLoader.yaml_implicit_resolvers


def load_profile(path: str | Path) -> WorkloadProfile:
    """Read, parse and validate the profile at ``path``; the trace file, if any, is read too."""
    source = Path(path)
    text = _read_text(source)
    return parse_profile(text, source=str(source), base_dir=source.parent)


def parse_profile(text: str, *, source: str = "<profile>", base_dir: Path | None = None) -> WorkloadProfile:
    """Parse profile YAML ``text``; ``source`` names it in errors, ``base_dir`` anchors the trace path."""
    data, lines = _parse_yaml(text, source)
    data = _with_trace_counts(data, source, lines, base_dir)
    try:
        return WorkloadProfile.model_validate(data)
    except ValidationError as error:
        raise ProfileError(_describe_errors(error, data, lines, source), hint=_HINT) from error


def _read_text(source: Path) -> str:
    if not source.exists() and not source.is_symlink():
        raise ProfileError(f"{source}: no such file", hint="check the path, or write one with `archsel init`")
    raw = read_bounded(source, PROFILE_MAX_BYTES, "profile")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ProfileError(f"{source}: not UTF-8 text ({error.reason} at byte {error.start})") from error


def _parse_yaml(text: str, source: str) -> tuple[dict[str, Any], dict[FieldPath, int]]:
    try:
        node, data = _compose_and_construct(text, source)
    except TooManyNodes as error:
        raise too_many_values(source, error.line) from None
    except RecursionError:  # PyYAML composes recursively; thousands of nested [ or { exhaust the stack
        raise ProfileError(f"{source}: nested too deeply to be a profile", hint=_HINT) from None
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        where = f"{source}:{mark.line + 1}" if mark else source
        raise ProfileError(f"{where}: not valid YAML: {error.problem or error}", hint=_HINT) from error
    except yaml.YAMLError as error:
        raise ProfileError(f"{source}: not valid YAML: {error}", hint=_HINT) from error
    except (ValueError, OverflowError) as error:  # PyYAML's constructors: 2001-13-45, !!int abc, 5,000-digit ints
        raise ProfileError(f"{source}: not valid YAML: a value cannot be read ({error})", hint=_HINT) from error
    if not isinstance(data, dict):
        kind = "empty" if data is None else f"a {type(data).__name__}"
        raise ProfileError(
            f"{source}: a profile is a YAML mapping (version, name, traffic, ...); this is {kind}", hint=_HINT
        )
    lines: dict[FieldPath, int] = {}
    if node is not None:
        try:
            _index_lines(node, (), lines, source)
        except RecursionError:
            raise ProfileError(f"{source}: nested too deeply to be a profile", hint=_HINT) from None
    return data, lines


def _compose_and_construct(text: str, source: str) -> tuple[yaml.Node | None, Any]:
    """The document's node tree (for line numbers) and its values, parsed once, sizes checked in between."""
    loader = _FastProfileLoader(text) if _FAST else _ProfileLoader(text)
    try:
        node = loader.get_single_node()
        check_node_count(node)
        check_expansion(node, source)  # before anything walks the expanded tree
        return node, (loader.construct_document(node) if node is not None else None)
    finally:
        loader.dispose()


def _index_lines(node: yaml.Node, path: FieldPath, lines: dict[FieldPath, int], source: str) -> None:
    """Record the 1-based line of every key and item; refuse duplicate keys (YAML would drop one)."""
    lines.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key_node, value_node in node.value:
            key = str(key_node.value)
            if key in seen:
                raise ProfileError(
                    f"{source}:{key_node.start_mark.line + 1}: {_dotted((*path, key))}: duplicate key",
                    hint="remove one of the two; YAML would silently keep only the last",
                )
            seen.add(key)
            lines[(*path, key)] = key_node.start_mark.line + 1
            _index_lines(value_node, (*path, key), lines, source)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            if isinstance(item, yaml.ScalarNode):  # most of a long list: no call per item
                lines[(*path, index)] = item.start_mark.line + 1
            else:
                _index_lines(item, (*path, index), lines, source)


def _with_trace_counts(
    data: dict[str, Any], source: str, lines: dict[FieldPath, int], base_dir: Path | None
) -> dict[str, Any]:
    traffic = data.get("traffic")
    if not isinstance(traffic, dict) or not isinstance(traffic.get("trace"), str):
        return data
    if traffic.get("trace_counts") is not None:
        return data
    trace_path = Path(traffic["trace"])
    if not trace_path.is_absolute() and base_dir is not None:
        trace_path = base_dir / trace_path
    where = f"{source}:{lines.get(('traffic', 'trace'), 1)}: traffic.trace"
    counts = read_trace_counts(trace_path, where)
    return {**data, "traffic": {**traffic, "trace_counts": counts}}


def read_trace_counts(path: Path, where: str) -> list[float]:
    """Per-minute counts from a CSV of (minute, count) rows, read as `profile.trace_csv` documents."""
    try:
        text = read_bounded(path, TRACE_MAX_BYTES, "trace").decode("utf-8")
    except ProfileError as error:
        raise ProfileError(f"{where}: {error.message}", hint="the path is relative to the profile") from error
    except UnicodeDecodeError as error:
        raise ProfileError(f"{where}: {path} is not UTF-8 text ({error.reason} at byte {error.start})") from error
    return parse_trace_csv(text, path.name, where)


def _describe_errors(error: ValidationError, data: dict[str, Any], lines: dict[FieldPath, int], source: str) -> str:
    messages = []
    for item in error.errors(include_url=False):
        path = _data_path(item["loc"], data)
        if item["type"] == BOOL_NOT_NUMBER:  # raised by the section, about one of its keys
            path = (*path, item["ctx"]["key"])
        line = _nearest_line(path, lines)
        field = _dotted(path) or "(top level)"
        messages.append(f"{source}:{line}: {field}: {_phrase(item)}")
    return "\n".join(dict.fromkeys(messages))


def _data_path(loc: tuple[Any, ...], data: Any) -> FieldPath:
    """Keep the parts of pydantic's location that exist in the document (drops union branch names)."""
    path: list[str | int] = []
    node = data
    for part in loc:
        if (isinstance(node, dict) and part in node) or (
            isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node)
        ):
            path.append(part)
            node = node[part]
        elif isinstance(part, str) and isinstance(node, dict) and not path_has_branch(part):
            path.append(part)  # a missing or unknown key: name it
            node = None
    return tuple(path)


def path_has_branch(part: str) -> bool:
    """pydantic names union branches like 'int' or 'tuple[...]'; those are not keys."""
    return part in {"int", "float", "bool", "str"} or "[" in part or part.startswith("function-")


def _nearest_line(path: FieldPath, lines: dict[FieldPath, int]) -> int:
    for cut in range(len(path), -1, -1):
        if path[:cut] in lines:
            return lines[path[:cut]]
    return 1


def _phrase(item: Any) -> str:
    kind, message = item["type"], item["msg"]
    if kind == "extra_forbidden":
        return "unknown key (not part of the profile format; check the spelling)"
    if kind == "missing":
        return "required key is missing"
    if kind == "literal_error":
        expected = item.get("ctx", {}).get("expected", "")
        return f"must be one of {expected} (got {item.get('input')!r})"
    if kind == BOOL_NOT_NUMBER:
        return "true/false is not a number; give a number"
    message = str(message).removeprefix("Value error, ").removeprefix("Assertion failed, ")
    if kind in _SHOW_INPUT:
        message = message[0].lower() + message[1:]
        shown = repr(item.get("input"))
        return f"{message} (got {shown if len(shown) <= 60 else shown[:57] + '...'})"
    return message


def _dotted(path: FieldPath) -> str:
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text
