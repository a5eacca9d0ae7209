"""Real container tooling for the image tests: Debian's buildah and docker-registry, and an offline base image.

No public base image can be pulled here, so the base is a stand-in layer made from this machine's
own files: a POSIX shell, the running CPython (interpreter, libpython, standard library and its
extension modules, pip) and the real boto3 stack from the test environment, with every shared
library they load. The scaffolded Dockerfile is then built on it unchanged (its BASE_IMAGE
argument), and `pip install -r requirements.txt` finds boto3 already installed, offline.
"""

from __future__ import annotations

import importlib.metadata
import os
import shutil
import socket
import subprocess
import sys
import sysconfig
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

DEBIAN_PACKAGES = {"buildah": "buildah", "docker-registry": "docker-registry"}
_STDLIB_SKIPPED = {"site-packages", "test", "idlelib", "tkinter", "turtledemo", "ensurepip", "__pycache__"}
_BOTO = ("boto3", "botocore", "s3transfer", "jmespath", "python-dateutil", "urllib3", "six", "pip")


def ensure_debian_packages() -> str | None:
    """Install buildah and docker-registry with apt-get when missing; the reason when that is impossible."""
    missing = [package for command, package in DEBIAN_PACKAGES.items() if shutil.which(command) is None]
    if not missing:
        return None
    if os.geteuid() != 0 or shutil.which("apt-get") is None:
        return f"cannot install Debian packages {missing} (needs root and apt-get)"
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for command in (["apt-get", "update", "-qq"], ["apt-get", "install", "-y", "-qq", *missing]):
        done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=600, check=False)
        if done.returncode != 0:
            return f"apt-get could not install {missing}: {done.stderr.strip()[-500:]}"
    return None


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_for_http(url: str, timeout_s: float = 30.0) -> int:
    """The first HTTP status ``url`` answers with, waiting for the server to come up."""
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                return int(response.status)
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


@contextmanager
def local_registry(root: Path) -> Iterator[str]:
    """Debian's docker-registry (the CNCF Distribution registry) on 127.0.0.1; yields host:port."""
    port = free_port()
    root.mkdir(parents=True, exist_ok=True)
    config = root / "registry.yml"
    config.write_text(
        "version: 0.1\n"
        f"storage: {{filesystem: {{rootdirectory: {root / 'data'}}}}}\n"
        f"http: {{addr: 127.0.0.1:{port}}}\n"
        "log: {level: warn}\n",
        encoding="utf-8",
    )
    with subprocess.Popen(
        ["docker-registry", "serve", str(config)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    ) as server:
        try:
            assert wait_for_http(f"http://127.0.0.1:{port}/v2/") == 200
            yield f"127.0.0.1:{port}"
        finally:
            server.terminate()
            server.wait(timeout=10)


@dataclass(frozen=True)
class Buildah:
    """buildah as root with the vfs storage driver in a folder of the test, chroot isolation."""

    root: Path

    @property
    def options(self) -> list[str]:
        return ["--storage-driver", "vfs", "--root", str(self.root / "storage"), "--runroot", str(self.root / "run")]

    def __call__(self, *args: str, timeout: float = 300) -> str:
        done = subprocess.run(
            ["buildah", *self.options, *args],
            env={**os.environ, "BUILDAH_ISOLATION": "chroot"},
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        assert done.returncode == 0, f"buildah {' '.join(args)}: {done.stderr[-2000:]}"
        return done.stdout.strip()


def _copy(source: Path, rootfs: Path) -> None:
    """``source`` (a file, followed through symlinks) at the same absolute path under ``rootfs``."""
    target = rootfs / source.relative_to("/")
    target.parent.mkdir(parents=True, exist_ok=True)
    if not target.exists():
        shutil.copy2(source.resolve(), target)


def _shared_libraries(binaries: list[Path]) -> set[Path]:
    found: set[Path] = set()
    for binary in binaries:
        done = subprocess.run(["ldd", str(binary)], capture_output=True, text=True, check=False)
        for line in done.stdout.splitlines():
            parts = line.split()
            path = parts[2] if "=>" in parts and len(parts) > 2 else parts[0] if parts else ""
            if path.startswith("/"):
                found.add(Path(path))
    return found


def _site_packages(rootfs: Path, site: Path) -> None:
    """The real boto3 stack and pip, with their metadata (so pip sees the requirements satisfied)."""
    for name in _BOTO:
        dist = importlib.metadata.distribution(name)
        for item in dist.files or []:
            source = Path(str(dist.locate_file(item)))
            relative = Path(str(item))
            if ".." in relative.parts or not source.is_file() or "__pycache__" in relative.parts:
                continue
            target = site / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)


def make_offline_base(buildah: Buildah, work: Path, name: str = "archsel-e2e-base") -> str:
    """A base image with /bin/sh, this CPython, pip and boto3; returns its name in buildah's storage."""
    rootfs = work / "rootfs"
    stdlib = Path(sysconfig.get_paths()["stdlib"])
    version = f"python{sys.version_info.major}.{sys.version_info.minor}"
    prefix = rootfs / "usr" / "local"
    shutil.copytree(stdlib, prefix / "lib" / version, ignore=lambda _d, names: _STDLIB_SKIPPED & set(names))
    _site_packages(rootfs, prefix / "lib" / version / "site-packages")
    interpreter = Path(sys.executable).resolve()
    (prefix / "bin").mkdir(parents=True, exist_ok=True)
    shutil.copy2(interpreter, prefix / "bin" / version)
    for alias in ("python3", "python"):
        (prefix / "bin" / alias).symlink_to(version)
    (prefix / "bin" / "pip").write_text('#!/bin/sh\nexec /usr/local/bin/python3 -m pip "$@"\n', encoding="utf-8")
    (prefix / "bin" / "pip").chmod(0o755)
    binaries = [interpreter, Path("/bin/sh"), *(stdlib / "lib-dynload").glob("*.so")]
    for library in _shared_libraries(binaries):
        _copy(library, rootfs)
        shutil.copy2(library.resolve(), prefix / "lib" / library.name)
    _copy(Path("/bin/sh"), rootfs)
    for folder in ("tmp", "srv", "etc"):
        (rootfs / folder).mkdir(exist_ok=True)
    (rootfs / "tmp").chmod(0o1777)
    container = buildah("from", "scratch")
    buildah("copy", container, str(rootfs), "/", timeout=600)
    buildah(
        "config",
        "--env",
        "PATH=/usr/local/bin:/usr/bin:/bin",
        "--env",
        "LD_LIBRARY_PATH=/usr/local/lib",
        container,
    )
    buildah("commit", "--quiet", container, name, timeout=600)
    buildah("rm", container)
    return f"localhost/{name}:latest"
