"""How compute size changes request time: the vCPU share a request gets on Lambda or Fargate."""

from __future__ import annotations

# Lambda allocates CPU in proportion to memory: 1,769 MB is one full vCPU
# (https://docs.aws.amazon.com/lambda/latest/dg/configuration-memory.html).
LAMBDA_MB_PER_VCPU = 1_769.0


def lambda_vcpu_share(memory_mb: float) -> float:
    """vCPUs a function of ``memory_mb`` gets (up to 6 at 10,240 MB)."""
    return min(memory_mb / LAMBDA_MB_PER_VCPU, 6.0)


def duration_factor(cpu_fraction: float, vcpu_available: float) -> float:
    """Multiplier on a request's reference duration (measured at 1 vCPU).

    The CPU-bound share runs at the speed of the vCPU available to it, capped at one vCPU
    because a request is served by one thread; the rest (I/O waits) does not change.

    >>> duration_factor(0.5, 0.5)   # half a vCPU doubles the CPU half
    1.5
    >>> duration_factor(0.5, 4.0)   # more than one vCPU does not help one request
    1.0
    """
    speed = min(max(vcpu_available, 1e-9), 1.0)
    return cpu_fraction / speed + (1.0 - cpu_fraction)


def lambda_duration_factor(memory_mb: float, cpu_fraction: float) -> float:
    """Multiplier on the reference duration for a Lambda function of ``memory_mb``."""
    return duration_factor(cpu_fraction, lambda_vcpu_share(memory_mb))
