"""Comments a profile's YAML for `archsel init`: above each key, its meaning, unit, type and default, from the schema.

The words are those of docs/profile.md (both come from the field descriptions in the schema,
which name each default's source), so the comments cannot drift from what the loader accepts.
Only block-style YAML is followed line by line; the keys of a one-line ``{...}`` mapping are
commented together above it.
"""

from __future__ import annotations

import re
import textwrap
from dataclasses import dataclass
from functools import cache

from archsel.profile.reference_doc import FieldDoc, collect_sections

_KEY_LINE = re.compile(r"^(?P<indent> *)(?P<dash>- +)?(?P<key>[A-Za-z_][A-Za-z0-9_]*):(?P<rest>(?: .*)?)$")
_FLOW_ITEM = re.compile(r"^(?P<indent> *)- +(?P<rest>\{.*)$")
_FLOW_KEY = re.compile(r"[{,]\s*([A-Za-z_][A-Za-z0-9_]*):")
COMMENT_WIDTH = 100


@dataclass(frozen=True, slots=True)
class _Open:
    """A key (or list item) whose children the following lines may hold."""

    column: int
    path: str
    item: bool


@cache
def field_docs() -> dict[str, FieldDoc]:
    """Every documented key by its dotted path (list items as ``[]``): ``traffic.bursts[].start``."""
    return {f"{s.path}.{f.key}".lstrip("."): f for s in collect_sections() for f in s.fields}


def annotate_profile(text: str) -> str:
    """``text`` with a comment above the first occurrence of each documented key; values untouched."""
    docs = field_docs()
    seen: set[str] = set()
    stack: list[_Open] = []
    out: list[str] = []
    for line in text.splitlines():
        match = _KEY_LINE.match(line)
        item = _FLOW_ITEM.match(line) if match is None else None
        if match is not None:
            path, column = _place(match, stack)
            out.extend(_comments([path], f"{path}.", match["rest"], column, docs, seen))
        elif item is not None:  # `- {key: value, ...}`: a list item written on one line
            column = len(item["indent"])
            while stack and stack[-1].column > column:
                stack.pop()
            parent = stack[-1].path if stack else ""
            out.extend(_comments([], f"{parent}[].", item["rest"], column, docs, seen))
        out.append(line)
    return "\n".join(out) + ("\n" if text.endswith("\n") else "")


def _place(match: re.Match[str], stack: list[_Open]) -> tuple[str, int]:
    """The key's dotted path and column; ``stack`` is updated to the keys open after this line."""
    indent = len(match["indent"])
    if match["dash"]:
        while stack and stack[-1].column > indent:
            stack.pop()
        parent = stack[-1].path if stack else ""
        column = indent + len(match["dash"])
        stack.append(_Open(column, f"{parent}[]", item=True))
    else:
        column = indent
        while stack and (stack[-1].column > column or (stack[-1].column == column and not stack[-1].item)):
            stack.pop()
    path = f"{stack[-1].path}.{match['key']}" if stack else match["key"]
    stack.append(_Open(column, path, item=False))
    return path, indent


def _comments(
    paths: list[str], prefix: str, rest: str, column: int, docs: dict[str, FieldDoc], seen: set[str]
) -> list[str]:
    """Comment lines for the keys at ``paths`` and for the keys of a one-line mapping in ``rest`` (under ``prefix``)."""
    paths = [*paths, *(f"{prefix}{key}" for key in _FLOW_KEY.findall(rest))]
    lines = []
    for key_path in paths:
        doc = docs.get(key_path)
        if doc is None or key_path in seen:
            continue
        seen.add(key_path)
        lines += _wrapped(_sentence(doc), column)
    return lines


def _sentence(doc: FieldDoc) -> str:
    """'key: meaning [type; default value]' without the markdown escapes of docs/profile.md."""
    kind, default, meaning = (
        text.replace("\\|", "|").replace("`", "") for text in (doc.type_text, doc.default_text, doc.meaning)
    )
    if default == "required":
        return f"{doc.key}: {meaning} [{kind}; required]"
    if default == "see its section":  # a section: its keys say their own defaults
        return f"{doc.key}: {meaning}"
    return f"{doc.key}: {meaning} [{kind}; default {default}]"


def _wrapped(text: str, column: int) -> list[str]:
    prefix = " " * column + "# "
    return textwrap.wrap(text, width=COMMENT_WIDTH, initial_indent=prefix, subsequent_indent=prefix + "  ")
