"""The built front end synced to its bucket and CloudFront invalidated, against moto's S3 and CloudFront.

moto's CloudFormation cannot create a CloudFront distribution, so the stack's resources are given
directly (the bucket and the distribution, made with boto3 on moto's server) and archsel's
publishing step runs as a deploy runs it: list the bucket's ETags, upload what changed with its
content type and cache header, create the invalidation.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import boto3
import pytest

from archsel.deploy.frontend import IMMUTABLE, NO_CACHE, SHORT, publish_frontend
from archsel.deploy.models import StackResource
from archsel.deploy.storage import Storage
from tests.deploy_support import RecordingUI

ACCOUNT = "123456789012"
# moto warns for each resource type its CloudFormation skips (the distribution among them): expected here.
pytestmark = pytest.mark.filterwarnings("ignore:Tried to parse AWS.* not supported by moto:UserWarning")
SITE = {
    "index.html": "<!doctype html><script type=module src=/assets/index-B3xk9QaZ.js></script>",
    "assets/index-B3xk9QaZ.js": "console.log('v1')",
    "assets/index-Cc41aPq0.css": "body{margin:0}",
    "favicon.svg": "<svg xmlns='http://www.w3.org/2000/svg'/>",
}


class StackResources:
    """The two resources of the deployed stack that publishing looks up."""

    def __init__(self, bucket: str, distribution: str) -> None:
        self.listed = (
            StackResource("FrontendBucket", bucket, "AWS::S3::Bucket", "CREATE_COMPLETE"),
            StackResource("FrontendDistribution", distribution, "AWS::CloudFront::Distribution", "CREATE_COMPLETE"),
        )

    def resources(self, stack_id: str) -> tuple[StackResource, ...]:
        assert stack_id == "site-stack"
        return self.listed


def distribution(cloudfront: Any, bucket: str) -> str:
    origin = {
        "Id": "site",
        "DomainName": f"{bucket}.s3.us-east-1.amazonaws.com",
        "S3OriginConfig": {"OriginAccessIdentity": ""},
    }
    config = {
        "CallerReference": "site",
        "Comment": "",
        "Enabled": True,
        "Origins": {"Quantity": 1, "Items": [origin]},
        "DefaultCacheBehavior": {"TargetOriginId": "site", "ViewerProtocolPolicy": "redirect-to-https"},
    }
    return str(cloudfront.create_distribution(DistributionConfig=config)["Distribution"]["Id"])


@pytest.mark.slow
def test_front_end_synced_with_headers_and_invalidated(moto_url: str, tmp_path: Path) -> None:
    s3 = boto3.client("s3", endpoint_url=moto_url, region_name="us-east-1")
    cloudfront = boto3.client("cloudfront", endpoint_url=moto_url, region_name="us-east-1")
    s3.create_bucket(Bucket="site-bucket")
    s3.put_object(Bucket="site-bucket", Key="assets/old-Zz99Yy88.js", Body=b"old")
    dist_id = distribution(cloudfront, "site-bucket")
    built = tmp_path / "frontend" / "dist"
    for key, text in SITE.items():
        (built / key).parent.mkdir(parents=True, exist_ok=True)
        (built / key).write_text(text)
    (tmp_path / "frontend" / "index.html").write_text("the unbuilt source page: not uploaded")
    storage, stack, ui = Storage(s3, None, cloudfront), StackResources("site-bucket", dist_id), RecordingUI()

    first = publish_frontend(tmp_path, "site-stack", stack, storage, ACCOUNT, ui, "t1")  # type: ignore[arg-type]
    assert first is not None and sorted(first.uploaded) == sorted(SITE)
    expected = {
        "index.html": ("text/html; charset=utf-8", NO_CACHE),
        "assets/index-B3xk9QaZ.js": ("text/javascript; charset=utf-8", IMMUTABLE),
        "assets/index-Cc41aPq0.css": ("text/css; charset=utf-8", IMMUTABLE),
        "favicon.svg": ("image/svg+xml", SHORT),
    }
    for key, (ctype, cache) in expected.items():
        head = s3.head_object(Bucket="site-bucket", Key=key)
        assert (head["ContentType"], head["CacheControl"]) == (ctype, cache), key
        assert s3.get_object(Bucket="site-bucket", Key=key)["Body"].read() == SITE[key].encode()
    assert s3.get_object(Bucket="site-bucket", Key="assets/old-Zz99Yy88.js")["Body"].read() == b"old"  # kept
    invalidation = cloudfront.get_invalidation(DistributionId=dist_id, Id=first.invalidation_id)["Invalidation"]
    assert sorted(invalidation["InvalidationBatch"]["Paths"]["Items"]) == sorted(
        ["/", "/index.html", "/favicon.svg", "/assets/index-B3xk9QaZ.js", "/assets/index-Cc41aPq0.css"]
    )
    assert invalidation["InvalidationBatch"]["CallerReference"] == "archsel-t1"
    assert any(line.startswith(f"front end {built}: uploaded 4 file(s), 0 unchanged") for line in ui.notices)
    assert f"CloudFront invalidation {first.invalidation_id}: /, " in "\n".join(ui.notices)
    assert "1 older file(s) left in the bucket" in "\n".join(ui.notices)

    (built / "index.html").write_text(SITE["index.html"].replace("B3xk9QaZ", "D9ee2Lmn"))
    (built / "assets" / "index-D9ee2Lmn.js").write_text("console.log('v2')")
    second = publish_frontend(tmp_path, "site-stack", stack, storage, ACCOUNT, ui, "t2")  # type: ignore[arg-type]
    assert second is not None
    assert sorted(second.uploaded) == ["assets/index-D9ee2Lmn.js", "index.html"]  # only what changed
    assert second.unchanged == 4 - 1
    later = cloudfront.get_invalidation(DistributionId=dist_id, Id=second.invalidation_id)["Invalidation"]
    assert sorted(later["InvalidationBatch"]["Paths"]["Items"]) == ["/", "/assets/index-D9ee2Lmn.js", "/index.html"]

    third = publish_frontend(tmp_path, "site-stack", stack, storage, ACCOUNT, ui, "t3")  # type: ignore[arg-type]
    assert third is not None and third.uploaded == () and third.invalidation_id is None
    listed = cloudfront.list_invalidations(DistributionId=dist_id)["InvalidationList"]
    assert listed["Quantity"] == 2  # nothing changed: no third invalidation


PROFILE = """
version: 1
name: site-items
region: us-east-1
traffic: {requests_per_month: 1000000}
lambda: {memory_mb: 512, architecture: arm64, timeout_s: 10}
database: {kind: dynamodb}
frontend: {enabled: true, visits_per_month: 1000}
"""


@pytest.mark.slow
def test_deploy_publishes_the_scaffolded_front_end(moto_url: str, tmp_path: Path, run_cli: Any) -> None:
    """The whole deploy: the stack is made, then frontend/ goes to its bucket (moto makes no distribution)."""
    from archsel import api
    from archsel.profile.loader import parse_profile
    from archsel.scaffold.design import design_from_profile

    project = tmp_path / "site"
    api.scaffold(design_from_profile(parse_profile(PROFILE), "lambda"), iac="sam", out=project)
    assert (project / "frontend" / "index.html").is_file()
    created = run_cli("deploy", str(project), "--endpoint-url", moto_url, "--timeout", "2", "--yes")
    assert created.exit_code == 0, created.stderr
    notices = " ".join(created.stderr.split())  # Rich wraps long lines
    assert f"front end {project / 'frontend'}: uploaded 1 file(s), 0 unchanged, to s3://site-items-frontendbucket" in (
        notices
    )
    assert "no CloudFront distribution in the stack, so no invalidation" in notices
    s3 = boto3.client("s3", endpoint_url=moto_url, region_name="us-east-1")
    (bucket,) = [b["Name"] for b in s3.list_buckets()["Buckets"] if b["Name"].startswith("site-items-frontendbucket")]
    head = s3.head_object(Bucket=bucket, Key="index.html")
    assert (head["ContentType"], head["CacheControl"]) == ("text/html; charset=utf-8", NO_CACHE)

    again = run_cli("deploy", str(project), "--endpoint-url", moto_url, "--timeout", "2", "--yes")
    assert again.exit_code == 0, again.stderr
    notices = " ".join(again.stderr.split())
    assert "no changes: stack site-items already matches the project" in notices
    assert "uploaded 0 file(s), 1 unchanged" in notices
