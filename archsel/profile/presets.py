"""The shipped scenarios as `archsel init` presets: list them, find one, and copy it beside the user.

Scenarios live in ``scenarios/*.yaml`` (found through ``archsel.resources``, so this works from
an installed wheel too). A scenario's first comment line is its one-line description; a
trace-driven scenario names its CSV in ``traffic.trace``, relative to the profile, and the
CSV is copied along with it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from archsel.errors import ArchselError, UsageError
from archsel.profile.annotate import annotate_profile
from archsel.resources import scenarios_dir

DEFAULT_PRESET = "startup-mvp"
DEFAULT_PROFILE_NAME = "archsel.yaml"


@dataclass(frozen=True, slots=True)
class Preset:
    """One shipped scenario."""

    name: str
    path: Path
    description: str


@dataclass(frozen=True, slots=True)
class FileToWrite:
    """A file `archsel init` will write: where, and from which shipped file or text."""

    target: Path
    text: str


@dataclass(frozen=True, slots=True)
class InitResult:
    """What `archsel init` wrote."""

    preset: str
    profile_path: Path
    written: tuple[Path, ...]
    overwritten: tuple[Path, ...]


def list_presets(root: Path | None = None) -> tuple[Preset, ...]:
    """Every shipped scenario, sorted by name."""
    folder = root or scenarios_dir()
    return tuple(
        Preset(name=path.stem, path=path, description=describe(path.read_text(encoding="utf-8")))
        for path in sorted(folder.glob("*.yaml"))
    )


def find_preset(name: str, root: Path | None = None) -> Preset:
    """The shipped scenario called ``name``; an error listing the valid names otherwise."""
    presets = list_presets(root)
    for preset in presets:
        if preset.name == name:
            return preset
    names = ", ".join(preset.name for preset in presets) or "(none shipped)"
    raise UsageError(f"unknown preset {name!r}; valid presets: {names}", hint="`archsel init --list` describes each")


def describe(text: str) -> str:
    """The first comment line of a profile, without the ``#``; empty when it has none."""
    for line in text.splitlines():
        stripped = line.strip()
        if stripped.startswith("#"):
            return stripped.lstrip("#").strip()
        if stripped:
            return ""
    return ""


def profile_target(path: Path) -> Path:
    """Where the profile goes: ``path`` itself, or ``path/archsel.yaml`` when it is a folder."""
    return path / DEFAULT_PROFILE_NAME if path.is_dir() else path


def plan_files(preset: Preset, target: Path, *, trace: str | None, header: str) -> tuple[FileToWrite, ...]:
    """The profile (``header`` + the scenario's text, each key commented) and, for a trace preset, its CSV beside it."""
    files = [FileToWrite(target, header + annotate_profile(preset.path.read_text(encoding="utf-8")))]
    if trace is not None and not Path(trace).is_absolute():
        source = preset.path.parent / trace
        files.append(FileToWrite(target.parent / trace, source.read_text(encoding="utf-8")))
    return tuple(files)


def write_files(preset: str, files: tuple[FileToWrite, ...], *, force: bool) -> InitResult:
    """Write ``files``; refuse, writing nothing, when one exists and ``force`` is off."""
    existing = tuple(file.target for file in files if file.target.exists())
    for path in existing:
        if path.is_dir():
            raise UsageError(f"{path} is a folder; cannot write a file there", hint="give another path")
    if existing and not force:
        names = ", ".join(str(path) for path in existing)
        raise UsageError(
            f"{names} already exists; not overwriting it",
            hint="add --force to replace it, or give another path: archsel init other.yaml",
        )
    for file in files:
        _write(file)
    return InitResult(
        preset=preset,
        profile_path=files[0].target,
        written=tuple(file.target for file in files),
        overwritten=existing,
    )


def _write(file: FileToWrite) -> None:
    try:
        file.target.parent.mkdir(parents=True, exist_ok=True)
        file.target.write_text(file.text, encoding="utf-8")
    except OSError as error:
        raise ArchselError(
            f"{file.target}: cannot write ({error.strerror})", hint="check the folder and its permissions"
        ) from error
