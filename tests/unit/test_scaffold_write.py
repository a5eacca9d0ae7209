"""Writing a project: dry run, diff, refusing a non-empty folder, and --force never deleting others' files."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest
import yaml

from archsel.errors import ExitCode, TemplateError
from archsel.scaffold.answers import ANSWERS_FILE
from archsel.scaffold.render import RenderedFile
from archsel.scaffold.write import OutputExistsError, WriteOptions, write_project


def project(*files: tuple[str, str]) -> tuple[RenderedFile, ...]:
    """Rendered files plus an answers file listing them, as render() returns them."""
    digests = {path: hashlib.sha256(text.encode()).hexdigest() for path, text in files}
    answers = RenderedFile(ANSWERS_FILE, yaml.safe_dump({"architecture": "lambda", "files": digests}))
    return (*(RenderedFile(path, text) for path, text in files), answers)


V1 = project(("template.yaml", "a: 1\n"), ("src/handler.py", "x = 1\n"), ("src/old.py", "old\n"))
V2 = project(("template.yaml", "a: 2\n"), ("src/handler.py", "x = 1\n"), ("src/new.py", "new\n"))


def test_writes_into_a_missing_folder(tmp_path: Path) -> None:
    report = write_project(V1, tmp_path / "out", WriteOptions())
    assert report.written and report.count("create") == 4
    assert (tmp_path / "out/src/handler.py").read_text() == "x = 1\n"


def test_dry_run_lists_without_writing(tmp_path: Path) -> None:
    report = write_project(V1, tmp_path / "out", WriteOptions(dry_run=True))
    assert not report.written and [c.path for c in report.changes][:2] == ["template.yaml", "src/handler.py"]
    assert not (tmp_path / "out").exists()


def test_a_non_empty_folder_is_refused_without_force(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("mine")
    with pytest.raises(OutputExistsError) as raised:
        write_project(V1, tmp_path, WriteOptions())
    assert raised.value.exit_code == ExitCode.USAGE and "--force" in (raised.value.hint or "")
    assert sorted(os.listdir(tmp_path)) == ["notes.txt"]


def test_diff_shows_changes_against_the_folder(tmp_path: Path) -> None:
    write_project(V1, tmp_path, WriteOptions())
    report = write_project(V2, tmp_path, WriteOptions(diff=True))
    changes = {c.path: c for c in report.changes}
    assert not report.written and (tmp_path / "template.yaml").read_text() == "a: 1\n"
    assert changes["template.yaml"].action == "update"
    assert "-a: 1\n+a: 2\n" in changes["template.yaml"].diff and "--- a/template.yaml" in changes["template.yaml"].diff
    assert changes["src/handler.py"].action == "unchanged" and changes["src/new.py"].action == "create"
    assert changes["src/old.py"].action == "remove" and "-old" in changes["src/old.py"].diff


def test_force_updates_generated_files_and_never_touches_others(tmp_path: Path) -> None:
    write_project(V1, tmp_path, WriteOptions())
    (tmp_path / "mine.md").write_text("user notes")
    (tmp_path / "src/extra.py").write_text("user code")
    report = write_project(V2, tmp_path, WriteOptions(force=True))
    assert report.written
    assert (tmp_path / "template.yaml").read_text() == "a: 2\n"
    assert (tmp_path / "src/new.py").exists() and not (tmp_path / "src/old.py").exists()
    assert (tmp_path / "mine.md").read_text() == "user notes" and (tmp_path / "src/extra.py").read_text() == "user code"
    assert {c.path for c in report.changes} == {
        "template.yaml",
        "src/handler.py",
        "src/new.py",
        "src/old.py",
        ANSWERS_FILE,
    }


def test_force_keeps_a_stale_generated_file_the_user_changed(tmp_path: Path) -> None:
    write_project(V1, tmp_path, WriteOptions())
    (tmp_path / "src/old.py").write_text("edited by hand\n")
    report = write_project(V2, tmp_path, WriteOptions(force=True))
    assert (tmp_path / "src/old.py").read_text() == "edited by hand\n"
    assert [c.action for c in report.changes if c.path == "src/old.py"] == ["keep"]


def test_a_tampered_answers_file_cannot_delete_outside_the_project(tmp_path: Path) -> None:
    outside = tmp_path / "precious.txt"
    outside.write_text("keep")
    digest = hashlib.sha256(b"keep").hexdigest()
    folder = tmp_path / "project"
    folder.mkdir()
    (folder / ANSWERS_FILE).write_text(yaml.safe_dump({"files": {"../precious.txt": digest, "/etc/passwd": digest}}))
    write_project(V1, folder, WriteOptions(force=True))
    assert outside.read_text() == "keep"


def test_a_symlink_out_of_the_project_is_refused(tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    folder = tmp_path / "project"
    folder.mkdir()
    (folder / "src").symlink_to(elsewhere)
    with pytest.raises(TemplateError, match="outside"):
        write_project(V1, folder, WriteOptions(force=True))
    assert list(elsewhere.iterdir()) == []


def test_empty_folders_left_by_removed_files_go(tmp_path: Path) -> None:
    write_project(project(("a/b/c.txt", "x\n")), tmp_path, WriteOptions())
    write_project(project(("d.txt", "y\n")), tmp_path, WriteOptions(force=True))
    assert not (tmp_path / "a").exists() and (tmp_path / "d.txt").exists()
