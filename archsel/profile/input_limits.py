"""Bounds on what the loader reads: file sizes, devices, and how far YAML aliases may expand."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import yaml

from archsel.errors import ProfileError

# A profile is a page of settings; even one with a month of per-minute trace_counts inline
# (43,200 numbers) is ~300 KB. Anything larger is a wrong file, and reading it whole (or worse,
# /dev/zero) would take the machine's memory before any error could be shown.
PROFILE_MAX_BYTES = 1024 * 1024
# A trace CSV of a year of minutes is ~8 MB; 64 MB leaves room for long counts and comments.
TRACE_MAX_BYTES = 64 * 1024 * 1024
# Values (YAML nodes) in a document, counted as PyYAML composes it and again with its aliases
# expanded: every later step (line index, pydantic) walks the expanded tree, at ~20-40 us a value
# in pure Python, so this bounds a load to a few seconds. Aliases let a few hundred bytes stand for
# billions of values (the "billion laughs"). A real profile has a few hundred values, or tens of
# thousands with trace counts inline; a price table a few thousand.
MAX_NODES = 150_000

_HINT_SIZE = "a profile is a small YAML file (see docs/profile.md); check that you gave the right path"


def read_bounded(path: Path, limit: int, what: str) -> bytes:
    """The bytes of ``path``, refusing devices, folders and anything over ``limit`` bytes without reading it all."""
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        raise ProfileError(f"cannot read {path} (no such file)", hint="check the path") from None
    except (OSError, ValueError) as error:
        raise ProfileError(f"cannot read {path} ({getattr(error, 'strerror', None) or error})") from error
    if stat.S_ISDIR(mode):
        raise ProfileError(f"{path}: is a folder, not a {what} file", hint="give the path of a file")
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode) or stat.S_ISSOCK(mode):
        raise ProfileError(f"{path}: is a device, not a {what} file", hint="give the path of a regular file")
    try:
        with open(path, "rb") as handle:  # a bounded read, not read_bytes()
            data = handle.read(limit + 1)
    except OSError as error:
        raise ProfileError(f"cannot read {path} ({error.strerror})") from error
    if len(data) > limit:
        raise ProfileError(
            f"{path}: larger than {limit // (1024 * 1024)} MB, the limit for a {what} file", hint=_HINT_SIZE
        )
    return data


class TooManyNodes(Exception):
    """Raised by a composer that counts nodes, at the first node past `MAX_NODES`."""

    def __init__(self, line: int) -> None:
        super().__init__(f"more than {MAX_NODES:,} values")
        self.line = line


def too_many_values(source: str, line: int) -> ProfileError:
    """The error for a document with more values than `MAX_NODES`."""
    return ProfileError(
        f"{source}:{line}: more than {MAX_NODES:,} values: too large to be a profile or price table",
        hint="move per-minute counts to a trace CSV (traffic.trace), or check that this is the right file",
    )


class CountingComposer:
    """Mixin for a PyYAML loader: refuses a document as soon as it has more than `MAX_NODES` nodes."""

    _composed = 0

    def compose_node(self, parent: yaml.Node | None, index: object) -> yaml.Node:
        """PyYAML's compose_node, counting."""
        self._composed += 1
        if self._composed > MAX_NODES:
            raise TooManyNodes(self.peek_event().start_mark.line + 1)  # type: ignore[attr-defined]
        return super().compose_node(parent, index)  # type: ignore[misc,no-any-return]


def check_node_count(node: yaml.Node | None, limit: int = MAX_NODES) -> None:
    """Raise `TooManyNodes` at the first of more than ``limit`` distinct nodes, in document order.

    For a tree composed by libyaml, which counts nothing as it reads; iterative, so any depth is fine.
    """
    seen: set[int] = set()
    stack = [] if node is None else [node]
    while stack:
        current = stack.pop()
        if id(current) in seen:  # an alias: counted (expanded) by `check_expansion`
            continue
        seen.add(id(current))
        if len(seen) > limit:
            raise TooManyNodes(current.start_mark.line + 1)
        if isinstance(current, yaml.MappingNode):
            stack.extend(child for pair in reversed(current.value) for child in reversed(pair))
        elif isinstance(current, yaml.SequenceNode):
            stack.extend(reversed(current.value))


def check_expansion(node: yaml.Node | None, source: str, limit: int = MAX_NODES) -> None:
    """Refuse a document whose aliases expand to more than ``limit`` values, or that refers to itself.

    Sizes are memoised per node, so a 9-level alias bomb is measured in a few hundred steps.
    """
    if node is None:
        return
    sizes: dict[int, int] = {}
    open_nodes: set[int] = set()

    def size(current: yaml.Node) -> int:
        key = id(current)
        if key in sizes:
            return sizes[key]
        if key in open_nodes:
            raise ProfileError(
                f"{source}:{current.start_mark.line + 1}: an alias refers to a value that contains it",
                hint="a profile cannot be recursive; copy the values instead of using an alias",
            )
        open_nodes.add(key)
        total = 1
        if isinstance(current, yaml.MappingNode):
            total += sum(size(k) + size(v) for k, v in current.value)
        elif isinstance(current, yaml.SequenceNode):
            total += sum(size(item) for item in current.value)
        open_nodes.discard(key)
        if total > limit:
            raise ProfileError(
                f"{source}:{current.start_mark.line + 1}: YAML aliases expand to more than {limit:,} values",
                hint="a file this large is a mistake or an alias bomb; write the values out or use fewer aliases",
            )
        sizes[key] = total
        return total

    size(node)
