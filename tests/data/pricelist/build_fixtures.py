"""Builds the Price List fixtures in this folder (run once by hand; the JSON files are committed).

Each product has exactly the shape `get_products` returns inside one `PriceList` JSON string:
product (sku, productFamily, attributes), serviceCode, terms.OnDemand.<sku>.<term code> with
effectiveDate and priceDimensions (unit, beginRange, endRange with "Inf", pricePerUnit.USD,
description, rateCode, appliesTo), version and publicationDate.

Values: us-east-1.json carries the us-east-1 unit prices of pricing/aws/us-east-1.yaml as of
2026-09-20 (the shipped table), quoted per one unit the way the Price List quotes them, plus
rows that exact matching must ignore (Spot, ARM, Windows, trust store, Outposts, Aurora
Serverless v1, DynamoDB Standard-IA, the Lambda global free tier), and the Lambda Managed
Instances EC2 instance-hours and management fees with their decoys (Windows, RHEL, Linux with SQL,
dedicated, host, capacity reservations, Reserved Instance terms). SKUs and rate codes are
made up (12-16 upper-case characters like AWS's), except where the research notes quote real
ones. The usagetype spelling in us-east-1 follows the research notes (bare for Lambda, S3,
DynamoDB, ELB and data transfer; USE1- elsewhere). eu-central-1.json is a small subset with
EUC1- names for the region-prefix tests.

    python3 tests/data/pricelist/build_fixtures.py
"""

from __future__ import annotations

import hashlib
import json
from decimal import Decimal
from pathlib import Path

HERE = Path(__file__).resolve().parent
TERM = "JRTCKXETXF"  # AWS's on-demand offer term code
PUBLISHED = "2026-09-18T21:04:11Z"
LOCATIONS = {"us-east-1": "US East (N. Virginia)", "eu-central-1": "EU (Frankfurt)"}


def code(*parts: str, length: int = 16) -> str:
    digest = hashlib.sha256("/".join(parts).encode()).hexdigest().upper()
    letters = "".join(c if c.isalpha() else "ABCDEFGHJK"[int(c)] for c in digest)
    return letters[:length]


def product(
    service: str,
    family: str,
    region: str | None,
    usagetype: str,
    unit: str,
    tiers: list[tuple[str, str, str]],
    *,
    effective: str = "2026-08-01T00:00:00Z",
    sku: str | None = None,
    region_field: str = "regionCode",
    **attributes: str,
) -> dict[str, object]:
    sku = sku or code(service, region or "global", usagetype, *sorted(attributes.values()))
    attrs: dict[str, str] = {"servicecode": service, "usagetype": usagetype, **attributes}
    if region is not None:
        attrs |= {region_field: region, "location": LOCATIONS[region], "locationType": "AWS Region"}
    dimensions = {}
    for begin, end, usd in tiers:
        rate = f"{sku}.{TERM}.{code(sku, begin, length=10)}"
        dimensions[rate] = {
            "unit": unit,
            "endRange": end,
            "description": f"${usd} per {unit} for {usagetype} ({begin} to {end})",
            "appliesTo": [],
            "rateCode": rate,
            "beginRange": begin,
            "pricePerUnit": {"USD": usd},
        }
    return {
        "product": {"productFamily": family, "attributes": attrs, "sku": sku},
        "serviceCode": service,
        "terms": {
            "OnDemand": {
                f"{sku}.{TERM}": {
                    "priceDimensions": dimensions,
                    "sku": sku,
                    "effectiveDate": effective,
                    "offerTermCode": TERM,
                    "termAttributes": {},
                }
            }
        },
        "version": PUBLISHED.replace("-", "").replace(":", "").replace("T", "")[:14],
        "publicationDate": PUBLISHED,
    }


def flat(usd: str) -> list[tuple[str, str, str]]:
    return [("0", "Inf", usd)]


def per_unit(value: str, per: int) -> str:
    return f"{(Decimal(value) / per).normalize():f}"


def us_east_1() -> list[dict[str, object]]:
    r = "us-east-1"
    lam = "AWSLambda"
    return [
        product(
            lam,
            "Serverless",
            r,
            "Request",
            "Requests",
            flat("0.0000002"),
            sku="GU2ZS9HVP6QTQ7KE",
            group="AWS-Lambda-Requests",
        ),
        product(lam, "Serverless", r, "Request-ARM", "Requests", flat("0.0000002"), group="AWS-Lambda-Requests-ARM"),
        product(
            lam, "Serverless", None, "Global-Request", "Requests", [("0", "1000000", "0")], group="AWS-Lambda-Requests"
        ),
        product(
            lam,
            "Serverless",
            r,
            "Lambda-GB-Second",
            "Lambda-GB-Second",
            [
                ("0", "6000000000", "0.0000166667"),
                ("6000000000", "15000000000", "0.0000150000"),
                ("15000000000", "Inf", "0.0000133334"),
            ],
            group="AWS-Lambda-Duration",
        ),
        product(
            lam,
            "Serverless",
            r,
            "Lambda-GB-Second-ARM",
            "Lambda-GB-Second",
            [
                ("0", "7500000000", "0.0000133334"),
                ("7500000000", "18750000000", "0.0000120001"),
                ("18750000000", "Inf", "0.0000106667"),
            ],
            group="AWS-Lambda-Duration-ARM",
        ),
        product(
            lam,
            "Serverless",
            r,
            "Lambda-Storage-GB-Second",
            "GB-Seconds",
            flat("0.0000000309"),
            group="AWS-Lambda-Storage-Duration",
        ),
        product(
            lam,
            "Serverless",
            r,
            "Lambda-Provisioned-Concurrency",
            "Lambda-GB-Second",
            flat("0.0000041667"),
            group="AWS-Lambda-Provisioned-Concurrency",
        ),
        product(
            lam,
            "Serverless",
            r,
            "Lambda-Provisioned-Concurrency-ARM",
            "Lambda-GB-Second",
            flat("0.0000033334"),
            group="AWS-Lambda-Provisioned-Concurrency-ARM",
        ),
        product(
            lam,
            "Serverless",
            r,
            "Lambda-Provisioned-GB-Second",
            "Lambda-GB-Second",
            flat("0.0000097222"),
            group="AWS-Lambda-Duration-Provisioned",
        ),
        product(
            lam,
            "Serverless",
            r,
            "Lambda-Provisioned-GB-Second-ARM",
            "Lambda-GB-Second",
            flat("0.0000077778"),
            group="AWS-Lambda-Duration-Provisioned-ARM",
        ),
        product(
            "AmazonApiGateway",
            "API Calls",
            r,
            "USE1-ApiGatewayHttpRequest",
            "Requests",
            [("0", "300000000", "0.0000010000"), ("300000000", "Inf", "0.0000009000")],
            sku="FC2TWT2UEPTBKVBX",
            operation="ApiGatewayHttpApi",
        ),
        product(
            "AmazonApiGateway",
            "API Calls",
            r,
            "USE1-ApiGatewayRequest",
            "Requests",
            [
                ("0", "333000000", "0.0000035000"),
                ("333000000", "1000000000", "0.0000028000"),
                ("1000000000", "20000000000", "0.0000023800"),
                ("20000000000", "Inf", "0.0000015100"),
            ],
            sku="KKDZ3TFSXUSMCZ3A",
            operation="ApiGatewayRequest",
        ),
        product("AmazonECS", "Compute", r, "USE1-Fargate-vCPU-Hours:perCPU", "hours", flat("0.04048")),
        product("AmazonECS", "Compute", r, "USE1-Fargate-GB-Hours", "hours", flat("0.004445")),
        product("AmazonECS", "Compute", r, "USE1-Fargate-ARM-vCPU-Hours:perCPU", "hours", flat("0.03238")),
        product("AmazonECS", "Compute", r, "USE1-Fargate-ARM-GB-Hours", "hours", flat("0.00356")),
        product("AmazonECS", "Compute", r, "USE1-Fargate-EphemeralStorage-GB-Hours", "GB-Hours", flat("0.000111")),
        product("AmazonECS", "Compute", r, "USE1-SpotUsage-Fargate-vCPU-Hours:perCPU", "hours", flat("0.01264355")),
        product("AmazonECS", "Compute", r, "USE1-SpotUsage-Fargate-GB-Hours", "hours", flat("0.00138835")),
        product(
            "AmazonECS",
            "Compute",
            r,
            "USE1-Fargate-Windows-vCPU-Hours:perCPU",
            "hours",
            flat("0.09148"),
            operatingSystem="Windows",
        ),
        product(
            "AWSELB",
            "Load Balancer-Application",
            r,
            "LoadBalancerUsage",
            "Hrs",
            flat("0.0225"),
            operation="LoadBalancing:Application",
        ),
        product(
            "AWSELB",
            "Load Balancer-Application",
            r,
            "LCUUsage",
            "LCU-Hrs",
            flat("0.008"),
            operation="LoadBalancing:Application",
        ),
        product(
            "AWSELB",
            "Load Balancer-Application",
            r,
            "TS-LoadBalancerUsage",
            "Hrs",
            flat("0.0056"),
            operation="LoadBalancing:Application",
        ),
        product(
            "AWSELB",
            "Load Balancer-Application",
            r,
            "Outposts-LoadBalancerUsage",
            "Hrs",
            flat("0.0225"),
            operation="LoadBalancing:Application",
        ),
        product("AmazonVPC", "VpcPublicIPv4Address", r, "USE1-PublicIPv4:InUseAddress", "Hrs", flat("0.005")),
        product("AmazonVPC", "VpcPublicIPv4Address", r, "USE1-PublicIPv4:IdleAddress", "Hrs", flat("0.005")),
        product("AmazonEC2", "NAT Gateway", r, "USE1-NatGateway-Hours", "Hrs", flat("0.045"), operation="NatGateway"),
        product("AmazonEC2", "NAT Gateway", r, "USE1-NatGateway-Bytes", "GB", flat("0.045"), operation="NatGateway"),
        product(
            "AmazonDynamoDB",
            "Amazon DynamoDB PayPerRequest Throughput",
            r,
            "WriteRequestUnits",
            "WriteRequestUnits",
            flat("0.000000625"),
            group="DDB-WriteUnits",
        ),
        product(
            "AmazonDynamoDB",
            "Amazon DynamoDB PayPerRequest Throughput",
            r,
            "ReadRequestUnits",
            "ReadRequestUnits",
            flat("0.000000125"),
            group="DDB-ReadUnits",
        ),
        product(
            "AmazonDynamoDB",
            "Amazon DynamoDB PayPerRequest Throughput",
            r,
            "IA-WriteRequestUnits",
            "WriteRequestUnits",
            flat("0.00000078"),
            group="DDB-WriteUnits",
        ),
        product(
            "AmazonDynamoDB",
            "Database Storage",
            r,
            "TimedStorage-ByteHrs",
            "GB-Mo",
            [("0", "25", "0.0000000000"), ("25", "Inf", "0.2500000000")],
        ),
        product("AmazonDynamoDB", "Database Storage", r, "IA-TimedStorage-ByteHrs", "GB-Mo", flat("0.10")),
        product(
            "AmazonRDS",
            "ServerlessV2",
            r,
            "USE1-Aurora:ServerlessV2Usage",
            "ACU-Hr",
            flat("0.12"),
            sku="AVKW7ZJP8D72HNQC",
            databaseEngine="Aurora PostgreSQL",
        ),
        product(
            "AmazonRDS",
            "ServerlessV2",
            r,
            "USE1-Aurora:ServerlessV2Usage",
            "ACU-Hr",
            flat("0.12"),
            databaseEngine="Aurora MySQL",
        ),
        product(
            "AmazonRDS",
            "ServerlessV2",
            r,
            "USE1-Aurora:ServerlessV2IOOptimizedUsage",
            "ACU-Hr",
            flat("0.156"),
            databaseEngine="Aurora PostgreSQL",
        ),
        product(
            "AmazonRDS",
            "Serverless",
            r,
            "USE1-Aurora:ServerlessUsage",
            "ACU-Hr",
            flat("0.06"),
            databaseEngine="Aurora PostgreSQL",
        ),
        product(
            "AmazonRDS",
            "Database Storage",
            r,
            "USE1-Aurora:StorageUsage",
            "GB-Mo",
            flat("0.10"),
            sku="7GYUVAA992PFJPCB",
            databaseEngine="Aurora PostgreSQL",
        ),
        product(
            "AmazonRDS",
            "System Operation",
            r,
            "USE1-Aurora:StorageIOUsage",
            "IOs",
            flat("0.0000002"),
            databaseEngine="Aurora PostgreSQL",
        ),
        product(
            "AmazonS3",
            "Storage",
            r,
            "TimedStorage-ByteHrs",
            "GB-Mo",
            [("0", "51200", "0.0230000000"), ("51200", "512000", "0.0220000000"), ("512000", "Inf", "0.0210000000")],
            volumeType="Standard",
        ),
        product(
            "AmazonS3",
            "Storage",
            r,
            "TimedStorage-ZIA-ByteHrs",
            "GB-Mo",
            flat("0.01"),
            volumeType="One Zone - Infrequent Access",
        ),
        product("AmazonS3", "API Request", r, "Requests-Tier1", "Requests", flat("0.000005"), group="S3-API-Tier1"),
        product("AmazonS3", "API Request", r, "Requests-Tier2", "Requests", flat("0.0000004"), group="S3-API-Tier2"),
        product(
            "AmazonCloudFront",
            "Data Transfer",
            None,
            "US-DataTransfer-Out-Bytes",
            "GB",
            [
                ("0", "10240", "0.085"),
                ("10240", "51200", "0.080"),
                ("51200", "153600", "0.060"),
                ("153600", "512000", "0.040"),
                ("512000", "1048576", "0.030"),
                ("1048576", "5242880", "0.025"),
                ("5242880", "Inf", "0.020"),
            ],
            fromLocation="United States",
        ),
        product(
            "AmazonCloudFront",
            "Request",
            None,
            "US-Requests-Tier2-HTTPS",
            "Requests",
            flat("0.000001"),
            fromLocation="United States",
        ),
        product(
            "AmazonCloudFront",
            "Request",
            None,
            "US-Requests-Tier1",
            "Requests",
            flat("0.00000075"),
            fromLocation="United States",
        ),
        product("AmazonCloudWatch", "Data Payload", r, "USE1-DataProcessing-Bytes", "GB", flat("0.50")),
        product("AmazonCloudWatch", "Storage Snapshot", r, "USE1-TimedStorage-ByteHrs", "GB-Mo", flat("0.03")),
        product(
            "AWSDataTransfer",
            "Data Transfer",
            r,
            "DataTransfer-Out-Bytes",
            "GB",
            [
                ("0", "10240", "0.09"),
                ("10240", "51200", "0.085"),
                ("51200", "153600", "0.07"),
                ("153600", "Inf", "0.05"),
            ],
            sku="HQEH3ZWJVT46JHRG",
            region_field="fromRegionCode",
            transferType="AWS Outbound",
            toLocation="External",
        ),
        product(
            "AmazonEFS",
            "Storage",
            r,
            "USE1-TimedStorage-ByteHrs",
            "GB-Mo",
            flat("0.30"),
            storageClass="General Purpose",
        ),
        product(
            "AmazonEFS",
            "Storage",
            r,
            "USE1-IATimedStorage-ByteHrs",
            "GB-Mo",
            flat("0.0165"),
            storageClass="Infrequent Access",
        ),
        product(
            "AmazonEFS",
            "Storage",
            r,
            "USE1-ArchiveTimedStorage-ByteHrs",
            "GB-Mo",
            flat("0.008"),
            storageClass="Archive",
        ),
    ]


LMI_ON_DEMAND = {
    "c7g": "0.0725",
    "m7g": "0.0816",
    "r7g": "0.1071",
    "c7i": "0.08925",
    "m7i": "0.1008",
    "r7i": "0.1323",
}
"""us-east-1 on-demand Linux price of each family's .large (the shipped table's values); a size doubles it."""
LMI_SIZES = {"large": 1, "xlarge": 2, "2xlarge": 4, "4xlarge": 8}
RESERVED = "4NA7Y494T4"  # a reserved offer term code (1yr No Upfront in AWS's files)


def ec2_instance(
    region: str, instance_type: str, usd: str, usagetype: str = "", **attributes: str
) -> dict[str, object]:
    """An AmazonEC2 instance product; the defaults are the plain on-demand Linux row."""
    attrs = {
        "instanceType": instance_type,
        "operatingSystem": "Linux",
        "tenancy": "Shared",
        "preInstalledSw": "NA",
        "licenseModel": "No License required",
        "capacitystatus": "Used",
        "operation": "RunInstances",
        "marketoption": "OnDemand",
    } | attributes
    return product(
        "AmazonEC2", "Compute Instance", region, usagetype or f"BoxUsage:{instance_type}", "Hrs", flat(usd), **attrs
    )


def with_reserved(item: dict[str, object], usd: str) -> dict[str, object]:
    """The product with a Reserved Instance term too, as the Query API returns EC2 products."""
    sku = item["product"]["sku"]  # type: ignore[index]
    rate = f"{sku}.{RESERVED}.6YS6EN2CT7"
    item["terms"]["Reserved"] = {  # type: ignore[index]
        f"{sku}.{RESERVED}": {
            "priceDimensions": {
                rate: {
                    "unit": "Hrs",
                    "endRange": "Inf",
                    "description": "Linux/UNIX (Amazon VPC), reserved 1yr no upfront",
                    "appliesTo": [],
                    "rateCode": rate,
                    "beginRange": "0",
                    "pricePerUnit": {"USD": usd},
                }
            },
            "sku": sku,
            "effectiveDate": "2026-08-01T00:00:00Z",
            "offerTermCode": RESERVED,
            "termAttributes": {
                "LeaseContractLength": "1yr",
                "OfferingClass": "standard",
                "PurchaseOption": "No Upfront",
            },
        }
    }
    return item


def lmi_us_east_1() -> list[dict[str, object]]:
    """EC2 instance-hours and Managed Instances fees of every LMI type, plus rows the selectors must skip.

    The fee products' usagetype spelling is made up ("...Management-Hours"): archsel selects them by
    instanceType attribute and the "Management-Hours" marker only.
    """
    r = "us-east-1"
    rows: list[dict[str, object]] = []
    for family, large in LMI_ON_DEMAND.items():
        for size, factor in LMI_SIZES.items():
            kind = f"{family}.{size}"
            usd = f"{(Decimal(large) * factor).normalize():f}"
            fee = f"{(Decimal(usd) * Decimal('0.15')).normalize():f}"
            rows.append(ec2_instance(r, kind, usd))
            rows.append(
                product(
                    "AWSLambda",
                    "Serverless",
                    r,
                    f"Lambda-Managed-Instances:{kind}-Management-Hours",
                    "Hrs",
                    flat(fee),
                    group="AWS-Lambda-Managed-Instances",
                    lambdaManagedInstanceType=kind,
                )
            )
    rows[0] = with_reserved(rows[0], "0.0457")  # c7g.large: its Reserved term must never be read
    return [
        *rows,
        with_reserved(
            ec2_instance(r, "m7g.large", "0.1736", operatingSystem="Windows", operation="RunInstances:0002"), "0.12"
        ),
        ec2_instance(r, "m7g.large", "0.4816", preInstalledSw="SQL Std", operation="RunInstances:0004"),
        ec2_instance(r, "m7g.large", "0.1416", operatingSystem="RHEL", licenseModel="", operation="RunInstances:0010"),
        ec2_instance(r, "m7g.large", "0.0898", "DedicatedUsage:m7g.large", tenancy="Dedicated"),
        ec2_instance(r, "m7g.large", "0.00", capacitystatus="AllocatedCapacityReservation"),
        ec2_instance(r, "m7g.large", "0.0816", "UnusedBox:m7g.large", capacitystatus="UnusedCapacityReservation"),
        ec2_instance(r, "c7i.large", "0.0982", "HostBoxUsage:c7i.large", tenancy="Host"),
        product(
            "AWSLambda",
            "Serverless",
            r,
            "Lambda-Managed-Instances:m7g.large-Requests",
            "Requests",
            flat("0.0000002"),
            group="AWS-Lambda-Managed-Instances",
            lambdaManagedInstanceType="m7g.large",
            **{"lambdaManagedInstances-RequestType": "Invoke"},
        ),
    ]


def eu_central_1() -> list[dict[str, object]]:
    r = "eu-central-1"
    return [
        product(
            "AWSLambda", "Serverless", r, "EUC1-Request", "Requests", flat("0.0000002"), group="AWS-Lambda-Requests"
        ),
        product(
            "AWSLambda",
            "Serverless",
            r,
            "EUC1-Lambda-GB-Second",
            "Lambda-GB-Second",
            [
                ("0", "6000000000", "0.0000166667"),
                ("6000000000", "15000000000", "0.0000150000"),
                ("15000000000", "Inf", "0.0000133334"),
            ],
            group="AWS-Lambda-Duration",
        ),
        product(
            "AmazonECS",
            "Compute",
            r,
            "EUC1-Fargate-vCPU-Hours:perCPU",
            "hours",
            flat("0.04656"),
            effective="2026-07-07T00:00:00Z",
        ),
        product(
            "AmazonECS",
            "Compute",
            r,
            "EUC1-Fargate-GB-Hours",
            "hours",
            flat("0.00511"),
            effective="2026-07-07T00:00:00Z",
        ),
        product("AmazonECS", "Compute", r, "EUC1-SpotUsage-Fargate-vCPU-Hours:perCPU", "hours", flat("0.0140458")),
    ]


def bulk_offer(service: str, products: list[dict[str, object]]) -> dict[str, object]:
    """A bulk region offer file (products + terms.OnDemand / terms.Reserved) of the given Query API products."""
    mine = [p for p in products if p["serviceCode"] == service]
    terms: dict[str, dict[str, object]] = {"OnDemand": {}, "Reserved": {}}
    for item in mine:
        sku = str(item["product"]["sku"])  # type: ignore[index]
        for kind, offered in item["terms"].items():  # type: ignore[attr-defined]
            terms[kind][sku] = offered
    return {
        "formatVersion": "v1.0",
        "disclaimer": "This pricing list is for informational purposes only.",
        "offerCode": service,
        "version": "20260901000000",
        "publicationDate": "2026-09-01T00:00:00Z",
        "products": {str(p["product"]["sku"]): p["product"] for p in mine},  # type: ignore[index]
        "terms": terms,
    }


def write_bulk_us_east_1(products: list[dict[str, object]]) -> None:
    """The us-east-1 AWSLambda and AmazonEC2 offer files of the bulk excerpts (bulk/README.md)."""
    for service in ("AWSLambda", "AmazonEC2"):
        path = HERE / "bulk" / "offers" / "v1.0" / "aws" / service / "20260901000000" / "us-east-1" / "index.json"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(bulk_offer(service, products), indent=1) + "\n")


if __name__ == "__main__":
    for name, products in (("us-east-1", us_east_1() + lmi_us_east_1()), ("eu-central-1", eu_central_1())):
        (HERE / f"{name}.json").write_text(json.dumps({"products": products}, indent=1) + "\n")
    write_bulk_us_east_1(us_east_1() + lmi_us_east_1())
