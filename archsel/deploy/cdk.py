"""CDK projects: synthesize the app (`python app.py`, no Docker) and read the cloud assembly in cdk.out/.

archsel does not use the CDK bootstrap stack: file assets named in the asset manifest go to
archsel's staging bucket instead, the template's references to the bootstrap bucket are
rewritten to it, and the bootstrap-version check the default synthesizer adds is removed.
"""

from __future__ import annotations

import hashlib
import json
import shlex
import shutil
import subprocess
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from archsel.deploy.models import Artifact, ImageNeed, Template
from archsel.deploy.package import pack_path, replace_values
from archsel.errors import DeployError

Synth = Callable[[Sequence[str], Path, Mapping[str, str]], None]
"""Runs the app command in the project folder with extra environment variables; raises DeployError."""
SYNTH_TIMEOUT_S = 600.0
OUT_DIR = "cdk.out"


@dataclass(frozen=True, slots=True)
class CdkAssembly:
    """One stack of a synthesized cloud assembly."""

    stack_name: str
    template: Template
    artifacts: tuple[Artifact, ...]
    images: tuple[ImageNeed, ...]
    notices: tuple[str, ...]


# aws-cdk-lib is a TypeScript library run through jsii, which starts a Node.js process: a CDK app
# written in Python still needs `node` on PATH (https://docs.aws.amazon.com/cdk/v2/guide/prerequisites.html).
NODE_HINT = (
    "install Node.js 18 or later: `sudo apt-get install nodejs` (Debian/Ubuntu), `brew install node` (macOS) "
    "or https://nodejs.org/en/download"
)


def node_missing() -> bool:
    """Whether `node`, which every CDK app needs (aws-cdk-lib runs on jsii), is missing from PATH."""
    return shutil.which("node") is None


def run_synth(command: Sequence[str], cwd: Path, env: Mapping[str, str]) -> None:
    """Run the CDK app as a subprocess (bounded in time); DeployError with its stderr on failure."""
    import os

    if node_missing():
        raise DeployError(
            f"{cwd}: this CDK project needs Node.js to synthesize, and `node` is not on PATH", hint=NODE_HINT
        )

    try:
        done = subprocess.run(
            list(command),
            cwd=cwd,
            env={**os.environ, **env},
            capture_output=True,
            text=True,
            timeout=SYNTH_TIMEOUT_S,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        raise DeployError(f"{cwd}: cannot run the CDK app {shlex.join(command)} ({error})") from error
    if done.returncode != 0:
        tail = "\n".join(done.stderr.strip().splitlines()[-8:])
        raise DeployError(
            f"{cwd}: `{shlex.join(command)}` failed (exit {done.returncode})\n{tail}",
            hint="install the app's requirements (pip install -r requirements.txt) and run it once by hand",
        )


def app_command(root: Path) -> tuple[str, ...]:
    """The app command from cdk.json, run with this Python when it is a `python` command."""
    try:
        settings = json.loads((root / "cdk.json").read_text(encoding="utf-8"))
        words = shlex.split(str(settings["app"]))
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise DeployError(f'{root / "cdk.json"}: no usable "app" command ({error})') from error
    if words and Path(words[0]).name in ("python", "python3"):
        words[0] = sys.executable
    return tuple(words)


def synthesize(root: Path, synth: Synth, env: Mapping[str, str]) -> CdkAssembly:
    """Synthesize the app in ``root`` into cdk.out/ and read its single stack."""
    out = root / OUT_DIR
    synth(app_command(root), root, {**env, "CDK_OUTDIR": str(out)})
    return read_assembly(out)


def read_assembly(out: Path) -> CdkAssembly:
    """The one stack in a cloud assembly folder, its file assets packed and its image assets listed."""
    stack_name, template_file, assets_file = _stack_files(out)
    template = Template(_read_json(out / template_file))
    manifest = _read_json(out / assets_file) if assets_file else {}
    files = manifest.get("files") or {}
    artifacts = tuple(
        _file_asset(out, asset_id, spec) for asset_id, spec in files.items() if spec["source"]["path"] != template_file
    )
    images = tuple(_image_need(asset_id, spec) for asset_id, spec in (manifest.get("dockerImages") or {}).items())
    template, notices = _drop_bootstrap_check(template)
    return CdkAssembly(stack_name, template, artifacts, images, notices)


def synthesized_stack_name(out: Path) -> str | None:
    """The stack name of an existing cloud assembly (None when there is none to read)."""
    try:
        return _stack_files(out)[0]
    except (DeployError, KeyError):
        return None


def _stack_files(out: Path) -> tuple[str, str, str | None]:
    manifest_path = out / "manifest.json"
    if not manifest_path.is_file():
        raise DeployError(f"{out}: no manifest.json; the CDK app did not synthesize a cloud assembly")
    artifacts = _read_json(manifest_path).get("artifacts") or {}
    stacks = {name: spec for name, spec in artifacts.items() if spec.get("type") == "aws:cloudformation:stack"}
    if len(stacks) != 1:
        raise DeployError(
            f"{out}: the app defines {len(stacks)} stacks ({', '.join(stacks) or 'none'}); archsel deploys exactly one"
        )
    artifact_id, spec = next(iter(stacks.items()))
    properties = spec.get("properties") or {}
    assets = [
        artifacts[dep]["properties"]["file"]
        for dep in spec.get("dependencies") or []
        if artifacts.get(dep, {}).get("type") == "cdk:asset-manifest"
    ]
    return str(properties.get("stackName") or artifact_id), str(properties["templateFile"]), (assets or [None])[0]


def _read_json(path: Path) -> dict[str, Any]:
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise DeployError(f"{path}: cannot read ({error})") from error
    if not isinstance(document, dict):
        raise DeployError(f"{path}: expected a JSON object")
    return document


def _file_asset(out: Path, asset_id: str, spec: Mapping[str, Any]) -> Artifact:
    source = out / str(spec["source"]["path"])
    destination: Mapping[str, Any] = next(iter((spec.get("destinations") or {}).values()), {})
    bucket, key = str(destination.get("bucketName", "")), str(destination.get("objectKey", ""))
    packed = pack_path(source, logical_id=asset_id, prop="asset")
    # The CDK names the object by its own hash; keep that key's suffix so Lambda sees a .zip.
    suffix = ".zip" if spec["source"].get("packaging") == "zip" else Path(key).suffix or packed.suffix
    return Artifact(f"cdk:{bucket}", key, source, packed.data, hashlib.sha256(packed.data).hexdigest(), suffix)


def _image_need(asset_id: str, spec: Mapping[str, Any]) -> ImageNeed:
    destination: Mapping[str, Any] = next(iter((spec.get("destinations") or {}).values()), {})
    tag = str(destination.get("imageTag", asset_id))
    return ImageNeed(None, f"{destination.get('repositoryName', '')}:{tag}", str(spec["source"].get("directory", ".")))


def _drop_bootstrap_check(template: Template) -> tuple[Template, tuple[str, ...]]:
    body = dict(template.body)
    parameters = dict(body.get("Parameters") or {})
    rules = dict(body.get("Rules") or {})
    if "BootstrapVersion" not in parameters and "CheckBootstrapVersion" not in rules:
        return template, ()
    parameters.pop("BootstrapVersion", None)
    rules.pop("CheckBootstrapVersion", None)
    for section, value in (("Parameters", parameters), ("Rules", rules)):
        if value:
            body[section] = value
        else:
            body.pop(section, None)
    return Template(body), ("CDK bootstrap check removed: archsel stages assets in its own bucket, no bootstrap stack",)


def rewrite_assets(
    template: Template, artifacts: tuple[Artifact, ...], bucket: str, keys: Mapping[str, str]
) -> Template:
    """Point the template's asset references (bootstrap bucket, CDK object keys) at the staging bucket.

    ``keys`` maps each CDK object key to its staging key.
    """
    bootstrap_buckets = {a.logical_id.removeprefix("cdk:") for a in artifacts if a.logical_id.startswith("cdk:")}

    def swap(value: Any) -> Any | None:
        if isinstance(value, dict) and len(value) == 1 and value.get("Fn::Sub") in bootstrap_buckets:
            return bucket
        if isinstance(value, str) and value in bootstrap_buckets:
            return bucket
        if isinstance(value, str) and value in keys:
            return keys[value]
        return None

    return Template(replace_values(dict(template.body), swap))


def rewrite_images(template: Template, images: tuple[ImageNeed, ...], image_uri: str) -> Template:
    """Replace the ECR URIs of CDK image assets (``...<repository>:<tag>``) by ``image_uri``."""
    suffixes = tuple(need.repository.split("/")[-1] for need in images if need.parameter is None)

    def swap(value: Any) -> Any | None:
        if isinstance(value, dict) and len(value) == 1 and isinstance(value.get("Fn::Sub"), str):
            return image_uri if value["Fn::Sub"].endswith(suffixes) else None
        return None

    return Template(replace_values(dict(template.body), swap)) if suffixes else template
