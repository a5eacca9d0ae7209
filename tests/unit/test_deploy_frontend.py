"""Front-end sync planning: which files change, their content types and cache headers, what CloudFront drops."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from archsel.deploy.frontend import (
    IMMUTABLE,
    NO_CACHE,
    SHORT,
    SiteTarget,
    cache_control,
    content_type,
    frontend_folder,
    is_hashed,
    plan_sync,
    site_target,
)
from archsel.deploy.models import StackResource

TARGET = SiteTarget("site-bucket", "E123")


def site(root: Path, files: dict[str, str]) -> Path:
    for key, text in files.items():
        path = root / key
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


def md5(text: str) -> str:
    return f'"{hashlib.md5(text.encode()).hexdigest()}"'


@pytest.mark.parametrize(
    ("key", "hashed"),
    [
        ("assets/index-B3xk9QaZ.js", True),  # Vite
        ("static/js/main.8f3a2b1c.js", True),  # Create React App
        ("assets/logo.a1b2c3d4e5.svg", True),
        ("my-component.js", False),
        ("favicon.ico", False),
        ("robots.txt", False),
        ("assets/vendor-abcdefgh.js", False),  # all lower case, no digit: a word, not a hash
    ],
)
def test_content_hashed_names(key: str, hashed: bool) -> None:
    assert is_hashed(key) is hashed


def test_cache_headers_and_content_types() -> None:
    assert cache_control("index.html") == NO_CACHE and cache_control("about/index.html") == NO_CACHE
    assert cache_control("assets/index-B3xk9QaZ.js") == IMMUTABLE
    assert cache_control("favicon.ico") == SHORT
    assert content_type("index.html") == "text/html; charset=utf-8"
    assert content_type("assets/index-B3xk9QaZ.js") == "text/javascript; charset=utf-8"
    assert content_type("app.css") == "text/css; charset=utf-8"
    assert content_type("logo.svg") == "image/svg+xml"
    assert content_type("photo.png") == "image/png"
    assert content_type("data.bin.unknownext") == "application/octet-stream"


def test_only_changed_files_are_uploaded(tmp_path: Path) -> None:
    folder = site(tmp_path, {"index.html": "<p>v2</p>", "assets/app-Ab12Cd34.js": "x()", "favicon.ico": "i"})
    remote = {"index.html": md5("<p>v1</p>"), "assets/app-Ab12Cd34.js": md5("x()"), "old-Zz99Yy88.js": md5("o")}
    plan = plan_sync(folder, TARGET, remote)
    assert [f.key for f in plan.uploads] == ["favicon.ico", "index.html"]
    assert plan.unchanged == ("assets/app-Ab12Cd34.js",)
    assert plan.left_in_bucket == ("old-Zz99Yy88.js",)  # kept: cached pages may still load it
    assert plan.invalidation_paths() == ("/", "/favicon.ico", "/index.html")


def test_many_changes_are_one_wildcard(tmp_path: Path) -> None:
    folder = site(tmp_path, {f"page{i}.html": str(i) for i in range(20)})
    assert plan_sync(folder, TARGET, {}).invalidation_paths() == ("/*",)


def test_nothing_changed_nothing_to_invalidate(tmp_path: Path) -> None:
    folder = site(tmp_path, {"index.html": "same"})
    plan = plan_sync(folder, TARGET, {"index.html": md5("same")})
    assert plan.uploads == () and plan.invalidation_paths() == ()


def test_built_folder_is_preferred_over_sources(tmp_path: Path) -> None:
    assert frontend_folder(tmp_path) is None
    site(tmp_path, {"frontend/index.html": "src", "frontend/dist/index.html": "built"})
    assert frontend_folder(tmp_path) == tmp_path / "frontend" / "dist"


def test_site_target_from_stack_resources() -> None:
    resources = (
        StackResource("UploadsBucket", "uploads-1", "AWS::S3::Bucket", "CREATE_COMPLETE"),
        StackResource("FrontendBucket", "site-1", "AWS::S3::Bucket", "CREATE_COMPLETE"),
        StackResource("FrontendDistribution", "E9", "AWS::CloudFront::Distribution", "CREATE_COMPLETE"),
    )
    assert site_target(resources) == SiteTarget("site-1", "E9")
    assert site_target(resources[2:]) is None
    assert site_target(resources[:2]) == SiteTarget("site-1", None)
