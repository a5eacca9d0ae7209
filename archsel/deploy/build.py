"""Build Lambda code like `sam build`: requirements installed for the function's Python and CPU, zipped, cached.

Planning reads the template and the files (which function, which runtime and architecture,
which requirements, the cache key); applying runs pip only for a key not built before. The key
hashes the sources, the requirements, the Python version and the platform, so an unchanged
function is neither rebuilt nor (its zip being byte-identical) uploaded again.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from archsel.deploy.models import Artifact, BuildError, Template
from archsel.deploy.package import globals_function, lists_packages, local_code_paths, pack_path, zip_trees

CACHE_DIR = ".archsel/build"
"""Under the project folder; `archsel deploy` skips it when it zips code."""
BUILD_FORMAT = "1"
"""Part of every cache key: bump it when the layout of a built zip changes."""
PLATFORMS = {"x86_64": "x86_64", "arm64": "aarch64"}
AL2023_FROM = (3, 12)
"""Lambda's Python runtimes from 3.12 run on Amazon Linux 2023 (glibc 2.34), older ones on Amazon Linux 2."""
PIP_TIMEOUT_S = 900


@dataclass(frozen=True, slots=True)
class InstallRequest:
    """One pip install: these requirements, for this Python and platform, into ``target``."""

    requirements: Path
    target: Path
    python_version: str
    platforms: tuple[str, ...]


Installer = Callable[[InstallRequest], None]
"""Installs one request (pip by default; tests may inject another)."""


@dataclass(frozen=True, slots=True)
class BuildStep:
    """One function's code: zipped as it is, or with its requirements installed for its runtime."""

    logical_id: str
    prop: str
    source: Path
    runtime: str | None
    architecture: str
    requirements: Path | None
    """None: nothing to install (not Python, no requirements.txt, or only boto3/botocore)."""
    key: str
    """Hash of sources + requirements + Python version + platform: names the built zip."""
    deps_key: str
    """Hash of requirements + Python version + platform: names the installed dependencies."""

    @property
    def python_version(self) -> str | None:
        """'3.12' for runtime python3.12; None for other runtimes."""
        runtime = self.runtime or ""
        return runtime.removeprefix("python") if runtime.startswith("python3.") else None

    @property
    def platforms(self) -> tuple[str, ...]:
        """pip platform tags the function's machine runs: manylinux2014, plus manylinux_2_28 on AL2023."""
        machine = PLATFORMS[self.architecture]
        tags = [f"manylinux2014_{machine}"]
        version = tuple(int(part) for part in (self.python_version or "0.0").split("."))
        if version >= AL2023_FROM:
            tags.append(f"manylinux_2_28_{machine}")
        return tuple(tags)


@dataclass(frozen=True, slots=True)
class BuildOutcome:
    """The artifacts, and a line per function built (or taken from the cache)."""

    artifacts: tuple[Artifact, ...]
    notices: tuple[str, ...]


def plan_build(template: Template, root: Path) -> tuple[BuildStep, ...]:
    """A step per local code path of ``template``, with its runtime, architecture and cache key."""
    defaults = globals_function(template)
    resources = {r.logical_id: r.properties for r in template.resources()}
    steps = []
    for logical_id, prop, path in local_code_paths(template, root):
        properties = resources.get(logical_id, defaults)
        runtime = _setting(properties, defaults, "Runtime")
        architecture = _architecture(properties, defaults)
        steps.append(_step(logical_id, prop, path, runtime, architecture))
    return tuple(steps)


def _setting(properties: Mapping[str, Any], defaults: Mapping[str, Any], name: str) -> str | None:
    value = properties.get(name, defaults.get(name))
    return value if isinstance(value, str) else None


def _architecture(properties: Mapping[str, Any], defaults: Mapping[str, Any]) -> str:
    value = properties.get("Architectures", defaults.get("Architectures"))
    first = value[0] if isinstance(value, list) and value else "x86_64"
    return first if first in PLATFORMS else "x86_64"


def _step(logical_id: str, prop: str, path: Path, runtime: str | None, architecture: str) -> BuildStep:
    requirements = path / "requirements.txt" if path.is_dir() else None
    python = runtime is not None and runtime.startswith("python3.")
    wanted = requirements if python and requirements is not None and requirements.is_file() else None
    if wanted is not None and not lists_packages(wanted):
        wanted = None
    deps = hashlib.sha256(BUILD_FORMAT.encode())
    if wanted is not None:
        deps.update(wanted.read_bytes())
        deps.update(f"|{runtime}|{architecture}".encode())
    sources = pack_path(path, logical_id=logical_id, prop=prop).sha256
    key = hashlib.sha256(f"{deps.hexdigest()}|{sources}".encode()).hexdigest()
    return BuildStep(logical_id, prop, path, runtime, architecture, wanted, key, deps.hexdigest())


def apply_build(steps: tuple[BuildStep, ...], root: Path, installer: Installer | None = None) -> BuildOutcome:
    """Zip every step; install requirements for the ones that list any (cached under .archsel/build)."""
    install = installer or pip_install
    artifacts: list[Artifact] = []
    notices: list[str] = []
    built: dict[str, bytes] = {}
    for step in steps:
        if step.requirements is None:
            artifacts.append(pack_path(step.source, logical_id=step.logical_id, prop=step.prop))
            continue
        if step.key not in built:
            data, how = _built_zip(step, root / CACHE_DIR, install)
            built[step.key] = data
            notices.append(
                f"{how} {step.logical_id} ({step.source.name}/ + requirements.txt for {step.runtime} "
                f"{step.architecture}): {len(data):,} bytes"
            )
        data = built[step.key]
        artifacts.append(Artifact(step.logical_id, step.prop, step.source, data, hashlib.sha256(data).hexdigest()))
    if built:
        _prune(root / CACHE_DIR, {step.key for step in steps} | {step.deps_key for step in steps})
    return BuildOutcome(tuple(artifacts), tuple(notices))


def _prune(cache: Path, keep: set[str]) -> None:
    """Drop zips and dependency folders no function of the project uses any more (the cache stays small)."""
    for entry in cache.iterdir():
        name = entry.name.removeprefix("deps-").removesuffix(".zip")
        if name in keep or entry.name.startswith("installing-"):
            continue
        if entry.is_dir():
            shutil.rmtree(entry, ignore_errors=True)
        else:
            entry.unlink(missing_ok=True)


def _built_zip(step: BuildStep, cache: Path, install: Installer) -> tuple[bytes, str]:
    """The function's zip from the cache, or built now: dependencies first, the function's own files over them."""
    cached = cache / f"{step.key}.zip"
    if cached.is_file():
        return cached.read_bytes(), "cached"
    if step.requirements is None or step.python_version is None:
        raise BuildError(f"{step.logical_id}: nothing to install")  # plan_build never makes such a step
    deps = cache / f"deps-{step.deps_key}"
    how = "built (dependencies cached)" if deps.is_dir() else "built"
    if not deps.is_dir():
        cache.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(dir=cache, prefix="installing-") as scratch:
            target = Path(scratch) / "deps"
            install(InstallRequest(step.requirements, target, step.python_version, step.platforms))
            target.mkdir(exist_ok=True)  # a requirements file pip had nothing to do for
            os.replace(target, deps)  # only a complete install gets the cache name
    data = zip_trees((deps, step.source))
    partial = cached.with_suffix(".part")
    partial.write_bytes(data)
    os.replace(partial, cached)  # a crash mid-write never leaves a truncated zip under the real name
    return data, how


def pip_install(request: InstallRequest) -> None:
    """pip install -r REQUIREMENTS --target DIR, binary wheels only, for Lambda's Python and CPU."""
    command = [sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--no-compile"]
    command += ["--no-warn-conflicts", "--only-binary=:all:", "--implementation", "cp"]
    command += ["--python-version", request.python_version, "--target", str(request.target)]
    for platform in request.platforms:
        command += ["--platform", platform]
    command += ["-r", str(request.requirements)]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=PIP_TIMEOUT_S, check=False)
    except (OSError, subprocess.TimeoutExpired) as error:
        raise BuildError(f"pip install -r {request.requirements}: {error}") from error
    if done.returncode != 0:
        raise BuildError(
            f"pip could not install {request.requirements} for Python {request.python_version} "
            f"({', '.join(request.platforms)}):\n{_last_lines(done.stderr)}",
            hint="every package needs a binary wheel for Lambda's platform (or a pure-Python one): "
            "pin a version that publishes one, or drop the package",
        )


def _last_lines(text: str, count: int = 8) -> str:
    lines = [line for line in text.splitlines() if line.strip() and not line.startswith("WARNING: Location")]
    return "\n".join(lines[-count:])
