"""Publish the built front end: sync the folder to the stack's bucket (changed files only), then invalidate CloudFront.

Planning compares local MD5s with the bucket's ETags and picks content types and cache headers
(a year and immutable for content-hashed assets, no-cache for HTML, five minutes for the rest);
applying uploads what changed and asks CloudFront to drop the changed paths. Files no longer
in the folder stay in the bucket: pages still cached by browsers may refer to old assets.
"""

from __future__ import annotations

import hashlib
import mimetypes
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from archsel.deploy.models import DeployUI, FrontendReport, StackResource
from archsel.deploy.package import SKIPPED_NAMES

if TYPE_CHECKING:
    from archsel.deploy.cfn import CloudFormation
    from archsel.deploy.storage import Storage

FRONTEND_FOLDERS = ("frontend/dist", "frontend/build", "frontend/out", "frontend")
"""Where a project's built front end is looked for, first match wins (Vite, CRA, Next export, plain files)."""
IMMUTABLE = "public, max-age=31536000, immutable"
NO_CACHE = "no-cache"
SHORT = "public, max-age=300"
INVALIDATION_PATHS_MAX = 15
"""More changed paths than this are invalidated as one wildcard (CloudFront bills per path)."""
HASHED_NAME = re.compile(r"[.-](?P<hash>[A-Za-z0-9_]{8,32})\.[A-Za-z0-9]+$")
EXTRA_TYPES = {
    ".js": "text/javascript",
    ".mjs": "text/javascript",
    ".css": "text/css",
    ".json": "application/json",
    ".map": "application/json",
    ".svg": "image/svg+xml",
    ".wasm": "application/wasm",
    ".webmanifest": "application/manifest+json",
    ".woff2": "font/woff2",
    ".woff": "font/woff",
    ".ico": "image/x-icon",
    ".txt": "text/plain",
}


@dataclass(frozen=True, slots=True)
class SiteFile:
    """One file of the built front end, as it will be stored."""

    key: str
    path: Path
    md5: str
    content_type: str
    cache_control: str


@dataclass(frozen=True, slots=True)
class SiteTarget:
    """The stack's front-end bucket and its CloudFront distribution (None when the stack has none)."""

    bucket: str
    distribution_id: str | None


@dataclass(frozen=True, slots=True)
class SyncPlan:
    """What publishing the front end does."""

    folder: Path
    target: SiteTarget
    uploads: tuple[SiteFile, ...]
    unchanged: tuple[str, ...]
    left_in_bucket: tuple[str, ...]
    """Keys in the bucket that the folder no longer has (kept)."""

    def invalidation_paths(self) -> tuple[str, ...]:
        """The paths CloudFront must drop: the changed files (and / for index.html), or /* when many."""
        paths = {f"/{f.key}" for f in self.uploads}
        if "/index.html" in paths:
            paths.add("/")
        return ("/*",) if len(paths) > INVALIDATION_PATHS_MAX else tuple(sorted(paths))


def frontend_folder(root: Path) -> Path | None:
    """The built front end of a project: the first of frontend/dist, build, out, or frontend/ with index.html."""
    for candidate in FRONTEND_FOLDERS:
        folder = root / candidate
        if (folder / "index.html").is_file():
            return folder
    return None


def site_target(resources: tuple[StackResource, ...]) -> SiteTarget | None:
    """The stack's front-end bucket and distribution, by logical id (SAM FrontendBucket, CDK FrontendBucketXXXX)."""
    by_id = sorted(resources, key=lambda r: r.logical_id)
    buckets = [r for r in by_id if r.resource_type == "AWS::S3::Bucket" and _is_frontend(r)]
    distributions = [r for r in by_id if r.resource_type == "AWS::CloudFront::Distribution" and _is_frontend(r)]
    if not buckets or not buckets[0].physical_id:
        return None
    distribution = distributions[0].physical_id if distributions and distributions[0].physical_id else None
    return SiteTarget(buckets[0].physical_id, distribution)


def _is_frontend(resource: StackResource) -> bool:
    return resource.logical_id.lower().startswith(("frontend", "site", "website"))


def site_files(folder: Path) -> tuple[SiteFile, ...]:
    """Every file under ``folder`` with its MD5, content type and cache header."""
    files = []
    for path in sorted(folder.rglob("*")):
        relative = path.relative_to(folder)
        if not path.is_file() or any(part in SKIPPED_NAMES for part in relative.parts):
            continue
        key = relative.as_posix()
        md5 = hashlib.md5(path.read_bytes(), usedforsecurity=False).hexdigest()
        files.append(SiteFile(key, path, md5, content_type(key), cache_control(key)))
    return tuple(files)


def content_type(key: str) -> str:
    """The Content-Type a browser needs for ``key`` (text types in UTF-8)."""
    suffix = Path(key).suffix.lower()
    guessed = EXTRA_TYPES.get(suffix) or mimetypes.guess_type(key)[0] or "application/octet-stream"
    textual = guessed.startswith("text/") or guessed in ("application/json", "application/manifest+json")
    return f"{guessed}; charset=utf-8" if textual else guessed


def cache_control(key: str) -> str:
    """no-cache for HTML (it names the current assets), a year for content-hashed names, five minutes otherwise."""
    if key.lower().endswith((".html", ".htm")):
        return NO_CACHE
    return IMMUTABLE if is_hashed(key) else SHORT


def is_hashed(key: str) -> bool:
    """Whether the file name carries a content hash (index-B3xk9QaZ.js, main.8f3a2b1c.css)."""
    match = HASHED_NAME.search(key.rsplit("/", 1)[-1])
    if match is None:
        return False
    digest = match.group("hash")
    mixed_case = digest != digest.lower() and digest != digest.upper()
    return any(ch.isdigit() for ch in digest) or mixed_case


def plan_sync(folder: Path, target: SiteTarget, remote_etags: Mapping[str, str]) -> SyncPlan:
    """Upload a file when the bucket lacks it or holds other bytes (its ETag is the MD5 of a single-part upload)."""
    files = site_files(folder)
    uploads = tuple(f for f in files if remote_etags.get(f.key, "").strip('"') != f.md5)
    unchanged = tuple(f.key for f in files if f not in uploads)
    local = {f.key for f in files}
    left = tuple(sorted(key for key in remote_etags if key not in local))
    return SyncPlan(folder, target, uploads, unchanged, left)


def publish(plan: SyncPlan, storage: Storage, account: str, reference: str) -> FrontendReport:
    """Upload the changed files, then invalidate their paths in CloudFront (when anything changed)."""
    bucket = plan.target.bucket
    for site_file in plan.uploads:
        storage.put_site_file(
            bucket, site_file.key, site_file.path.read_bytes(), site_file.content_type, site_file.cache_control, account
        )
    paths = plan.invalidation_paths() if plan.uploads and plan.target.distribution_id else ()
    invalidation = None
    if plan.target.distribution_id and paths:
        invalidation = storage.invalidate(plan.target.distribution_id, paths, f"archsel-{reference}")
    uploaded = tuple(f.key for f in plan.uploads)
    return FrontendReport(bucket, uploaded, len(plan.unchanged), len(plan.left_in_bucket), invalidation, paths)


def publish_frontend(
    root: Path, stack_id: str, cfn: CloudFormation, storage: Storage, account: str, ui: DeployUI, reference: str
) -> FrontendReport | None:
    """Sync the project's built front end to its stack's bucket; None when there is nothing to publish."""
    folder = frontend_folder(root)
    if folder is None:
        return None
    target = site_target(cfn.resources(stack_id))
    if target is None:
        ui.notice(f"front end {folder}: the stack has no front-end bucket, so nothing was uploaded")
        return None
    plan = plan_sync(folder, target, storage.object_etags(target.bucket, account))
    report = publish(plan, storage, account, reference)
    for line in report_lines(report, folder):
        ui.notice(line)
    return report


def report_lines(report: FrontendReport, folder: Path) -> tuple[str, ...]:
    """The deploy output's lines about the front end."""
    lines = [
        f"front end {folder}: uploaded {len(report.uploaded)} file(s), {report.unchanged} unchanged, "
        f"to s3://{report.bucket}"
    ]
    if report.left_in_bucket:
        lines.append(
            f"front end: {report.left_in_bucket} older file(s) left in the bucket (earlier pages may use them)"
        )
    if report.invalidation_id:
        lines.append(f"CloudFront invalidation {report.invalidation_id}: {', '.join(report.invalidated)}")
    elif report.uploaded:
        lines.append("front end: no CloudFront distribution in the stack, so no invalidation")
    return tuple(lines)
