"""Test support: writes a synthetic AmazonEC2 region offer file of a chosen size, in the published layout.

Most products are decoys (Windows, dedicated, other instance types) with OnDemand and Reserved terms,
as in AWS's files; a few are the on-demand Linux m7g.large rows archsel selects. Written a product at a
time, so the generator itself never holds the file in memory.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

WANTED_SKU = "WANTEDM7GLARGE00"
ON_DEMAND = "JRTCKXETXF"
RESERVED = ("4NA7Y494T4", "6QCMYABX3D", "HU7G6KETJZ", "38NPMPTW36", "BPH4J8HBKS", "Z2E3P23VKM")


def _product(sku: str, index: int, *, wanted: bool) -> dict[str, object]:
    attributes = {
        "servicecode": "AmazonEC2",
        "location": "US East (N. Virginia)",
        "locationType": "AWS Region",
        "regionCode": "us-east-1",
        "instanceType": "m7g.large" if wanted else f"x{index % 997}.{index % 7}xlarge",
        "usagetype": "BoxUsage:m7g.large" if wanted else f"BoxUsage:x{index % 997}.{index % 7}xlarge",
        "operation": "RunInstances" if wanted else "RunInstances:0002",
        "operatingSystem": "Linux" if wanted else "Windows",
        "tenancy": "Shared",
        "preInstalledSw": "NA",
        "licenseModel": "No License required",
        "capacitystatus": "Used",
        "vcpu": "2",
        "memory": "8 GiB",
        "networkPerformance": "Up to 12500 Megabit",
        "processorArchitecture": "64-bit",
        "physicalProcessor": "AWS Graviton3 Processor",
    }
    return {"sku": sku, "productFamily": "Compute Instance", "attributes": attributes}


def _term(sku: str, code: str, usd: str, **attributes: str) -> dict[str, object]:
    rate = f"{sku}.{code}.6YS6EN2CT7"
    return {
        "offerTermCode": code,
        "sku": sku,
        "effectiveDate": "2026-08-01T00:00:00Z",
        "priceDimensions": {
            rate: {
                "rateCode": rate,
                "description": f"${usd} per On Demand Linux m7g.large Instance Hour",
                "beginRange": "0",
                "endRange": "Inf",
                "unit": "Hrs",
                "pricePerUnit": {"USD": usd},
                "appliesTo": [],
            }
        },
        "termAttributes": attributes,
    }


def _skus(count: int) -> Iterator[tuple[str, int]]:
    for index in range(count):
        yield (WANTED_SKU if index == count // 2 else f"SKU{index:013d}"), index


def write_offer(path: Path, products: int) -> int:
    """Write an offer file with ``products`` products (one of them wanted); returns its size in bytes."""
    with path.open("w") as out:
        out.write('{"formatVersion":"v1.0","offerCode":"AmazonEC2","version":"20260901000000",')
        out.write('"publicationDate":"2026-09-01T00:00:00Z","products":{')
        for n, (sku, index) in enumerate(_skus(products)):
            out.write(
                ("," if n else "") + json.dumps(sku) + ":" + json.dumps(_product(sku, index, wanted=sku == WANTED_SKU))
            )
        out.write('},"terms":{"OnDemand":{')
        for n, (sku, _) in enumerate(_skus(products)):
            term = {f"{sku}.{ON_DEMAND}": _term(sku, ON_DEMAND, "0.0816")}
            out.write(("," if n else "") + json.dumps(sku) + ":" + json.dumps(term))
        out.write('},"Reserved":{')
        for n, (sku, _) in enumerate(_skus(products)):
            reserved = {f"{sku}.{c}": _term(sku, c, "0.05", LeaseContractLength="1yr") for c in RESERVED}
            out.write(("," if n else "") + json.dumps(sku) + ":" + json.dumps(reserved))
        out.write("}}}\n")
    return path.stat().st_size
