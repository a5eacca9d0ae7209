"""archsel.answers.yaml: the record of a scaffold (profile, design, every parameter, the files written).

Re-scaffolding from it renders the same files (`archsel scaffold archsel.answers.yaml ...`), and
`write` reads its file list to know which files in a folder archsel generated (and their digests).
"""

from __future__ import annotations

import dataclasses
from enum import Enum
from pathlib import Path, PurePosixPath
from typing import Any

import yaml

from archsel.errors import ProfileError
from archsel.scaffold.design import Design, check_architecture, profile_from_dump, summary_from_record
from archsel.scaffold.param_types import ScaffoldParams

ANSWERS_FILE = "archsel.answers.yaml"
FileDigests = tuple[tuple[str, str], ...]


def answers_text(design: Design, params: ScaffoldParams, files: FileDigests) -> str:
    """The answers file for a render of ``design`` with ``params`` that produced ``files`` (path, sha256)."""
    parameters = _plain(dataclasses.asdict(params))
    summary = parameters.pop("summary")
    if parameters.get("managed") is None:
        parameters.pop("managed", None)  # answers of the Lambda and Fargate sets read as before
    document = {
        "archsel_version": params.archsel_version,
        "template_set": params.template_set,
        "iac": params.iac,
        "architecture": _plain(params.architecture),
        "profile_hash": params.profile_hash,
        "recommendation": summary,
        "parameters": parameters,
        "files": dict(sorted(files)),
        "workload": design.profile.model_dump(mode="json", by_alias=True),
    }
    header = (
        "# Written by `archsel scaffold`: what was rendered, from which design, and the files it wrote.\n"
        "# Keep it with the project. Render the same files again with:\n"
        f"#   archsel scaffold {ANSWERS_FILE} --iac {params.iac} --out . --force\n"
    )
    return header + yaml.safe_dump(document, sort_keys=False, default_flow_style=False, allow_unicode=True)


def _plain(value: Any) -> Any:
    """Tuples as lists and enum members as their values, recursively: YAML's safe dumper knows neither."""
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    return value


def read_answers(path: Path) -> dict[str, Any]:
    """The parsed answers document at ``path`` (ProfileError when unreadable or not an answers file)."""
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError as error:
        raise ProfileError(f"{path}: no such file") from error
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
        raise ProfileError(f"{path}: cannot read the answers file ({error})") from error
    if not isinstance(document, dict) or "workload" not in document or "architecture" not in document:
        raise ProfileError(f"{path}: not an {ANSWERS_FILE} (no workload and architecture)")
    return document


def design_from_answers(path: str | Path) -> Design:
    """The design a project was scaffolded from, read back from its answers file."""
    source = Path(path)
    document = read_answers(source)
    recorded = document.get("recommendation")
    # null when the project was scaffolded straight from a profile (no recommendation to quote)
    summary = None if recorded is None else summary_from_record(recorded, source=str(source))
    profile = profile_from_dump(document["workload"], source=f"{source}: workload")
    return Design(architecture=check_architecture(str(document["architecture"])), profile=profile, summary=summary)


def generated_files(path: Path) -> FileDigests:
    """(path, sha256) of every file a previous scaffold recorded in ``path``; () when there is none.

    Paths that could leave the project folder are dropped: the file list is input from disk.
    """
    if not path.is_file():
        return ()
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return ()
    files = document.get("files") if isinstance(document, dict) else None
    if not isinstance(files, dict):
        return ()
    return tuple(
        (str(name), str(digest))
        for name, digest in sorted(files.items())
        if _inside(str(name)) and isinstance(digest, str)
    )


def _inside(name: str) -> bool:
    relative = PurePosixPath(name)
    return bool(relative.parts) and not relative.is_absolute() and ".." not in relative.parts and "\\" not in name
