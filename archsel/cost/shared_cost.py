"""What both architectures pay around the compute tier, from the profile: database, storage,
CDN, sign-in, logs, data transfer out and EFS. Each service appears only when the profile uses it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from archsel.billing.rules import KB_PER_GB_BINARY, MB_PER_GB
from archsel.cost.billing import Charge, decimal
from archsel.cost.components import EXTERNAL_PREFIX, CostComponent
from archsel.profile.schema import WorkloadProfile

RRU_KB = 4.0  # one read request unit: a strongly consistent read of up to 4 KB (DynamoDB docs)
WRU_KB = 1.0  # one write request unit: a write of up to 1 KB
RDS_PROXY_MIN_ACU = 8.0  # RDS Proxy for Aurora Serverless v2 bills at least 8 ACUs


@dataclass(frozen=True, slots=True)
class Demand:
    """The monthly figures shared services are priced from."""

    architecture: str
    requests: float
    response_gb: float
    """Data the compute tier sends to clients (API responses)."""


def shared_charges(profile: WorkloadProfile, demand: Demand) -> tuple[Charge, ...]:
    """Every charge around the compute tier, in bill order."""
    return (
        *database_charges(profile, demand),
        *s3_charges(profile),
        *cloudfront_charges(profile),
        *cognito_charges(profile),
        *log_charges(profile, demand.requests),
        data_transfer_charge(profile, demand.response_gb),
        *efs_charges(EfsUsage(standard_gb_months=profile.storage.efs_gb)),
    )


def database_charges(profile: WorkloadProfile, demand: Demand) -> tuple[Charge, ...]:
    """DynamoDB on-demand, or Aurora Serverless v2 (+ RDS Proxy), or nothing."""
    database = profile.database
    if database.kind == "dynamodb":
        reads = demand.requests * database.reads_per_request * math.ceil(database.item_kb / RRU_KB)
        writes = demand.requests * database.writes_per_request * math.ceil(database.item_kb / WRU_KB)
        return (
            Charge("dynamodb", "Write request units", "ddb.on_demand.write", decimal(writes), "WRU"),
            Charge("dynamodb", "Read request units", "ddb.on_demand.read", decimal(reads), "RRU"),
            Charge("dynamodb", "Storage", "ddb.storage", decimal(database.storage_gb), "GB-months", True),
        )
    if database.relational:
        return aurora_charges(profile, demand)
    return ()


def aurora_charges(profile: WorkloadProfile, demand: Demand) -> tuple[Charge, ...]:
    """Aurora Serverless v2 at its mean ACUs, storage and I/O; RDS Proxy with Lambda (or when asked)."""
    aurora = profile.database.aurora
    hours = profile.pricing.hours_per_month
    acu = aurora.mean_acu if aurora.mean_acu is not None else aurora.min_acu
    charges = [
        Charge("aurora", "Capacity", "aurora.serverless_v2.standard", decimal(acu * hours), "ACU-hours", True),
        Charge("aurora", "Storage", "aurora.storage.standard", decimal(profile.database.storage_gb), "GB-months", True),
        Charge(
            "aurora",
            "I/O requests",
            "aurora.io.standard",
            decimal(demand.requests * aurora.io_per_request),
            "I/O requests",
        ),
    ]
    if aurora.rds_proxy is True or (aurora.rds_proxy == "auto" and demand.architecture in ("lambda", "lambda-managed")):
        proxy_acu_hours = decimal(max(acu, RDS_PROXY_MIN_ACU) * hours)
        charges.append(
            Charge(
                "rds_proxy",
                "Proxy capacity, 8 ACU minimum",
                "rds_proxy.serverless_v2",
                proxy_acu_hours,
                "ACU-hours",
                True,
            )
        )
    return tuple(charges)


def s3_charges(profile: WorkloadProfile) -> tuple[Charge, ...]:
    """Stored objects, one PUT per (presigned) upload, one GET per download and per CDN cache miss."""
    storage, frontend = profile.storage, profile.frontend
    gets = storage.downloads_per_month
    if frontend.enabled:
        gets += frontend.visits_per_month * frontend.requests_per_visit * (1.0 - frontend.cache_hit_ratio)
    charges = []
    if storage.stored_gb > 0:
        charges.append(
            Charge("s3", "Standard storage", "s3.standard.storage", decimal(storage.stored_gb), "GB-months", True)
        )
    if storage.uploads_per_month > 0:
        charges.append(
            Charge("s3", "PUT requests", "s3.requests.tier1", decimal(storage.uploads_per_month), "requests")
        )
    if gets > 0:
        charges.append(Charge("s3", "GET requests", "s3.requests.tier2", decimal(gets), "requests"))
    return tuple(charges)


def cloudfront_charges(profile: WorkloadProfile) -> tuple[Charge, ...]:
    """The front end's CloudFront traffic to viewers (fetches from S3 origins are free)."""
    frontend = profile.frontend
    if not frontend.enabled:
        return ()
    out_gb = frontend.visits_per_month * frontend.page_weight_mb / MB_PER_GB
    requests = frontend.visits_per_month * frontend.requests_per_visit
    return (
        Charge("cloudfront", "Data transfer out, US", "cloudfront.dto.us_mexico_canada", decimal(out_gb), "GB"),
        Charge("cloudfront", "HTTPS requests", "cloudfront.requests.https.us", decimal(requests), "requests"),
    )


def cognito_charges(profile: WorkloadProfile) -> tuple[Charge, ...]:
    """Cognito user pool MAUs at the profile's feature tier."""
    auth = profile.auth
    if auth.provider != "cognito" or auth.monthly_active_users <= 0:
        return ()
    users = decimal(auth.monthly_active_users)
    return (Charge("cognito", f"Monthly active users, {auth.tier}", f"cognito.{auth.tier}.mau", users, "MAU"),)


def log_charges(profile: WorkloadProfile, requests: float) -> tuple[Charge, ...]:
    """CloudWatch Logs ingestion, and storage at steady state (a full retention period of data kept)."""
    logs = profile.logs
    if logs.kb_per_request <= 0:
        return ()
    ingested_gb = requests * logs.kb_per_request / KB_PER_GB_BINARY
    days_per_month = profile.pricing.hours_per_month / 24.0
    stored_gb = ingested_gb * logs.compression_ratio * logs.retention_days / days_per_month
    return (
        Charge("cloudwatch_logs", "Ingestion", "cwl.ingestion.standard", decimal(ingested_gb), "GB"),
        Charge("cloudwatch_logs", "Storage", "cwl.storage", decimal(stored_gb), "GB-months"),
    )


def data_transfer_charge(profile: WorkloadProfile, response_gb: float) -> Charge:
    """Data out to the internet: API responses plus direct S3 downloads (objects of the mean upload size)."""
    storage = profile.storage
    download_gb = storage.downloads_per_month * storage.upload_mb / MB_PER_GB
    return Charge(
        "data_transfer",
        "Data transfer out to internet",
        "dto.internet",
        decimal(response_gb + download_gb),
        "GB",
    )


@dataclass(frozen=True, slots=True)
class EfsUsage:
    """EFS usage in a month. The profile gives Standard storage only; the rest is for callers that model lifecycle."""

    standard_gb_months: float = 0.0
    ia_gb_months: float = 0.0
    archive_gb_months: float = 0.0
    ia_tiered_gb: float = 0.0
    ia_read_gb: float = 0.0
    archive_tiered_gb: float = 0.0
    archive_read_gb: float = 0.0


def efs_charges(usage: EfsUsage) -> tuple[Charge, ...]:
    """EFS storage classes and data movement; only non-zero lines appear."""
    lines = (
        ("Standard storage", "efs.standard.storage", usage.standard_gb_months, "GB-months", True),
        ("Infrequent Access storage", "efs.ia.storage", usage.ia_gb_months, "GB-months", True),
        ("Archive storage", "efs.archive.storage", usage.archive_gb_months, "GB-months", True),
        ("Tiering to Infrequent Access", "efs.ia.tiering_and_reads", usage.ia_tiered_gb, "GB", False),
        ("Infrequent Access reads", "efs.ia.tiering_and_reads", usage.ia_read_gb, "GB", False),
        ("Tiering to Archive", "efs.archive.tiering", usage.archive_tiered_gb, "GB", False),
        ("Archive reads", "efs.archive.reads", usage.archive_read_gb, "GB", False),
    )
    return tuple(
        Charge("efs", name, price_id, decimal(amount), unit, always_on)
        for name, price_id, amount, unit, always_on in lines
        if amount > 0
    )


def identity_provider_components(profile: WorkloadProfile) -> tuple[CostComponent, ...]:
    """An external OpenID Connect provider's bill: the profile's own figure, never an invented price.

    Without auth.monthly_usd the line is there but not priced (monthly_usd None), and the
    totals say they leave it out.
    """
    auth = profile.auth
    if auth.provider != "oidc":
        return ()
    users = decimal(auth.monthly_active_users)
    monthly = None if auth.monthly_usd is None else decimal(auth.monthly_usd)
    unit_price = monthly / users if monthly is not None and users > 0 else None
    name = "External identity provider" + ("" if monthly is not None else " (not priced: set auth.monthly_usd)")
    return (
        CostComponent(
            service="identity_provider",
            name=name,
            quantity=users,
            unit="MAU",
            unit_price_usd=unit_price,
            monthly_usd=monthly,
            always_on=True,
            price_id=EXTERNAL_PREFIX + "identity_provider",
        ),
    )
