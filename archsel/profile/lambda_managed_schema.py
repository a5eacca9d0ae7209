"""The profile's lambda_managed section: Lambda Managed Instances (a capacity provider's EC2 fleet) settings.

Sources (checked 2026-12): the capacity provider and function configuration API references
(https://docs.aws.amazon.com/lambda/latest/api/API_LambdaManagedInstancesCapacityProviderConfig.html,
https://docs.aws.amazon.com/lambda/latest/api/API_CapacityProviderScalingConfig.html) and the scaling
guide (https://docs.aws.amazon.com/lambda/latest/dg/lambda-managed-instances-scaling.html). Where AWS
publishes no number (launch time, the scaler's period, the target Lambda picks in Auto mode) the
default is archsel's assumption and its description says so.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

from pydantic import Field, model_validator

from archsel.profile.schema_base import Frozen


@dataclass(frozen=True, slots=True)
class InstanceType:
    """One EC2 instance type a capacity provider may launch."""

    name: str
    vcpu: int
    memory_gib: float
    architecture: Literal["arm64", "x86_64"]


def _family(prefix: str, architecture: Literal["arm64", "x86_64"], gib_per_vcpu: float) -> dict[str, InstanceType]:
    sizes = {"large": 2, "xlarge": 4, "2xlarge": 8, "4xlarge": 16}
    return {
        f"{prefix}.{size}": InstanceType(f"{prefix}.{size}", vcpu, vcpu * gib_per_vcpu, architecture)
        for size, vcpu in sizes.items()
    }


INSTANCE_TYPES: dict[str, InstanceType] = {
    **_family("c7g", "arm64", 2.0),
    **_family("m7g", "arm64", 4.0),
    **_family("r7g", "arm64", 8.0),
    **_family("c7i", "x86_64", 2.0),
    **_family("m7i", "x86_64", 4.0),
    **_family("r7i", "x86_64", 8.0),
}
"""The instance types archsel prices for Lambda Managed Instances: current-generation compute (c),
general-purpose (m) and memory-optimised (r) families on Graviton3 and Intel, sizes large to 4xlarge
(EC2 instance type pages: https://aws.amazon.com/ec2/instance-types/). AWS lets a capacity provider
use most current-generation types; archsel's list is the common subset it has prices for."""

DEFAULT_INSTANCE: dict[str, str] = {"arm64": "m7g.large", "x86_64": "m7i.large"}
"""What archsel prices when the profile lets Lambda choose the instance type. AWS does not publish
which types it picks; the smallest general-purpose type of the architecture is archsel's assumption."""

CONCURRENCY_PER_VCPU: dict[str, int] = {"python": 16, "nodejs": 64, "java": 32, "dotnet": 32}
"""Default PerExecutionEnvironmentMaxConcurrency per environment vCPU by runtime family (reported by
edjgeek.com/blog/lambda-managed-instances; the API reference gives only the range 1-1,600). Other runtimes
(provided.*, container) are assumed to get Python's 16, the most conservative of the published values."""


def runtime_family(runtime: str) -> str:
    """'python3.13' -> 'python', 'nodejs22.x' -> 'nodejs', 'dotnet8' -> 'dotnet'."""
    return next((family for family in CONCURRENCY_PER_VCPU if runtime.startswith(family)), "other")


class LambdaManaged(Frozen):
    """Lambda Managed Instances: the function on a capacity provider's EC2 instances, behind the same API Gateway.

    Defaults: the Lambda Managed Instances documentation where AWS publishes a number; archsel's
    assumptions otherwise (each field says which).
    """

    instance_type: str | None = Field(
        default=None,
        description="EC2 instance type of the capacity provider (e.g. m7g.large); null = Lambda chooses "
        "(AWS's recommended default); archsel then prices m7g.large (arm64) or m7i.large (x86_64), an assumption.",
    )
    architecture: Literal["arm64", "x86_64"] = Field(
        default="x86_64", description="CPU architecture of the instances (capacity provider default x86_64)."
    )
    memory_mb: int = Field(
        default=2_048,
        ge=2_048,
        le=32_768,
        description="Function memory, MB (2,048-32,768 on Managed Instances); with memory_gib_per_vcpu it sets "
        "each execution environment's vCPUs.",
    )
    memory_gib_per_vcpu: float = Field(
        default=2.0,
        ge=2.0,
        le=8.0,
        description="ExecutionEnvironmentMemoryGiBPerVCpu (API range 2.0-8.0; default 2).",
    )
    per_environment_concurrency: int | None = Field(
        default=None,
        ge=1,
        le=1_600,
        description="PerExecutionEnvironmentMaxConcurrency (API range 1-1,600); null = the runtime's default per "
        "vCPU (Python 16, Node.js 64, Java and .NET 32; others assumed 16) x the environment's vCPUs.",
    )
    min_instances: int = Field(
        default=3, ge=1, description="Instances kept running (Lambda launches three by default for AZ resilience)."
    )
    max_instances: int = Field(
        default=30,
        ge=1,
        description="Upper bound on instances (CloudFormation sets it as MaxVCpuCount; archsel default).",
    )
    target_cpu: float = Field(
        default=50,
        gt=0,
        le=100,
        description="Scaling target, average CPU % of the instances. AWS does not publish the target of Auto mode; "
        "50 is archsel's assumption (it leaves the headroom for the documented 'traffic doubling within 5 minutes').",
    )
    metric_period_s: float = Field(
        default=60, gt=0, description="How often the scaler reads CPU utilisation, s (assumed; AWS publishes none)."
    )
    launch_s: float = Field(
        default=120,
        ge=0,
        description="From the scaler's decision to a new instance serving (EC2 launch plus environment init), s "
        "(assumed; AWS publishes none).",
    )
    scale_in_cooldown_s: float = Field(
        default=600,
        ge=0,
        description="Quiet time before the fleet shrinks by one instance, s (docs: instances scale down gradually; "
        "the length is assumed).",
    )
    cpu_admission: float = Field(
        default=2.0,
        gt=0,
        le=16,
        description="CPU an instance's in-flight requests may ask for, as a multiple of its vCPUs, before Lambda "
        "throttles new ones (docs: 'might reject new invokes to protect invokes that are already in flight'). "
        "2 is assumed: requests slow down by up to 2x from CPU sharing, then further ones are throttled.",
    )

    @model_validator(mode="after")
    def _check(self) -> LambdaManaged:
        if self.instance_type is not None and self.instance_type not in INSTANCE_TYPES:
            known = ", ".join(sorted(INSTANCE_TYPES))
            raise ValueError(f"instance_type {self.instance_type} is not one archsel prices (one of {known})")
        if self.min_instances > self.max_instances:
            raise ValueError(f"min_instances {self.min_instances} exceeds max_instances {self.max_instances}")
        instance = self.instance
        if instance.architecture != self.architecture:
            raise ValueError(f"instance_type {instance.name} is {instance.architecture}, not {self.architecture}")
        if self.environments_per_instance < 1:
            raise ValueError(
                f"one execution environment ({self.environment_vcpu:g} vCPU, {self.memory_mb / 1024:g} GiB) "
                f"does not fit on {instance.name} ({instance.vcpu} vCPU, {instance.memory_gib:g} GiB)"
            )
        return self

    @property
    def instance(self) -> InstanceType:
        """The instance type priced and simulated (the profile's, or the default of the architecture)."""
        return INSTANCE_TYPES[self.instance_type or DEFAULT_INSTANCE[self.architecture]]

    @property
    def environment_vcpu(self) -> float:
        """vCPUs of one execution environment: memory / GiB per vCPU."""
        return self.memory_mb / 1_024.0 / self.memory_gib_per_vcpu

    @property
    def environments_per_instance(self) -> int:
        """Execution environments that fit on one instance (by vCPU and by memory)."""
        instance = self.instance
        by_cpu = math.floor(instance.vcpu / self.environment_vcpu + 1e-9)
        by_memory = math.floor(instance.memory_gib * 1_024.0 / self.memory_mb + 1e-9)
        return min(by_cpu, by_memory)

    def environment_concurrency(self, runtime: str) -> int:
        """Requests one execution environment serves at once."""
        if self.per_environment_concurrency is not None:
            return self.per_environment_concurrency
        per_vcpu = CONCURRENCY_PER_VCPU.get(runtime_family(runtime), 16)
        return max(1, math.floor(per_vcpu * self.environment_vcpu))

    def admission_slots(self, runtime: str, cpu_fraction: float) -> int:
        """Requests one instance admits at once: its environments' concurrency, capped where in-flight
        requests would commit more than ``cpu_admission`` of its vCPUs (each needs ``cpu_fraction`` of one)."""
        slots = self.environments_per_instance * self.environment_concurrency(runtime)
        if cpu_fraction > 0:
            slots = min(slots, math.floor(self.cpu_admission * self.instance_vcpu_in_use() / cpu_fraction + 1e-9))
        return max(1, slots)

    def instance_vcpu_in_use(self) -> float:
        """vCPUs of an instance its environments use (the rest is idle capacity the bill still pays for)."""
        return self.environments_per_instance * self.environment_vcpu
