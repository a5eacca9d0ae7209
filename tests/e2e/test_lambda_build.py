"""Scaffolded Lambda code built like `sam build`, with the real pip, run from its artifact, deployed to moto.

relational-app (Aurora PostgreSQL through pg8000) and a DynamoDB profile are scaffolded for arm64
and x86_64 and built by `archsel deploy --dry-run` (offline: only pip reaches the package
registry). The artifact must hold the requirements' wheels for the function's platform: pg8000
and its dependencies are pure Python (tag ``py3-none-any``), so the relational tests add
MarkupSafe, which ships compiled wheels, to see that the right CPU's wheel is chosen.

The x86_64 artifacts are unpacked and run in a fresh interpreter (``-I -S``: the standard library
and the artifact only) of the runtime's Python version when this machine has one (on PATH or
under pyenv), else of the Python running the tests; with python3.12 on an x86_64 host the
compiled MarkupSafe module from the artifact is loaded too. The call is an API Gateway HTTP API (payload 2.0) event; the database is stubbed at the
driver's connect (pg8000.dbapi.connect; boto3.resource for DynamoDB, whose boto3 the Lambda
runtime provides, so a stand-in module plays it).

Last, a DynamoDB project with a compiled requirement is deployed to moto's server and the
function's code is read back: its CodeSha256 and the staged object are the built zip's.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import os
import platform
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import boto3
import pytest
import yaml

from archsel import api
from archsel.deploy.build import CACHE_DIR
from archsel.deploy.package import lists_packages, zip_tree
from archsel.profile.loader import parse_profile
from archsel.scaffold.design import design_from_profile

ROOT = Path(__file__).resolve().parents[2]
DYNAMODB_PROFILE = """
version: 1
name: built-items
region: us-east-1
traffic: {requests_per_month: 1000000}
lambda: {memory_mb: 512, architecture: ARCH, timeout_s: 10}
database: {kind: dynamodb}
"""
MACHINES = {"arm64": "aarch64", "x86_64": "x86_64"}
Run = Callable[..., Any]
pytestmark = pytest.mark.filterwarnings("ignore:Tried to parse AWS.* not supported by moto:UserWarning")


def http_api_event(method: str, path: str, user: str) -> dict[str, Any]:
    """An API Gateway HTTP API (payload format 2.0) event with a Cognito JWT authorizer's claims."""
    context = {
        "http": {"method": method, "path": path, "protocol": "HTTP/1.1", "sourceIp": "203.0.113.9"},
        "authorizer": {"jwt": {"claims": {"sub": user}, "scopes": None}},
        "routeKey": f"{method} {path}",
        "stage": "$default",
        "requestId": "req-1",
    }
    return {"version": "2.0", "routeKey": f"{method} {path}", "rawPath": path, "rawQueryString": "",
            "headers": {"authorization": "Bearer x"}, "requestContext": context, "isBase64Encoded": False}  # fmt: skip


def scaffold(tmp_path: Path, profile_text: str, architecture: str, name: str) -> Path:
    document = yaml.safe_load(profile_text)
    document["lambda"]["architecture"] = architecture
    design = design_from_profile(parse_profile(yaml.safe_dump(document)), "lambda")
    out = tmp_path / name
    api.scaffold(design, iac="sam", out=out)
    assert f"Architectures: [{architecture}]" in (out / "template.yaml").read_text()
    return out


def build(run_cli: Run, project: Path) -> tuple[bytes, str]:
    """Build through `deploy --dry-run`; the function's zip (from the build cache) and stderr."""
    result = run_cli("deploy", str(project), "--dry-run")
    assert result.exit_code == 0, result.stderr
    (zipped,) = (project / CACHE_DIR).glob("*.zip")
    return zipped.read_bytes(), result.stderr


def wheel_tags(data: bytes) -> dict[str, list[str]]:
    """Distribution name -> the tags of the wheel it was installed from."""
    tags = {}
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for name in archive.namelist():
            if name.endswith(".dist-info/WHEEL"):
                lines = archive.read(name).decode().splitlines()
                tags[name.split("-")[0].lower()] = [line.split(": ", 1)[1] for line in lines if line.startswith("Tag:")]
    return tags


def runtime_python(runtime: str) -> str:
    """The runtime's interpreter (python3.12 ...) when this machine has one, else the one running the tests."""
    version = runtime.removeprefix("python")
    pyenv = Path(os.environ.get("PYENV_ROOT", Path.home() / ".pyenv")) / "versions"
    candidates = [shutil.which(runtime), *sorted(str(p) for p in pyenv.glob(f"{version}.*/bin/{runtime}"))]
    for candidate in filter(None, candidates):
        probe = [candidate, "-I", "-S", "-c", "import sys; print('%d.%d' % sys.version_info[:2])"]
        done = subprocess.run(probe, capture_output=True, text=True, timeout=30, check=False)
        if done.returncode == 0 and done.stdout.strip() == version:  # a pyenv shim may exist yet not run
            return candidate
    return sys.executable


def invoke(data: bytes, tmp_path: Path, script: str, env: dict[str, str], *extra_path: Path) -> dict[str, Any]:
    unpacked = tmp_path / "unpacked"
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        archive.extractall(unpacked)
    paths = [str(unpacked), *map(str, extra_path)]
    event = json.dumps(http_api_event("GET", "/items", "user-1"))
    done = subprocess.run(
        [runtime_python("python3.12"), "-I", "-S", "-c", script, json.dumps(paths), event],
        capture_output=True, text=True, timeout=60, env={"PATH": "/usr/bin:/bin", **env}, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return dict(json.loads(done.stdout.splitlines()[-1]))


PG_SCRIPT = """
import json, sys
sys.path[:0] = json.loads(sys.argv[1])
import pg8000.dbapi
calls = []
class Cursor:
    description = None
    def execute(self, sql, args=()):
        calls.append(sql.split()[0])
        self.description = [("id",), ("data",)] if sql.startswith("SELECT") else None
    def fetchall(self):
        return [("a1", '{"n": 1}')]
    def close(self):
        pass
class Connection:
    def cursor(self):
        return Cursor()
    def commit(self):
        pass
def connect(**kwargs):
    calls.append("connect " + ",".join(sorted(kwargs)))
    return Connection()
pg8000.dbapi.connect = connect
import handler
answer = handler.handler(json.loads(sys.argv[2]), None)
import markupsafe._speedups
version = "%d.%d" % sys.version_info[:2]
print(json.dumps({"response": answer, "driver": pg8000.__file__, "calls": calls, "python": version,
                  "speedups": markupsafe._speedups.__file__}))
"""
AURORA_ENV = {"DB_KIND": "aurora", "DB_ENGINE": "aurora-postgresql", "DB_HOST": "proxy.example", "DB_PORT": "5432",
              "DB_NAME": "app", "DB_USER": "app", "DB_PASSWORD": "pw", "UPLOADS_BUCKET": "uploads"}  # fmt: skip


@pytest.mark.slow
@pytest.mark.parametrize("architecture", ["arm64", "x86_64"])
def test_relational_app_is_built_for_its_cpu_and_runs(
    architecture: str, tmp_path: Path, run_cli: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    project = scaffold(tmp_path, (ROOT / "scenarios" / "relational-app.yaml").read_text(), architecture, "rel")
    requirements = project / "src" / "requirements.txt"
    assert "pg8000" in requirements.read_text().split()  # the PostgreSQL driver the code imports
    requirements.write_text(requirements.read_text() + "markupsafe\n")  # a compiled wheel, to see the platform
    data, stderr = build(run_cli, project)
    assert f"built ApiFunction (src/ + requirements.txt for python3.12 {architecture})" in stderr

    tags = wheel_tags(data)
    assert {"pg8000", "scramp", "asn1crypto", "markupsafe"} <= set(tags)
    assert tags["pg8000"] == ["py3-none-any"]
    machine = MACHINES[architecture]
    assert tags["markupsafe"] and all(t.startswith("cp312-cp312-manylinux") for t in tags["markupsafe"])
    assert all(t.endswith(machine) for t in tags["markupsafe"])
    for name, wheel in tags.items():  # every wheel runs on the function's machine
        assert all(t.endswith(("-any", machine)) for t in wheel), (name, wheel)

    again = run_cli("deploy", str(project), "--dry-run")
    assert "cached ApiFunction" in again.stderr  # unchanged: not rebuilt

    if architecture == "x86_64":
        ran = invoke(data, tmp_path, PG_SCRIPT, AURORA_ENV)
        assert ran["response"]["statusCode"] == 200
        assert json.loads(ran["response"]["body"]) == {"items": [{"id": "a1", "data": {"n": 1}}]}
        assert ran["driver"].startswith(str(tmp_path / "unpacked"))  # the driver came from the artifact
        assert ran["calls"][0] == "connect database,host,password,port,ssl_context,user"
        assert ran["calls"][1:] == ["CREATE", "SELECT"]
        if ran["python"] == "3.12" and platform.machine() == "x86_64":
            assert ran["speedups"].endswith("-x86_64-linux-gnu.so")  # the compiled cp312 x86_64 wheel loads


DYNAMO_SCRIPT = """
import json, sys
sys.path[:0] = json.loads(sys.argv[1])
import boto3
import handler
answer = handler.handler(json.loads(sys.argv[2]), None)
print(json.dumps({"response": answer, "queries": boto3.QUERIES}))
"""
FAKE_BOTO3 = '''
"""Stands in for the boto3 the Lambda runtime provides; records DynamoDB queries."""
QUERIES = []
class _Table:
    def __init__(self, name):
        self.name = name
    def query(self, **kwargs):
        QUERIES.append([self.name, kwargs["ExpressionAttributeValues"][":o"]])
        return {"Items": [{"id": "a1", "data": '{"n": 1}'}]}
class _Resource:
    def Table(self, name):
        return _Table(name)
def resource(service):
    assert service == "dynamodb"
    return _Resource()
'''


@pytest.mark.slow
@pytest.mark.parametrize("architecture", ["arm64", "x86_64"])
def test_dynamodb_app_needs_nothing_installed_and_runs(architecture: str, tmp_path: Path, run_cli: Run) -> None:
    project = scaffold(tmp_path, DYNAMODB_PROFILE, architecture, "items")
    assert not lists_packages(project / "src" / "requirements.txt")
    data = zip_only(run_cli, project)
    assert wheel_tags(data) == {}  # boto3 is in the runtime: nothing to install
    assert "handler.py" in zipfile.ZipFile(io.BytesIO(data)).namelist()
    if architecture == "x86_64":
        stand_in = tmp_path / "runtime"
        (stand_in / "boto3").mkdir(parents=True)
        (stand_in / "boto3" / "__init__.py").write_text(FAKE_BOTO3)
        env = {"DB_KIND": "dynamodb", "TABLE_NAME": "items-table", "UPLOADS_BUCKET": "uploads"}
        ran = invoke(data, tmp_path, DYNAMO_SCRIPT, env, stand_in)
        assert ran["response"]["statusCode"] == 200
        assert json.loads(ran["response"]["body"]) == {"items": [{"id": "a1", "data": {"n": 1}}]}
        assert ran["queries"] == [["items-table", "user-1"]]


def zip_only(run_cli: Run, project: Path) -> bytes:
    """Nothing to build: the dry run zips src/ as it is (no build cache); that zip."""
    result = run_cli("deploy", str(project), "--dry-run")
    assert result.exit_code == 0, result.stderr
    assert "built " not in result.stderr and not (project / CACHE_DIR).exists()
    return zip_tree(project / "src")


@pytest.mark.slow
def test_built_code_is_what_moto_runs(moto_url: str, tmp_path: Path, run_cli: Run) -> None:
    project = scaffold(tmp_path, DYNAMODB_PROFILE, "x86_64", "items")
    (project / "src" / "requirements.txt").write_text("markupsafe\n")
    created = run_cli("deploy", str(project), "--endpoint-url", moto_url, "--timeout", "2", "--yes")
    assert created.exit_code == 0, created.stderr
    assert "built ApiFunction (src/ + requirements.txt for python3.12 x86_64)" in created.stderr
    (zipped,) = (project / CACHE_DIR).glob("*.zip")
    built = zipped.read_bytes()
    assert all(t.endswith("x86_64") for t in wheel_tags(built)["markupsafe"])

    lam = boto3.client("lambda", endpoint_url=moto_url, region_name="us-east-1")
    (function,) = lam.list_functions()["Functions"]
    assert function["CodeSha256"] == base64.b64encode(hashlib.sha256(built).digest()).decode()
    assert function["CodeSize"] == len(built)
    key = lam.get_function(FunctionName=function["FunctionName"])["Code"]["Location"].split(".amazonaws.com/")[1]
    s3 = boto3.client("s3", endpoint_url=moto_url, region_name="us-east-1")
    staged = s3.get_object(Bucket="archsel-staging-123456789012-us-east-1", Key=key)["Body"].read()
    assert staged == built

    again = run_cli("deploy", str(project), "--endpoint-url", moto_url, "--timeout", "2", "--yes")
    assert again.exit_code == 0, again.stderr
    assert "cached ApiFunction" in again.stderr and "unchanged: ApiFunction (src)" in again.stderr
