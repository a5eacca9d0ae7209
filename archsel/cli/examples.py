"""An example for every command's --help, in the order of a first session (shown below its options)."""

from __future__ import annotations

EXAMPLES: dict[str, tuple[str, ...]] = {
    "init": ("archsel init api.yaml --preset startup-mvp", "archsel init --list"),
    "validate": ("archsel validate api.yaml", "archsel validate api.yaml --format json"),
    "cost": ("archsel cost api.yaml", "archsel cost api.yaml --arch fargate --format markdown"),
    "simulate": ("archsel simulate api.yaml", "archsel simulate api.yaml --arch lambda --timeseries series.csv"),
    "recommend": (
        "archsel recommend api.yaml",
        "archsel recommend api.yaml --format html --out report.html",
        "archsel recommend a.yaml b.yaml --format json --out rec.json",
    ),
    "scaffold": (
        "archsel scaffold api.yaml --iac sam --out infra/",
        "archsel scaffold rec.json --iac cdk --out infra/",
    ),
    "deploy": ("archsel deploy infra/ --dry-run", "archsel deploy infra/"),
    "destroy": ("archsel destroy infra/",),
    "sweep": (
        "archsel sweep api.yaml --vary traffic.mean_rps=1,5,20,50",
        "archsel sweep api.yaml --vary lambda.memory_mb=512,1024,2048 --out sweep.csv",
    ),
    "logs": ("archsel import logs app.log --out imported.yaml",),
    "cloudwatch": ("archsel import cloudwatch --function orders --days 7 --out orders.yaml",),
    "show": ("archsel pricing show", "archsel pricing show --service lambda --format markdown"),
    "update": ("archsel pricing update --region us-east-1 --dry-run",),
}


def epilog(name: str) -> str | None:
    """The --help epilog of command ``name``: its examples, one a line (click keeps lines after '\\b')."""
    lines = EXAMPLES.get(name)
    if not lines:
        return None
    return "\b\nExamples:\n" + "\n".join(f"  {line}" for line in lines)
