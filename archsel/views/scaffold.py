"""Renders what `archsel scaffold` did (or would do): one line per file, diffs, notes and next steps."""

from __future__ import annotations

from typing import TextIO

from archsel.api import ScaffoldResult
from archsel.scaffold.write import Action

_COUNTED: tuple[tuple[Action, str], ...] = (
    ("create", "new"),
    ("update", "changed"),
    ("unchanged", "unchanged"),
    ("remove", "removed"),
    ("keep", "kept"),
)
_VERBS = {"create": "create", "update": "update", "unchanged": "same", "remove": "remove", "keep": "keep"}


def render_scaffold(result: ScaffoldResult, *, stream: TextIO) -> None:
    """Plain text to ``stream``: the files, their fate, diffs when asked, notes and next steps.

    `archsel scaffold` has no --format: a project folder is its real output.
    """
    report = result.report
    stream.write(f"{_headline(result)}\n")
    for change in report.changes:
        reason = f"  ({change.reason})" if change.reason else ""
        stream.write(f"  {_VERBS[change.action]:<7} {change.path}{reason}\n")
    diffs = [change.diff for change in report.changes if change.diff]
    if diffs:
        stream.write("\n" + "".join(diffs))
    for note in result.notes:
        stream.write(f"note: {note}\n")
    if report.written:
        stream.write(_next_steps(result))


def _headline(result: ScaffoldResult) -> str:
    report = result.report
    counts = ", ".join(f"{report.count(action)} {label}" for action, label in _COUNTED if report.count(action))
    design = result.design
    chosen = design.summary.description if design.summary else f"{design.architecture} from the profile's settings"
    prefix = "scaffolded" if report.written else "dry run, nothing written:"
    return f"{prefix} {result.template_set} ({chosen}) in {report.out_dir} [{counts or 'no files'}]"


def _next_steps(result: ScaffoldResult) -> str:
    folder = result.report.out_dir
    return (
        f"next: cd {folder} && python -m pytest   (the API's tests)\n"
        f"      archsel deploy {folder}   (or see {folder}/README.md for the {result.template_set.split('-')[-1].upper()} CLI)\n"
    )
