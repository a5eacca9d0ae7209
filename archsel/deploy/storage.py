"""The typed wrapper over S3, DynamoDB and CloudFront calls: staging, uploads, the front end, emptying buckets, sizes.

Errors are wrapped by cfn.aws_call, like every other AWS call archsel makes.
"""

from __future__ import annotations

from typing import Any

from archsel.deploy.aws_errors import aws_call, error_code
from archsel.errors import DeployError

LIST_PAGES_MAX = 1000
"""Bound on pages listed when emptying a bucket (1,000 x 1,000 objects); the rest is reported."""


class Storage:
    """S3, DynamoDB and CloudFront calls used by deploy and destroy."""

    def __init__(self, s3: Any, dynamodb: Any, cloudfront: Any = None) -> None:
        self._s3 = s3
        self._dynamodb = dynamodb
        self._cloudfront = cloudfront

    def bucket_state(self, bucket: str, account: str) -> str:
        """'ours' when the bucket exists in ``account``, 'missing' when no one has it; DeployError otherwise."""
        try:
            with aws_call(f"S3 HeadBucket ({bucket})"):
                self._s3.head_bucket(Bucket=bucket, ExpectedBucketOwner=account)
        except DeployError as error:
            code = error_code(error.__cause__)
            if code in ("404", "NoSuchBucket", "NotFound"):
                return "missing"
            if code in ("403", "AccessDenied"):
                raise DeployError(
                    f"staging bucket {bucket} exists but belongs to another account (or is not readable)",
                    hint="archsel will not write to a bucket it does not own; ask an admin to delete or grant it",
                ) from error
            raise
        return "ours"

    def create_staging_bucket(self, bucket: str, region: str) -> None:
        """Create the staging bucket: private, versioned, encrypted, public access blocked."""
        where = f"S3 staging bucket {bucket}"
        with aws_call(f"{where}: CreateBucket"):
            kwargs: dict[str, Any] = {"Bucket": bucket}
            if region != "us-east-1":  # us-east-1 rejects an explicit LocationConstraint
                kwargs["CreateBucketConfiguration"] = {"LocationConstraint": region}
            self._s3.create_bucket(**kwargs)
        with aws_call(f"{where}: PutPublicAccessBlock"):
            flags = ("BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets")
            self._s3.put_public_access_block(Bucket=bucket, PublicAccessBlockConfiguration=dict.fromkeys(flags, True))
        with aws_call(f"{where}: PutBucketEncryption"):
            rule = {"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}
            self._s3.put_bucket_encryption(Bucket=bucket, ServerSideEncryptionConfiguration={"Rules": [rule]})
        with aws_call(f"{where}: PutBucketVersioning"):
            self._s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})

    def has_object(self, bucket: str, key: str, account: str) -> bool:
        """Whether ``key`` is already in ``bucket``."""
        try:
            with aws_call(f"S3 HeadObject (s3://{bucket}/{key})"):
                self._s3.head_object(Bucket=bucket, Key=key, ExpectedBucketOwner=account)
        except DeployError as error:
            if error_code(error.__cause__) in ("404", "NoSuchKey", "NotFound"):
                return False
            raise
        return True

    def put_object(self, bucket: str, key: str, data: bytes, account: str) -> None:
        """Upload ``data`` (server-side encrypted, owner checked)."""
        with aws_call(f"S3 PutObject (s3://{bucket}/{key})"):
            self._s3.put_object(
                Bucket=bucket, Key=key, Body=data, ServerSideEncryption="AES256", ExpectedBucketOwner=account
            )

    def object_etags(self, bucket: str, account: str, max_pages: int = 100) -> dict[str, str]:
        """Key -> ETag of every current object in ``bucket`` (up to ``max_pages`` pages of 1,000)."""
        etags: dict[str, str] = {}
        kwargs: dict[str, str] = {"Bucket": bucket, "ExpectedBucketOwner": account}
        for _ in range(max_pages):
            with aws_call(f"S3 ListObjectsV2 ({bucket})"):
                page = self._s3.list_objects_v2(**kwargs)
            etags.update((item["Key"], str(item.get("ETag", ""))) for item in page.get("Contents") or ())
            if not page.get("IsTruncated"):
                return etags
            kwargs["ContinuationToken"] = page["NextContinuationToken"]
        raise DeployError(f"S3 bucket {bucket}: more than {max_pages * 1000:,} objects; not syncing the front end")

    def put_site_file(
        self, bucket: str, key: str, data: bytes, content_type: str, cache_control: str, account: str
    ) -> None:
        """Upload one front-end file with the headers CloudFront passes to browsers."""
        with aws_call(f"S3 PutObject (s3://{bucket}/{key})"):
            self._s3.put_object(
                Bucket=bucket,
                Key=key,
                Body=data,
                ContentType=content_type,
                CacheControl=cache_control,
                ExpectedBucketOwner=account,
            )

    def invalidate(self, distribution_id: str, paths: tuple[str, ...], reference: str) -> str:
        """Ask CloudFront to drop ``paths`` from its caches; returns the invalidation id."""
        batch = {"Paths": {"Quantity": len(paths), "Items": list(paths)}, "CallerReference": reference}
        with aws_call(f"CloudFront CreateInvalidation ({distribution_id})"):
            answer = self._cloudfront.create_invalidation(DistributionId=distribution_id, InvalidationBatch=batch)
        return str(answer["Invalidation"]["Id"])

    def delete_versions(self, bucket: str, prefix: str = "") -> int:
        """Delete every object version and delete marker under ``prefix``; returns how many were deleted."""
        deleted = 0
        kwargs: dict[str, str] = {"Bucket": bucket, "Prefix": prefix}
        for _ in range(LIST_PAGES_MAX):
            with aws_call(f"S3 ListObjectVersions ({bucket})"):
                page = self._s3.list_object_versions(**kwargs)
            items = [
                {"Key": v["Key"], "VersionId": v["VersionId"]}
                for v in [*(page.get("Versions") or ()), *(page.get("DeleteMarkers") or ())]
            ]
            deleted += self._delete_batch(bucket, items)
            if not page.get("IsTruncated"):
                return deleted
            kwargs = {"Bucket": bucket, "Prefix": prefix, "KeyMarker": page.get("NextKeyMarker", "")}
            if page.get("NextVersionIdMarker"):
                kwargs["VersionIdMarker"] = page["NextVersionIdMarker"]
        raise DeployError(f"S3 bucket {bucket}: more than {LIST_PAGES_MAX * 1000:,} objects; stopped emptying it")

    def _delete_batch(self, bucket: str, items: list[dict[str, str]]) -> int:
        for start in range(0, len(items), 1000):
            chunk = items[start : start + 1000]
            with aws_call(f"S3 DeleteObjects ({bucket})"):
                answer = self._s3.delete_objects(Bucket=bucket, Delete={"Objects": chunk, "Quiet": True})
            errors = answer.get("Errors") or ()
            if errors:
                first = errors[0]
                raise DeployError(f"S3 bucket {bucket}: cannot delete {first.get('Key')}: {first.get('Message')}")
        return len(items)

    def bucket_bytes(self, bucket: str, max_pages: int = 10) -> int | None:
        """Total size of current objects in ``bucket``; None when it has more than ``max_pages`` pages."""
        total = 0
        kwargs: dict[str, str] = {"Bucket": bucket}
        for _ in range(max_pages):
            with aws_call(f"S3 ListObjectsV2 ({bucket})"):
                page = self._s3.list_objects_v2(**kwargs)
            total += sum(int(item.get("Size", 0)) for item in page.get("Contents") or ())
            if not page.get("IsTruncated"):
                return total
            kwargs["ContinuationToken"] = page["NextContinuationToken"]
        return None

    def table_bytes(self, table: str) -> int | None:
        """A DynamoDB table's size as DynamoDB reports it (refreshed about every six hours)."""
        with aws_call(f"DynamoDB DescribeTable ({table})"):
            size = self._dynamodb.describe_table(TableName=table)["Table"].get("TableSizeBytes")
        return None if size is None else int(size)
