"""Container images for Fargate designs: find the user's builder, build for the task's CPU, log in, push, read the digest.

The builder is the first of docker, podman, finch and buildah on PATH, or the one named by
`--builder` / ARCHSEL_BUILDER (a name from that list, or a path to one of them). Every builder is
driven through its Docker-compatible command line; buildah's global options (e.g. `--storage-driver
vfs`) can be given in ARCHSEL_BUILDAH_OPTIONS. The registry password goes through stdin, never the
command line.
"""

from __future__ import annotations

import hashlib
import os
import re
import shlex
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from archsel.deploy.models import BuildError, DeploySetupError

BUILDERS = ("docker", "podman", "finch", "buildah")
BUILDER_HINT = (
    "install one of docker, podman, finch or buildah (or name it: --builder NAME or ARCHSEL_BUILDER), "
    "or build and push the image yourself and pass --image URI"
)
_DIGEST = re.compile(r"sha256:[0-9a-f]{64}")
# Registries on this machine speak plain HTTP (docker already treats 127.0.0.0/8 as insecure).
_LOCAL_REGISTRY = re.compile(r"^(localhost|127\.\d+\.\d+\.\d+)(:\d+)?$")
_SKIPPED = {".git", "__pycache__", ".venv", "node_modules", ".pytest_cache", ".mypy_cache"}

Runner = Callable[[Sequence[str], str | None], str]
"""Runs a command with optional stdin text and returns its stdout; raises BuildError on failure."""


@dataclass(frozen=True, slots=True)
class Builder:
    """A container builder on this machine."""

    name: str
    """docker, podman, finch or buildah."""
    executable: str
    global_options: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class RegistryLogin:
    """Where to push and how to sign in (ECR: from an authorization token)."""

    registry: str
    """host[:port], no scheme."""
    username: str | None = None
    password: str | None = None


@dataclass(frozen=True, slots=True)
class ImageBuild:
    """One image to build and push."""

    context: Path
    repository: str
    """Repository path in the registry (no host, no tag)."""
    platform: str
    """linux/amd64 or linux/arm64: the task's CPU architecture."""
    build_args: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class PushedImage:
    """An image in the registry, addressed by digest (what the stack is given)."""

    tag_uri: str
    digest: str

    @property
    def uri(self) -> str:
        """registry/repository@sha256:... (immutable: a redeploy of the same digest changes nothing)."""
        return f"{self.tag_uri.rsplit(':', 1)[0]}@{self.digest}"


def find_builder(
    named: str | None, env: Mapping[str, str], which: Callable[[str], str | None] = shutil.which
) -> Builder:
    """The builder named by ``named`` or ARCHSEL_BUILDER, else the first of BUILDERS found; DeploySetupError if none."""
    wanted = named or env.get("ARCHSEL_BUILDER") or None
    if wanted:
        name = Path(wanted).name
        if name not in BUILDERS:
            raise DeploySetupError(
                f"container builder {wanted!r} is not one archsel knows", hint=f"use one of {', '.join(BUILDERS)}"
            )
        executable = wanted if os.sep in wanted and Path(wanted).is_file() else which(wanted)
        if executable is None:
            raise DeploySetupError(f"container builder {wanted!r} was not found on PATH", hint=BUILDER_HINT)
        return _builder(name, executable, env)
    for name in BUILDERS:
        executable = which(name)
        if executable is not None:
            return _builder(name, executable, env)
    raise DeploySetupError("no container builder found to build the Fargate image", hint=BUILDER_HINT)


def _builder(name: str, executable: str, env: Mapping[str, str]) -> Builder:
    options = tuple(shlex.split(env.get("ARCHSEL_BUILDAH_OPTIONS", ""))) if name == "buildah" else ()
    return Builder(name, executable, options)


def platform_of(cpu_architecture: str) -> str:
    """The OCI platform of an ECS CpuArchitecture (X86_64 or ARM64)."""
    return "linux/arm64" if cpu_architecture.upper() == "ARM64" else "linux/amd64"


def context_tag(build: ImageBuild) -> str:
    """A tag from the build context's files, the platform and the build arguments: same inputs, same tag."""
    digest = hashlib.sha256(f"{build.platform}\n{sorted(build.build_args)}\n".encode())
    files = sorted(p for p in build.context.rglob("*") if p.is_file())
    for path in files:
        relative = path.relative_to(build.context)
        if not _SKIPPED & set(relative.parts):
            digest.update(relative.as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return f"src-{digest.hexdigest()[:16]}"


def build_command(builder: Builder, build: ImageBuild, image: str) -> list[str]:
    """Build ``build.context``'s Dockerfile for its platform, tagged ``image``."""
    args = [arg for key, value in build.build_args for arg in ("--build-arg", f"{key}={value}")]
    verb = "bud" if builder.name == "buildah" else "build"
    head = [builder.executable, *builder.global_options, verb, "--platform", build.platform]
    return [*head, *args, "-t", image, str(build.context)]


def login_command(builder: Builder, login: RegistryLogin) -> list[str]:
    """Sign in to the registry, the password on stdin."""
    return [
        builder.executable,
        *builder.global_options,
        "login",
        *_tls_options(builder, login.registry),
        "--username",
        login.username or "",
        "--password-stdin",
        login.registry,
    ]


def push_command(builder: Builder, image: str, digest_file: Path) -> list[str]:
    """Push ``image``; podman and buildah write the pushed digest to ``digest_file``."""
    command = [builder.executable, *builder.global_options, "push", *_tls_options(builder, image.split("/")[0])]
    if builder.name in ("podman", "buildah"):
        command += ["--digestfile", str(digest_file)]
    return [*command, image]


def _tls_options(builder: Builder, registry: str) -> list[str]:
    local = _LOCAL_REGISTRY.match(registry) is not None
    return ["--tls-verify=false"] if local and builder.name in ("podman", "buildah") else []


def build_and_push(builder: Builder, build: ImageBuild, login: RegistryLogin, run: Runner | None = None) -> PushedImage:
    """Build, sign in (when the login has credentials), push, and return the image by digest."""
    runner = run or run_command
    image = f"{login.registry}/{build.repository}:{context_tag(build)}"
    runner(build_command(builder, build, image), None)
    if login.password is not None:
        runner(login_command(builder, login), login.password)
    with tempfile.TemporaryDirectory(prefix="archsel-push-") as folder:
        digest_file = Path(folder) / "digest"
        output = runner(push_command(builder, image, digest_file), None)
        written = digest_file.read_text(encoding="utf-8").strip() if digest_file.is_file() else ""
    found = _DIGEST.search(written) or _DIGEST.search(output)
    if found is None:
        raise BuildError(
            f"{builder.name} pushed {image} but printed no digest", hint="push it yourself and use --image"
        )
    return PushedImage(image, found.group(0))


def run_command(command: Sequence[str], stdin: str | None) -> str:
    """Run a builder command; its own message on failure (a failed build is the user's to fix: exit 1)."""
    try:
        done = subprocess.run(  # the executable was found on PATH or named by the user
            list(command), input=stdin, capture_output=True, text=True, check=False, timeout=3600
        )
    except OSError as error:
        raise DeploySetupError(f"{command[0]}: {error}", hint=BUILDER_HINT) from error
    if done.returncode != 0:
        verb = next((part for part in command[1:] if not part.startswith("-")), "")
        tail = (done.stderr or done.stdout).strip().splitlines()[-12:]
        raise BuildError(
            f"{Path(command[0]).name} {verb} failed (exit {done.returncode}):\n" + "\n".join(tail),
            hint="fix the Dockerfile or the builder, or pass --image URI",
        )
    return done.stdout + done.stderr
