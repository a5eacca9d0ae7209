"""Default INIT (cold-start) duration by runtime, package size, VPC and memory, from measurements.

Source: Mikhail Shilkov's cold-start measurements of AWS Lambda (hello-world functions, added
end-to-end latency, raw data https://github.com/mikhailshilkov/mikhailio-hugo
``data/coldstart_aws_*.json``, last updated 2021-01-05; published at
https://mikhail.io/serverless/coldstarts/aws/). Used only when the
profile gives no ``lambda.cold_start_ms``.

How the table becomes a distribution:
- per runtime, a lognormal through the measured median and the upper end of the 95 % range
  (taken as the 97.5 % point): p95 = median x (upper / median) ** (1.645 / 1.960);
- package size adds 0.103 s per zipped MB (JS: 1 KB 0.26 s, 14 MB 1.70 s, 35 MB 3.87 s, the same
  slope on both steps), as a shift of the whole distribution; not applied to container images,
  whose measured start already includes a base image;
- a VPC adds 0.24 s (JS: 0.50 s in a VPC vs 0.26 s outside), as a shift;
- memory changes INIT only for .NET (C#: 3.28 / 1.75 / 1.00 / 0.65 / 0.52 s at 128 / 256 / 512 /
  1,024 / >= 2,048 MB, interpolated in log2 memory, as a factor); the JS series is flat.
"""

from __future__ import annotations

import math

import numpy as np

from archsel.profile.distributions import Distribution
from archsel.profile.lambda_schema import LambdaSettings

_Z95 = 1.6448536269514722
_Z975 = 1.959963984540054

# runtime family -> (median s, upper end of the 95 % range s), Shilkov's 2021 data
_MEASURED_S: dict[str, tuple[float, float]] = {
    "python": (0.22, 0.53),
    "nodejs": (0.26, 0.60),
    "java": (0.37, 0.69),
    "dotnet": (0.52, 0.83),  # C# at >= 2 GB; smaller memory scales it (below)
    "ruby": (0.28, 0.60),
    "provided": (0.31, 0.66),  # Go, which now runs on provided.al2023
    "container": (0.79, 1.40),  # container image with a Node base
}
PACKAGE_S_PER_MB = 0.103
VPC_EXTRA_S = 0.24
_DOTNET_BY_MEMORY_S = ((128.0, 3.28), (256.0, 1.75), (512.0, 1.00), (1_024.0, 0.65), (2_048.0, 0.52))


def runtime_family(runtime: str) -> str:
    """The measured family of a runtime name.

    >>> runtime_family("python3.12"), runtime_family("provided.al2023"), runtime_family("dotnet8")
    ('python', 'provided', 'dotnet')
    """
    for family in _MEASURED_S:
        if runtime.startswith(family):
            return family
    raise ValueError(f"no cold-start measurement for runtime {runtime!r}")


def dotnet_memory_factor(memory_mb: float) -> float:
    """INIT multiplier of a .NET function at ``memory_mb`` relative to >= 2,048 MB.

    >>> round(dotnet_memory_factor(512), 3), dotnet_memory_factor(4096)
    (1.923, 1.0)
    """
    memories = np.log2([point[0] for point in _DOTNET_BY_MEMORY_S])
    seconds = [point[1] for point in _DOTNET_BY_MEMORY_S]
    at = float(np.interp(math.log2(memory_mb), memories, seconds))
    return at / _DOTNET_BY_MEMORY_S[-1][1]


def default_cold_start_ms(settings: LambdaSettings) -> Distribution:
    """INIT duration (ms) for a function with ``settings``, from the measurements above.

    >>> default_cold_start_ms(LambdaSettings(package_mb=0)).describe()
    'lognormal p50 220 p95 460.134'
    """
    family = runtime_family(settings.runtime)
    median_s, upper_s = _MEASURED_S[family]
    p95_s = median_s * (upper_s / median_s) ** (_Z95 / _Z975)
    factor = dotnet_memory_factor(settings.memory_mb) if family == "dotnet" else 1.0
    shift_s = (0.0 if family == "container" else PACKAGE_S_PER_MB * settings.package_mb) + (
        VPC_EXTRA_S if settings.vpc else 0.0
    )
    p50_ms = round((median_s * factor + shift_s) * 1_000.0, 3)
    p95_ms = round((p95_s * factor + shift_s) * 1_000.0, 3)
    return Distribution(distribution="lognormal", p50=p50_ms, p95=p95_ms)


def cold_start_ms(settings: LambdaSettings) -> Distribution:
    """The profile's INIT distribution, or the measured default."""
    return settings.cold_start_ms if settings.cold_start_ms is not None else default_cold_start_ms(settings)
