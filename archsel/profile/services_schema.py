"""The profile's sections for the services around the API: database, file storage, front end, sign-in and logs."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, SerializerFunctionWrapHandler, model_serializer, model_validator

from archsel.profile.schema_base import Frozen


class Aurora(Frozen):
    """Aurora Serverless v2 settings. Defaults: the Aurora user guide and pricing page."""

    min_acu: float = Field(
        default=0.5, ge=0, le=256, description="Minimum ACUs (0 allows auto-pause, not with RDS Proxy)."
    )
    max_acu: float = Field(default=8, gt=0, le=256, description="Maximum ACUs (also fixes max_connections).")
    mean_acu: float | None = Field(
        default=None, ge=0, description="Average ACUs over the month; null = min_acu (idle floor, a simplification)."
    )
    rds_proxy: Literal["auto"] | bool = Field(default="auto", description="RDS Proxy: auto (with Lambda), true, false.")
    io_per_request: float = Field(default=2, ge=0, description="Aurora I/O operations per API request.")

    @model_validator(mode="after")
    def _check_range(self) -> Aurora:
        if self.min_acu > self.max_acu:
            raise ValueError(f"min_acu must be <= max_acu (got {self.min_acu} > {self.max_acu})")
        return self


class Database(Frozen):
    """The database behind the API."""

    kind: Literal["none", "dynamodb", "aurora-postgres", "aurora-mysql"] = Field(
        default="none", description="Database kind."
    )
    reads_per_request: float = Field(default=1, ge=0, description="Item reads per API request.")
    writes_per_request: float = Field(default=0.2, ge=0, description="Item writes per API request.")
    item_kb: float = Field(
        default=1, gt=0, description="Item size, KB (DynamoDB: 4 KB per read unit, 1 KB per write unit)."
    )
    storage_gb: float = Field(default=10, ge=0, description="Data stored, GB.")
    aurora: Aurora = Field(default=Aurora(), description="Aurora Serverless v2 settings (aurora-* kinds).")

    @property
    def relational(self) -> bool:
        """Whether the profile needs a relational database (Aurora)."""
        return self.kind.startswith("aurora")


class Storage(Frozen):
    """File storage: S3 uploads and downloads, and EFS when a shared file system is needed."""

    stored_gb: float = Field(default=0, ge=0, description="Objects stored in S3, GB.")
    uploads_per_month: float = Field(default=0, ge=0, description="Uploads per month.")
    upload_mb: float = Field(default=1, ge=0, description="Average upload size, MB.")
    downloads_per_month: float = Field(
        default=0, ge=0, description="Object downloads per month (GET + data transfer out)."
    )
    presigned_urls: bool = Field(
        default=True, description="Clients upload straight to S3 with presigned URLs (else through the API)."
    )
    efs_gb: float = Field(default=0, ge=0, description="Shared file system (EFS Standard), GB; 0 = none.")


class Frontend(Frozen):
    """The static front end (S3 + CloudFront + ACM)."""

    enabled: bool = Field(default=False, description="Serve a front end from S3 behind CloudFront.")
    visits_per_month: float = Field(default=0, ge=0, description="Page visits per month.")
    page_weight_mb: float = Field(default=2, ge=0, description="Data per visit, MB.")
    requests_per_visit: float = Field(default=20, ge=0, description="CloudFront requests per visit.")
    cache_hit_ratio: float = Field(default=0.9, ge=0, le=1, description="CloudFront cache hit ratio (misses go to S3).")
    domain: str | None = Field(
        default=None, description="Custom domain (ACM certificate, free); null = the CloudFront domain."
    )


class Auth(Frozen):
    """Sign-in: a Cognito user pool, an external OpenID Connect provider (Okta, Auth0, Entra ID, ...) or none."""

    provider: Literal["cognito", "oidc", "none"] = Field(
        default="cognito",
        description="cognito (a user pool in the stack), oidc (an external identity provider's JWTs) or none.",
    )
    monthly_active_users: float = Field(default=0, ge=0, description="Monthly active users.")
    tier: Literal["lite", "essentials", "plus"] = Field(
        default="essentials", description="Cognito feature tier (new pools: essentials)."
    )
    issuer: str | None = Field(
        default=None,
        pattern=r"^https://[^\s/$.?#][^\s]*$",
        max_length=400,
        description="oidc: the issuer URL (the tokens' iss claim), e.g. https://example.okta.com/oauth2/default.",
    )
    audience: tuple[str, ...] = Field(
        default=(),
        max_length=50,
        description="oidc: accepted audiences (aud or client_id claim), e.g. the API's client id.",
    )
    monthly_usd: float | None = Field(
        default=None,
        ge=0,
        description="oidc: what the provider bills a month, USD (your plan's figure); null = shown as not priced.",
    )

    @model_validator(mode="after")
    def _check_oidc(self) -> Auth:
        if self.provider == "oidc" and (self.issuer is None or not self.audience):
            raise ValueError("provider oidc needs issuer (an https URL) and audience (at least one)")
        if self.provider != "oidc" and (self.issuer is not None or self.audience or self.monthly_usd is not None):
            raise ValueError(
                f"issuer, audience and monthly_usd apply to provider oidc only (provider is {self.provider})"
            )
        return self

    @model_serializer(mode="wrap")
    def _leave_out_unused_oidc(self, handler: SerializerFunctionWrapHandler) -> dict[str, object]:
        # Without an external provider the section dumps as it did before these keys existed.
        dumped: dict[str, object] = handler(self)
        if self.provider != "oidc":
            for name in ("issuer", "audience", "monthly_usd"):
                dumped.pop(name, None)
        return dumped


class Logs(Frozen):
    """Application logs shipped to CloudWatch Logs."""

    kb_per_request: float = Field(default=0.5, ge=0, description="Log data per request, KB.")
    retention_days: int = Field(default=30, ge=1, description="Log retention, days.")
    compression_ratio: float = Field(
        default=0.2,
        gt=0,
        le=1,
        description="Stored (compressed) size over ingested size; billed storage. Default 0.2 from the CloudWatch pricing page example (30 GB ingested, 6 GB archived).",
    )
