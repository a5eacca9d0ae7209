"""Which AWS Price List product each archsel price comes from: selectors and the usagetype region prefixes.

Pure data and small pure functions; `archsel.pricing.update` sends the queries. Every selector
matches the usagetype *exactly* (after the region prefix), never as a substring: substring
matching would take `SpotUsage-Fargate-vCPU-Hours:perCPU` for `Fargate-vCPU-Hours:perCPU`,
`Fargate-ARM-GB-Hours` for `Fargate-GB-Hours`, `TS-LoadBalancerUsage` for `LoadBalancerUsage` or
Aurora Serverless v1's `Aurora:ServerlessUsage` for v2.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

REGION_PREFIXES: dict[str, str] = {
    "us-east-1": "USE1",
    "us-east-2": "USE2",
    "us-west-1": "USW1",
    "us-west-2": "USW2",
    "ca-central-1": "CAN1",
    "sa-east-1": "SAE1",
    "eu-west-1": "EU",  # Ireland kept its original prefix: EU-Lambda-GB-Second, not EUW1-
    "eu-west-2": "EUW2",
    "eu-west-3": "EUW3",
    "eu-central-1": "EUC1",
    "eu-central-2": "EUC2",
    "eu-north-1": "EUN1",
    "eu-south-1": "EUS1",
    "eu-south-2": "EUS2",
    "ap-northeast-1": "APN1",
    "ap-northeast-2": "APN2",
    "ap-northeast-3": "APN3",
    "ap-southeast-1": "APS1",
    "ap-southeast-2": "APS2",
    "ap-south-1": "APS3",
    "ap-southeast-3": "APS4",
    "ap-south-2": "APS5",
    "ap-east-1": "APE1",
    "af-south-1": "AFS1",
    "me-south-1": "MES1",
    "me-central-1": "MEC1",
    "il-central-1": "ILC1",
}
"""Usagetype prefix of each region, as AWS spells it in the Price List and on bills."""

PRICE_LIST_ENDPOINT_REGIONS = ("us-east-1", "eu-central-1", "ap-south-1")
"""Regions that serve the Price List Query API (each answers for every region)."""


@dataclass(frozen=True, slots=True)
class Selector:
    """How to find one archsel price in the Price List.

    The query filters (TERM_MATCH) are the region field, the exact usagetype and ``attributes``;
    the answer is checked again on this side with the same exact rules.
    """

    price_id: str
    service_code: str
    usagetype: str
    """The usagetype without its region prefix, matched exactly."""
    attributes: tuple[tuple[str, str], ...] = ()
    """Further exact attribute matches (productFamily, group, transferType ...)."""
    per: Decimal = Decimal(1)
    """The table quotes the value per this many units (the Price List quotes per one)."""
    bare_first: bool = True
    """us-east-1 only: try the bare usagetype before USE1-<usagetype> (both are us-east-1 names)."""
    region_field: str | None = "regionCode"
    """Attribute holding the region (AWSDataTransfer uses fromRegionCode); None for a global price."""
    free_first_tier: bool = False
    """The Price List gives the free tier as a $0 first tier; archsel models it in `free_tier:`."""
    usagetype_marker: str | None = None
    """When set, the query does not filter on the usagetype (``usagetype`` is empty): the product's
    usagetype must contain this marker instead (case-insensitive), for products whose exact usagetype
    spelling is not documented but whose other attributes pin them down."""


def _lambda(price_id: str, usagetype: str, group: str) -> Selector:
    return Selector(price_id, "AWSLambda", usagetype, (("group", group),))


def _ecs(price_id: str, usagetype: str) -> Selector:
    return Selector(price_id, "AmazonECS", usagetype, bare_first=False)


MILLION, THOUSAND = Decimal(1_000_000), Decimal(1_000)

LMI_INSTANCE_TYPES: tuple[str, ...] = tuple(
    f"{family}.{size}"
    for family in ("c7g", "m7g", "r7g", "c7i", "m7i", "r7i")
    for size in ("large", "xlarge", "2xlarge", "4xlarge")
)
"""Instance types the price tables carry for Lambda Managed Instances (arm64 and x86 families)."""

EC2_ON_DEMAND_LINUX: tuple[tuple[str, str], ...] = (
    ("productFamily", "Compute Instance"),
    ("operatingSystem", "Linux"),
    ("tenancy", "Shared"),
    ("preInstalledSw", "NA"),
    ("licenseModel", "No License required"),
    ("capacitystatus", "Used"),
    ("operation", "RunInstances"),
)
"""What makes one AmazonEC2 product the plain on-demand Linux instance-hour
(https://docs.aws.amazon.com/awsaccountbilling/latest/aboutv2/using-the-aws-price-list-query-api.html):
the BoxUsage usagetype is shared with Windows, RHEL, SUSE and Linux-with-SQL rows (told apart by
operatingSystem, preInstalledSw, licenseModel and the RunInstances:00xx operation) and with capacity
reservation rows (capacitystatus AllocatedCapacityReservation / UnusedCapacityReservation); dedicated
instances have their own DedicatedUsage usagetype and tenancy Dedicated. Reserved Instance prices are
terms of the same SKU, never its OnDemand term."""

LMI_FEE_MARKER = "Management-Hours"
"""The AWSLambda offer lists the Managed Instances management fee per instance type as products with a
``lambdaManagedInstanceType`` attribute and a usagetype containing "Management-Hours" (as read by AWS's
own sample calculator, https://github.com/aws-samples/sample-aws-lambda-managed-instances,
tools/pricing-calculator/scripts/extract-pricing.js). The full usagetype spelling is not documented,
so the fee is selected by region and instance type, and the usagetype only has to carry this marker."""


def price_key(instance_type: str) -> str:
    """'m7g.large' -> 'm7g_large' (price ids use dots as separators)."""
    return instance_type.replace(".", "_")


def _ec2_instance(instance_type: str) -> Selector:
    attributes = (("instanceType", instance_type), *EC2_ON_DEMAND_LINUX)
    return Selector(f"ec2.ondemand.{price_key(instance_type)}", "AmazonEC2", f"BoxUsage:{instance_type}", attributes)


def _lmi_fee(instance_type: str) -> Selector:
    return Selector(
        f"lambda.managed_instances.fee.{price_key(instance_type)}",
        "AWSLambda",
        "",
        (("lambdaManagedInstanceType", instance_type),),
        usagetype_marker=LMI_FEE_MARKER,
    )


LMI_SELECTORS: tuple[Selector, ...] = (
    *(_ec2_instance(t) for t in LMI_INSTANCE_TYPES),
    *(_lmi_fee(t) for t in LMI_INSTANCE_TYPES),
)
"""Lambda Managed Instances: each instance type's EC2 on-demand hour and its management fee."""

SELECTORS: tuple[Selector, ...] = (
    Selector("lambda.requests", "AWSLambda", "Request", (("group", "AWS-Lambda-Requests"),), per=MILLION),
    _lambda("lambda.duration.x86", "Lambda-GB-Second", "AWS-Lambda-Duration"),
    _lambda("lambda.duration.arm64", "Lambda-GB-Second-ARM", "AWS-Lambda-Duration-ARM"),
    _lambda("lambda.ephemeral_storage", "Lambda-Storage-GB-Second", "AWS-Lambda-Storage-Duration"),
    _lambda(
        "lambda.provisioned_concurrency.x86", "Lambda-Provisioned-Concurrency", "AWS-Lambda-Provisioned-Concurrency"
    ),
    _lambda(
        "lambda.provisioned_concurrency.arm64",
        "Lambda-Provisioned-Concurrency-ARM",
        "AWS-Lambda-Provisioned-Concurrency-ARM",
    ),
    _lambda("lambda.provisioned_duration.x86", "Lambda-Provisioned-GB-Second", "AWS-Lambda-Duration-Provisioned"),
    _lambda(
        "lambda.provisioned_duration.arm64", "Lambda-Provisioned-GB-Second-ARM", "AWS-Lambda-Duration-Provisioned-ARM"
    ),
    Selector(
        "apigw.http.requests",
        "AmazonApiGateway",
        "ApiGatewayHttpRequest",
        (("productFamily", "API Calls"),),
        per=MILLION,
        bare_first=False,
    ),
    Selector(
        "apigw.rest.requests",
        "AmazonApiGateway",
        "ApiGatewayRequest",
        (("productFamily", "API Calls"),),
        per=MILLION,
        bare_first=False,
    ),
    _ecs("fargate.linux_x86.vcpu", "Fargate-vCPU-Hours:perCPU"),
    _ecs("fargate.linux_x86.memory", "Fargate-GB-Hours"),
    _ecs("fargate.linux_arm.vcpu", "Fargate-ARM-vCPU-Hours:perCPU"),
    _ecs("fargate.linux_arm.memory", "Fargate-ARM-GB-Hours"),
    _ecs("fargate.ephemeral_storage", "Fargate-EphemeralStorage-GB-Hours"),
    _ecs("fargate.spot.linux_x86.vcpu", "SpotUsage-Fargate-vCPU-Hours:perCPU"),
    _ecs("fargate.spot.linux_x86.memory", "SpotUsage-Fargate-GB-Hours"),
    _ecs("fargate.spot.linux_arm.vcpu", "SpotUsage-Fargate-ARM-vCPU-Hours:perCPU"),
    _ecs("fargate.spot.linux_arm.memory", "SpotUsage-Fargate-ARM-GB-Hours"),
    Selector("alb.hour", "AWSELB", "LoadBalancerUsage", (("productFamily", "Load Balancer-Application"),)),
    Selector("alb.lcu_hour", "AWSELB", "LCUUsage", (("productFamily", "Load Balancer-Application"),)),
    Selector("vpc.public_ipv4", "AmazonVPC", "PublicIPv4:InUseAddress", bare_first=False),
    Selector("nat.hour", "AmazonEC2", "NatGateway-Hours", (("productFamily", "NAT Gateway"),), bare_first=False),
    Selector(
        "nat.data_processed", "AmazonEC2", "NatGateway-Bytes", (("productFamily", "NAT Gateway"),), bare_first=False
    ),
    Selector(
        "ddb.on_demand.write",
        "AmazonDynamoDB",
        "WriteRequestUnits",
        (("productFamily", "Amazon DynamoDB PayPerRequest Throughput"),),
        per=MILLION,
    ),
    Selector(
        "ddb.on_demand.read",
        "AmazonDynamoDB",
        "ReadRequestUnits",
        (("productFamily", "Amazon DynamoDB PayPerRequest Throughput"),),
        per=MILLION,
    ),
    Selector(
        "ddb.storage",
        "AmazonDynamoDB",
        "TimedStorage-ByteHrs",
        (("productFamily", "Database Storage"),),
        free_first_tier=True,
    ),
    Selector(
        "aurora.serverless_v2.standard", "AmazonRDS", "Aurora:ServerlessV2Usage", (("productFamily", "ServerlessV2"),)
    ),
    Selector("aurora.storage.standard", "AmazonRDS", "Aurora:StorageUsage"),
    Selector("aurora.io.standard", "AmazonRDS", "Aurora:StorageIOUsage", per=MILLION),
    Selector("s3.standard.storage", "AmazonS3", "TimedStorage-ByteHrs", (("productFamily", "Storage"),)),
    Selector("s3.requests.tier1", "AmazonS3", "Requests-Tier1", (("productFamily", "API Request"),), per=THOUSAND),
    Selector("s3.requests.tier2", "AmazonS3", "Requests-Tier2", (("productFamily", "API Request"),), per=THOUSAND),
    # CloudFront bills by where viewers are, not by the origin's region: one global product,
    # whose "US-" prefix names the edge location group (United States, Mexico, Canada).
    Selector(
        "cloudfront.dto.us_mexico_canada",
        "AmazonCloudFront",
        "US-DataTransfer-Out-Bytes",
        region_field=None,
        free_first_tier=True,
    ),
    Selector(
        "cloudfront.requests.https.us",
        "AmazonCloudFront",
        "US-Requests-Tier2-HTTPS",
        per=Decimal(10_000),
        region_field=None,
    ),
    Selector(
        "cwl.ingestion.standard", "AmazonCloudWatch", "DataProcessing-Bytes", bare_first=False, free_first_tier=True
    ),
    Selector("cwl.storage", "AmazonCloudWatch", "TimedStorage-ByteHrs", bare_first=False, free_first_tier=True),
    Selector(
        "dto.internet",
        "AWSDataTransfer",
        "DataTransfer-Out-Bytes",
        (("transferType", "AWS Outbound"),),
        region_field="fromRegionCode",
        free_first_tier=True,
    ),
    Selector("efs.standard.storage", "AmazonEFS", "TimedStorage-ByteHrs", bare_first=False),
    Selector("efs.ia.storage", "AmazonEFS", "IATimedStorage-ByteHrs", bare_first=False),
    Selector("efs.archive.storage", "AmazonEFS", "ArchiveTimedStorage-ByteHrs", bare_first=False),
    *LMI_SELECTORS,
)
"""One selector per price the Query API can refresh, in table order."""


NOT_IN_QUERY_API: dict[str, str] = {
    "cognito.lite.mau": "the Query API has no Lite/Essentials/Plus MAU tier dimension for Cognito user pools",
    "cognito.essentials.mau": "the Query API has no Lite/Essentials/Plus MAU tier dimension for Cognito user pools",
    "cognito.plus.mau": "the Query API has no Lite/Essentials/Plus MAU tier dimension for Cognito user pools",
    "rds_proxy.serverless_v2": "no verified Price List usagetype for RDS Proxy on Aurora Serverless v2 (per ACU)",
    "efs.ia.tiering_and_reads": "no verified Price List usagetype for EFS IA tiering and reads",
    "efs.archive.tiering": "no verified Price List usagetype for EFS Archive tiering",
    "efs.archive.reads": "no verified Price List usagetype for EFS Archive reads",
}
"""Prices `pricing update` keeps as they are, and why."""


_BY_ID: dict[str, Selector] = {s.price_id: s for s in SELECTORS}


def selector_for(price_id: str) -> Selector | None:
    """The selector of ``price_id``, or None when the Query API cannot refresh it."""
    return _BY_ID.get(price_id)


def usagetype_names(selector: Selector, region: str) -> tuple[str, ...]:
    """The full usagetypes that name ``selector`` in ``region``, in the order to try them.

    us-east-1 uses the bare name for older services (Lambda, S3, ELB, DynamoDB, data transfer)
    and USE1- for others; both are us-east-1 names, so both are accepted there. Other regions
    have exactly one name. A global price (CloudFront) has no region prefix at all.

    >>> from archsel.pricing.selectors import selector_for
    >>> lam, ecs = selector_for("lambda.duration.x86"), selector_for("fargate.linux_x86.vcpu")
    >>> usagetype_names(lam, "us-east-1"), usagetype_names(lam, "eu-west-1")
    (('Lambda-GB-Second', 'USE1-Lambda-GB-Second'), ('EU-Lambda-GB-Second',))
    >>> usagetype_names(ecs, "us-east-1"), usagetype_names(ecs, "eu-central-1")
    (('USE1-Fargate-vCPU-Hours:perCPU', 'Fargate-vCPU-Hours:perCPU'), ('EUC1-Fargate-vCPU-Hours:perCPU',))
    """
    if selector.region_field is None or selector.usagetype_marker is not None:
        return (selector.usagetype,)
    prefixed = f"{region_prefix(region)}-{selector.usagetype}"
    if region != "us-east-1":
        return (prefixed,)
    return (selector.usagetype, prefixed) if selector.bare_first else (prefixed, selector.usagetype)


def region_prefix(region: str) -> str:
    """The usagetype prefix of ``region``; a KeyError names a region archsel has no prefix for."""
    try:
        return REGION_PREFIXES[region]
    except KeyError:
        raise KeyError(f"no Price List usagetype prefix known for region {region!r}") from None
