"""The valid Fargate task sizes (Linux), from the ECS documentation (task-cpu-memory-error.html)."""

from __future__ import annotations


def _steps(low: int, high: int, step: int) -> tuple[float, ...]:
    return tuple(float(gb) for gb in range(low, high + 1, step))


# vCPU -> allowed memory in GB.
VALID_TASK_SIZES: dict[float, tuple[float, ...]] = {
    0.25: (0.5, 1.0, 2.0),
    0.5: _steps(1, 4, 1),
    1.0: _steps(2, 8, 1),
    2.0: _steps(4, 16, 1),
    4.0: _steps(8, 30, 1),
    8.0: _steps(16, 60, 4),
    16.0: _steps(32, 120, 8),
}


def check_task_size(vcpu: float, memory_gb: float) -> None:
    """Raise ValueError naming the valid choices unless (vcpu, memory_gb) is a Fargate task size."""
    if vcpu not in VALID_TASK_SIZES:
        raise ValueError(f"vcpu {vcpu:g} is not a Fargate size; valid: {', '.join(f'{v:g}' for v in VALID_TASK_SIZES)}")
    if memory_gb not in VALID_TASK_SIZES[vcpu]:
        choices = ", ".join(f"{gb:g}" for gb in VALID_TASK_SIZES[vcpu])
        raise ValueError(f"memory_gb {memory_gb:g} does not fit vcpu {vcpu:g}; valid: {choices} GB")
