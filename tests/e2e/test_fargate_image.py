"""A scaffolded Fargate design's image: built by archsel with a real builder, pushed to a real registry, serving.

Real components, started here: Debian's buildah (as root, vfs storage in the test's folder,
chroot isolation) as the builder archsel finds by name, and Debian's docker-registry on
127.0.0.1 as the registry (plain HTTP, like any registry on this machine). The scaffolded
Dockerfile is built unchanged on an offline stand-in base (tests/image_support.py: no public
image can be pulled here) through its BASE_IMAGE argument, for this machine's CPU (the design's
architecture is set to it, so the build's RUN step runs natively). The test then reads the
manifest and the image config back through the registry's HTTP API v2, removes the local copy,
starts a container from the registry's image by digest (`buildah run`) and gets 200 from the
health endpoint. The Debian packages are installed with apt-get when missing; the test is
skipped, with the reason, only when that is impossible.
"""

from __future__ import annotations

import json
import os
import platform
import signal
import subprocess
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from archsel.deploy.ecr import image_build
from archsel.deploy.images import RegistryLogin, build_and_push, find_builder
from archsel.deploy.project import load_project
from archsel.profile.loader import parse_profile
from archsel.scaffold.design import design_from_profile
from tests.e2e.cfn_tools import render_design, write_files
from tests.image_support import (
    Buildah,
    ensure_debian_packages,
    free_port,
    local_registry,
    make_offline_base,
    wait_for_http,
)

pytestmark = pytest.mark.slow

ARCH = "arm64" if platform.machine() in ("aarch64", "arm64") else "x86_64"
PROFILE = f"""
version: 1
name: image-e2e
region: us-east-1
traffic: {{mean_rps: 2}}
fargate: {{vcpu: 0.25, memory_gb: 0.5, architecture: {ARCH}, min_tasks: 1, max_tasks: 2}}
"""
MANIFEST_TYPES = ", ".join(
    (
        "application/vnd.oci.image.manifest.v1+json",
        "application/vnd.docker.distribution.manifest.v2+json",
    )
)


@pytest.fixture(scope="module")
def tools() -> None:
    reason = ensure_debian_packages()
    if reason is not None:
        pytest.skip(reason)


def registry_get(url: str, accept: str | None = None) -> tuple[dict[str, Any], dict[str, str]]:
    request = urllib.request.Request(url, headers={"Accept": accept} if accept else {})
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read()), dict(response.headers)


def test_the_scaffolded_image_is_built_pushed_and_answers_its_health_check(
    tools: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    design = design_from_profile(parse_profile(PROFILE), "fargate")
    project = write_files(render_design(design, "fargate-sam"), tmp_path / "project")
    buildah = Buildah(tmp_path / "buildah")
    base = make_offline_base(buildah, tmp_path)
    monkeypatch.setenv("ARCHSEL_BUILDAH_OPTIONS", " ".join(buildah.options))
    monkeypatch.setenv("BUILDAH_ISOLATION", "chroot")

    builder = find_builder("buildah", os.environ)
    (need,) = load_project(project).images
    assert need.cpu_architecture == ("ARM64" if ARCH == "arm64" else "X86_64")  # from the task definition
    build = image_build(project, need, "image-e2e-api", {"BASE_IMAGE": base})
    oci_arch = "arm64" if ARCH == "arm64" else "amd64"
    assert build.platform == f"linux/{oci_arch}"

    with local_registry(tmp_path / "registry") as registry:
        pushed = build_and_push(builder, build, RegistryLogin(registry))
        assert pushed.uri == f"{registry}/image-e2e-api@{pushed.digest}"

        manifest, headers = registry_get(
            f"http://{registry}/v2/image-e2e-api/manifests/{pushed.digest}", MANIFEST_TYPES
        )
        assert headers["Docker-Content-Digest"] == pushed.digest
        assert manifest["layers"]
        config, _ = registry_get(f"http://{registry}/v2/image-e2e-api/blobs/{manifest['config']['digest']}")
        assert (config["os"], config["architecture"]) == ("linux", oci_arch)
        assert config["config"]["Cmd"] == ["python", "server.py"]
        assert config["config"]["User"] == "65534:65534"

        buildah("rmi", pushed.tag_uri)  # the container below comes from the registry, not the build's copy
        container = buildah("from", "--tls-verify=false", pushed.uri, timeout=300)
    port = free_port()
    environment = {"PORT": str(port), "COGNITO_ISSUER": "https://issuer.invalid", "COGNITO_CLIENT_ID": "client"}
    env_args = [arg for key, value in environment.items() for arg in ("--env", f"{key}={value}")]
    server = subprocess.Popen(
        ["buildah", *buildah.options, "run", "--isolation", "chroot", *env_args, container, "python", "server.py"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    try:
        assert wait_for_http(f"http://127.0.0.1:{port}/health", timeout_s=60) == 200
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=20)
