"""Writes rendered files into the project folder: dry run, diff, and the overwrite policy.

Policy: an empty or missing folder is written; a non-empty one is refused unless --force.
With --force, files archsel renders are overwritten, files an earlier scaffold generated
(listed in archsel.answers.yaml) that the new design no longer has are removed only if
unchanged since, and every other file is left alone: archsel never deletes what it did not write.
"""

from __future__ import annotations

import difflib
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from archsel.errors import TemplateError, UsageError
from archsel.scaffold.answers import ANSWERS_FILE, generated_files
from archsel.scaffold.render import RenderedFile

Action = Literal["create", "update", "unchanged", "remove", "keep"]


class OutputExistsError(UsageError):
    """The output folder holds files and --force was not given (exit 2)."""


@dataclass(frozen=True, slots=True)
class WriteOptions:
    """How to write: only show (dry run, optionally with diffs) and whether to overwrite."""

    dry_run: bool = False
    diff: bool = False
    """Show unified diffs against the folder; implies a dry run."""
    force: bool = False


@dataclass(frozen=True, slots=True)
class FileChange:
    """What happens (or would happen) to one file."""

    path: str
    action: Action
    diff: str = ""
    reason: str = ""


@dataclass(frozen=True, slots=True)
class WriteReport:
    """The changes planned for a folder and whether they were made."""

    out_dir: Path
    changes: tuple[FileChange, ...]
    written: bool

    def count(self, action: Action) -> int:
        """How many files get ``action``."""
        return sum(1 for change in self.changes if change.action == action)


def check_destination(out_dir: Path, options: WriteOptions) -> None:
    """Refuse ``out_dir`` now if writing would be refused later (a file, or a non-empty folder without --force)."""
    _check_folder(out_dir, force=options.force, dry_run=options.dry_run or options.diff)


def write_project(files: Sequence[RenderedFile], out_dir: Path, options: WriteOptions) -> WriteReport:
    """Plan the changes ``files`` make to ``out_dir`` and, unless a dry run, make them."""
    dry_run = options.dry_run or options.diff
    _check_folder(out_dir, force=options.force, dry_run=dry_run)
    changes = plan_changes(files, out_dir, with_diff=options.diff)
    if not dry_run:
        _apply(files, changes, out_dir)
    return WriteReport(out_dir=out_dir, changes=changes, written=not dry_run)


def plan_changes(files: Sequence[RenderedFile], out_dir: Path, *, with_diff: bool) -> tuple[FileChange, ...]:
    """Create/update/unchanged for each rendered file, remove/keep for stale generated ones (reads only)."""
    root = out_dir.resolve()
    changes = [_change_for(item, root, with_diff) for item in files]
    rendered = {item.path for item in files}
    previous = generated_files(root / ANSWERS_FILE)
    stale = (_stale_change(path, digest, root, with_diff) for path, digest in previous if path not in rendered)
    return (*changes, *(change for change in stale if change is not None))


def _check_folder(out_dir: Path, *, force: bool, dry_run: bool) -> None:
    if out_dir.exists() and not out_dir.is_dir():
        raise UsageError(f"{out_dir}: exists and is not a folder", hint="give --out a folder path")
    if force or dry_run or not out_dir.exists() or not any(out_dir.iterdir()):
        return
    raise OutputExistsError(
        f"{out_dir}: folder is not empty",
        hint="use --force to overwrite the files archsel generates (nothing else is touched), "
        "--dry-run --diff to see the changes first, or an empty --out folder",
    )


def _target(root: Path, relative: str) -> Path:
    """The file's path, refusing paths that resolve outside the project (through a symlink, say)."""
    target = root / relative
    if not target.resolve().is_relative_to(root):
        raise TemplateError(f"{relative}: resolves outside {root} (a symlink?); refusing to write it")
    return target


def _change_for(item: RenderedFile, root: Path, with_diff: bool) -> FileChange:
    target = _target(root, item.path)
    if target.is_dir():
        raise UsageError(f"{target}: is a folder where archsel writes a file", hint="move it away and retry")
    if not target.exists():
        return FileChange(item.path, "create", _diff(item.path, "", item.content) if with_diff else "")
    old = target.read_text(encoding="utf-8", errors="replace")
    if old == item.content:
        return FileChange(item.path, "unchanged")
    return FileChange(item.path, "update", _diff(item.path, old, item.content) if with_diff else "")


def _stale_change(relative: str, digest: str, root: Path, with_diff: bool) -> FileChange | None:
    target = _target(root, relative)
    if not target.is_file():
        return None
    data = target.read_bytes()
    if hashlib.sha256(data).hexdigest() != digest:
        return FileChange(
            relative, "keep", reason="generated earlier but changed since; the new design has no such file"
        )
    old = data.decode("utf-8", errors="replace")
    return FileChange(
        relative, "remove", _diff(relative, old, "") if with_diff else "", "the new design has no such file"
    )


def _diff(relative: str, old: str, new: str) -> str:
    lines = difflib.unified_diff(
        old.splitlines(keepends=True),
        new.splitlines(keepends=True),
        fromfile=f"a/{relative}" if old else "/dev/null",
        tofile=f"b/{relative}" if new else "/dev/null",
    )
    return "".join(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n" for line in lines)


def _apply(files: Sequence[RenderedFile], changes: tuple[FileChange, ...], out_dir: Path) -> None:
    """Write created/updated files (the answers file last, so it only lists what exists), remove stale ones."""
    root = out_dir.resolve()
    root.mkdir(parents=True, exist_ok=True)
    content = {item.path: item.content for item in files}
    ordered = sorted(changes, key=lambda change: change.path == ANSWERS_FILE)
    for change in ordered:
        target = _target(root, change.path)
        if change.action in ("create", "update"):
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(content[change.path], encoding="utf-8", newline="")
        elif change.action == "remove":
            target.unlink()
            _remove_empty_parents(target.parent, root)


def _remove_empty_parents(folder: Path, root: Path) -> None:
    """Drop folders a removed file leaves empty (they hold nothing of the user's)."""
    while folder != root and folder.is_relative_to(root) and not any(folder.iterdir()):
        folder.rmdir()
        folder = folder.parent
