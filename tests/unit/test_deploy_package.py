"""Packaging: deterministic zips (same files, same bytes, same hash), local code found and rewritten to S3."""

from __future__ import annotations

import hashlib
import io
import os
import time
import zipfile
from pathlib import Path

import pytest

from archsel.deploy.models import Template
from archsel.deploy.package import (
    FIXED_ZIP_TIME,
    collect_artifacts,
    local_code_paths,
    rewrite_code,
    uploads_for,
    zip_tree,
)
from archsel.errors import DeployError


def make_code(folder: Path) -> Path:
    (folder / "pkg").mkdir(parents=True)
    (folder / "handler.py").write_text("def handler(e, c):\n    return 1\n")
    (folder / "pkg" / "util.py").write_text("X = 1\n")
    (folder / "__pycache__").mkdir()
    (folder / "__pycache__" / "handler.cpython-311.pyc").write_bytes(b"\0cache")
    return folder


def test_zip_is_byte_identical_whatever_the_mtimes_and_creation_order(tmp_path: Path) -> None:
    first = make_code(tmp_path / "a")
    second = tmp_path / "b"
    (second / "pkg").mkdir(parents=True)
    (second / "pkg" / "util.py").write_text("X = 1\n")  # created in the other order
    (second / "handler.py").write_text("def handler(e, c):\n    return 1\n")
    old = time.time() - 86_400 * 365
    os.utime(second / "handler.py", (old, old))
    assert zip_tree(first) == zip_tree(second)


def test_zip_entries_are_sorted_fixed_time_and_skip_caches(tmp_path: Path) -> None:
    data = zip_tree(make_code(tmp_path / "code"))
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        infos = archive.infolist()
    assert [i.filename for i in infos] == ["handler.py", "pkg/util.py"]
    assert {i.date_time for i in infos} == {FIXED_ZIP_TIME}
    assert {(i.external_attr >> 16) & 0o777 for i in infos} == {0o644}


def test_changed_code_changes_the_hash(tmp_path: Path) -> None:
    folder = make_code(tmp_path / "code")
    before = hashlib.sha256(zip_tree(folder)).hexdigest()
    (folder / "handler.py").write_text("def handler(e, c):\n    return 2\n")
    assert hashlib.sha256(zip_tree(folder)).hexdigest() != before


def sam_template(code_uri: str = "src/") -> Template:
    return Template(
        {
            "Transform": "AWS::Serverless-2016-10-31",
            "Resources": {
                "Fn": {"Type": "AWS::Serverless::Function", "Properties": {"CodeUri": code_uri, "Handler": "h.h"}},
                "Other": {"Type": "AWS::Serverless::Function", "Properties": {"CodeUri": "s3://b/k.zip"}},
                "Plain": {"Type": "AWS::Lambda::Function", "Properties": {"Code": "src/"}},
                "Table": {"Type": "AWS::DynamoDB::Table", "Properties": {}},
            },
        }
    )


def test_local_code_paths_skip_s3_uris(tmp_path: Path) -> None:
    found = local_code_paths(sam_template(), tmp_path)
    assert [(lid, prop) for lid, prop, _ in found] == [("Fn", "CodeUri"), ("Plain", "Code")]


def test_rewrite_points_sam_at_uri_and_cloudformation_at_bucket_and_key(tmp_path: Path) -> None:
    make_code(tmp_path / "src")
    template = sam_template()
    artifacts = collect_artifacts(template, tmp_path)
    assert artifacts[0].sha256 == artifacts[1].sha256  # same folder, same zip
    rewritten = rewrite_code(template, artifacts, "stage", "archsel/s/")
    key = f"archsel/s/{artifacts[0].sha256}.zip"
    resources = rewritten.body["Resources"]
    assert resources["Fn"]["Properties"]["CodeUri"] == f"s3://stage/{key}"
    assert resources["Plain"]["Properties"]["Code"] == {"S3Bucket": "stage", "S3Key": key}
    assert resources["Other"]["Properties"]["CodeUri"] == "s3://b/k.zip"
    assert template.body["Resources"]["Fn"]["Properties"]["CodeUri"] == "src/"  # the input is left as it was
    assert [u.key for u in uploads_for(artifacts, "archsel/s/")] == [key]  # one upload for shared content


def test_globals_code_uri_is_packaged_too(tmp_path: Path) -> None:
    make_code(tmp_path / "src")
    template = Template({"Globals": {"Function": {"CodeUri": "src"}}, "Resources": {}})
    artifacts = collect_artifacts(template, tmp_path)
    rewritten = rewrite_code(template, artifacts, "stage", "p/")
    assert rewritten.body["Globals"]["Function"]["CodeUri"] == f"s3://stage/p/{artifacts[0].sha256}.zip"


def test_missing_code_folder_is_named(tmp_path: Path) -> None:
    with pytest.raises(DeployError, match=r"Fn\.CodeUri: .*nowhere does not exist"):
        collect_artifacts(sam_template("nowhere/"), tmp_path)


def test_requirements_that_need_installing_are_pointed_out(tmp_path: Path) -> None:
    from archsel.deploy.package import dependency_notices

    make_code(tmp_path / "src")
    artifacts = collect_artifacts(sam_template(), tmp_path)
    (tmp_path / "src" / "requirements.txt").write_text("# runtime has these\nboto3>=1.34\n")
    assert dependency_notices(artifacts) == ()
    (tmp_path / "src" / "requirements.txt").write_text("boto3\npydantic==2.7  # validation\n")
    (notice,) = dependency_notices(artifacts)
    assert "does not install these dependencies" in notice
