"""What ALB + Fargate usage is billed for: task vCPU and memory (on-demand, Spot), storage, ALB, IPv4, NAT."""

from __future__ import annotations

from archsel.billing.usage import FargateUsage
from archsel.cost.billing import Charge, decimal

_ARCH = {"x86_64": "linux_x86", "arm64": "linux_arm"}


def fargate_charges(usage: FargateUsage) -> tuple[Charge, ...]:
    """Charges of one ECS service and its load balancer.

    Task time is always-on: a Fargate service bills its running tasks whether or not requests
    arrive (the no-simulation estimate runs them all month).
    """
    charges: list[Charge] = []
    if usage.ondemand_task_seconds > 0 or usage.spot_task_seconds == 0:
        charges += _task_charges(usage, spot=False)
    if usage.spot_task_seconds > 0:
        charges += _task_charges(usage, spot=True)
    if usage.ephemeral_extra_gb > 0:
        gb_hours = decimal(usage.ephemeral_extra_gb * usage.task_seconds / 3_600.0)
        charges.append(
            Charge("fargate", "Ephemeral storage", "fargate.ephemeral_storage", gb_hours, "GB-hours", always_on=True)
        )
    charges += [
        Charge("alb", "Load balancer hours", "alb.hour", decimal(usage.alb_hours), "hours", always_on=True),
        Charge("alb", "Capacity units", "alb.lcu_hour", decimal(usage.alb_lcu_hours), "LCU-hours"),
    ]
    if usage.public_ipv4_hours > 0:
        ip_hours = decimal(usage.public_ipv4_hours)
        charges.append(Charge("public_ipv4", "Public IPv4 addresses", "vpc.public_ipv4", ip_hours, "IP-hours", True))
    if usage.nat_gateway_hours > 0:
        charges += [
            Charge("nat_gateway", "NAT gateway hours", "nat.hour", decimal(usage.nat_gateway_hours), "hours", True),
            Charge("nat_gateway", "Data processed", "nat.data_processed", decimal(usage.nat_processed_gb), "GB"),
        ]
    return tuple(charges)


def _task_charges(usage: FargateUsage, *, spot: bool) -> list[Charge]:
    seconds = usage.spot_task_seconds if spot else usage.ondemand_task_seconds
    hours = seconds / 3_600.0
    prefix = f"fargate.spot.{_ARCH[usage.architecture]}" if spot else f"fargate.{_ARCH[usage.architecture]}"
    label = "Spot " if spot else ""
    vcpu_hours, gb_hours = decimal(usage.vcpu * hours), decimal(usage.memory_gb * hours)
    return [
        Charge("fargate", f"{label}vCPU, {usage.architecture}", f"{prefix}.vcpu", vcpu_hours, "vCPU-hours", True),
        Charge("fargate", f"{label}Memory, {usage.architecture}", f"{prefix}.memory", gb_hours, "GB-hours", True),
    ]
