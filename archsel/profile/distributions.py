"""Validated probability distributions for durations (request time, cold start, keep-alive, task start).

Each knows its analytic mean and samples from a numpy Generator that the caller passes in,
so no global random state exists anywhere (Ciw's convention). Values are unit-free: the
profile field that holds a distribution names the unit (``duration_ms``, ``keep_alive_s``).
"""

from __future__ import annotations

import math
from typing import Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, model_validator

from archsel.profile.strict_numbers import refuse_booleans

# z-score of the 95th percentile of a standard normal: p95 = p50 * exp(Z95 * sigma).
Z95 = 1.6448536269514722

DistributionKind = Literal["fixed", "lognormal", "exponential", "uniform"]

_REQUIRED: dict[str, tuple[str, ...]] = {
    "fixed": ("fixed",),
    "lognormal": ("p50", "p95"),
    "exponential": ("mean",),
    "uniform": ("min", "max"),
}


class Distribution(BaseModel):
    """One of ``{fixed: x}``, ``{distribution: lognormal, p50, p95}``,
    ``{distribution: exponential, mean}`` or ``{distribution: uniform, min, max}``."""

    # allow_inf_nan=False: .inf and .nan are valid YAML floats but no profile quantity is infinite;
    # left in, they crash the traffic curve (int(inf)) far from the line that caused them.
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True, allow_inf_nan=False)

    distribution: DistributionKind = "fixed"
    fixed: float | None = Field(default=None, ge=0)
    p50: float | None = Field(default=None, gt=0)
    p95: float | None = Field(default=None, gt=0)
    mean_value: float | None = Field(default=None, gt=0, alias="mean")
    min: float | None = Field(default=None, ge=0)
    max: float | None = Field(default=None, ge=0)

    @model_validator(mode="before")
    @classmethod
    def _number_means_fixed(cls, data: object) -> object:
        if isinstance(data, int | float) and not isinstance(data, bool):
            return {"fixed": data}
        return refuse_booleans(cls, data)

    @model_validator(mode="after")
    def _check_parameters(self) -> Distribution:
        needed = _REQUIRED[self.distribution]
        given = {name for name in ("fixed", "p50", "p95", "min", "max") if getattr(self, name) is not None}
        if self.mean_value is not None:
            given.add("mean")
        missing = [name for name in needed if name not in given]
        extra = sorted(given - set(needed))
        if missing:
            raise ValueError(f"{self.distribution} needs {', '.join(needed)} (missing {', '.join(missing)})")
        if extra:
            raise ValueError(f"{self.distribution} takes only {', '.join(needed)} (remove {', '.join(extra)})")
        if self.distribution == "lognormal" and self.p95 is not None and self.p50 is not None and self.p95 < self.p50:
            raise ValueError(f"p95 must be >= p50 (got p95 {self.p95} < p50 {self.p50})")
        if self.distribution == "uniform" and self.max is not None and self.min is not None and self.max < self.min:
            raise ValueError(f"max must be >= min (got max {self.max} < min {self.min})")
        return self

    @classmethod
    def constant(cls, value: float) -> Distribution:
        """A degenerate distribution that always gives ``value``."""
        return cls(fixed=value)

    @property
    def lognormal_sigma(self) -> float:
        """Shape parameter sigma of the lognormal fitted to p50 and p95."""
        assert self.p50 is not None and self.p95 is not None
        return math.log(self.p95 / self.p50) / Z95

    def mean(self) -> float:
        """The analytic mean."""
        if self.distribution == "fixed":
            return float(self.fixed or 0.0)
        if self.distribution == "lognormal":
            assert self.p50 is not None
            return self.p50 * math.exp(self.lognormal_sigma**2 / 2)
        if self.distribution == "exponential":
            assert self.mean_value is not None
            return self.mean_value
        assert self.min is not None and self.max is not None
        return (self.min + self.max) / 2

    def quantile(self, q: float) -> float:
        """The analytic q-quantile (0 < q < 1)."""
        if self.distribution == "fixed":
            return float(self.fixed or 0.0)
        if self.distribution == "lognormal":
            assert self.p50 is not None
            return self.p50 * math.exp(self.lognormal_sigma * _normal_ppf(q))
        if self.distribution == "exponential":
            assert self.mean_value is not None
            return -self.mean_value * math.log1p(-q)
        assert self.min is not None and self.max is not None
        return self.min + q * (self.max - self.min)

    def sample(self, rng: np.random.Generator, size: int) -> np.ndarray:
        """``size`` independent draws as a float64 array."""
        if self.distribution == "fixed":
            return np.full(size, float(self.fixed or 0.0))
        if self.distribution == "lognormal":
            assert self.p50 is not None
            return rng.lognormal(math.log(self.p50), self.lognormal_sigma, size)
        if self.distribution == "exponential":
            return rng.exponential(float(self.mean_value or 0.0), size)
        return rng.uniform(float(self.min or 0.0), float(self.max or 0.0), size)

    def scaled(self, factor: float) -> Distribution:
        """The same shape with every value multiplied by ``factor`` (> 0)."""
        updates = {
            name: getattr(self, name) * factor
            for name in ("fixed", "p50", "p95", "min", "max", "mean_value")
            if getattr(self, name) is not None
        }
        return self.model_copy(update=updates)

    def describe(self) -> str:
        """Short human form, e.g. 'lognormal p50 80 p95 400'."""
        if self.distribution == "fixed":
            return f"fixed {self.fixed:g}"
        if self.distribution == "lognormal":
            return f"lognormal p50 {self.p50:g} p95 {self.p95:g}"
        if self.distribution == "exponential":
            return f"exponential mean {self.mean_value:g}"
        return f"uniform {self.min:g}-{self.max:g}"


def _normal_ppf(q: float) -> float:
    """Inverse standard normal CDF (Acklam's rational approximation, |error| < 1.2e-9)."""
    if not 0 < q < 1:
        raise ValueError("q must be in (0, 1)")
    a = (
        -3.969683028665376e01,
        2.209460984245205e02,
        -2.759285104469687e02,
        1.383577518672690e02,
        -3.066479806614716e01,
        2.506628277459239e00,
    )
    b = (
        -5.447609879822406e01,
        1.615858368580409e02,
        -1.556989798598866e02,
        6.680131188771972e01,
        -1.328068155288572e01,
    )
    c = (
        -7.784894002430293e-03,
        -3.223964580411365e-01,
        -2.400758277161838e00,
        -2.549732539343734e00,
        4.374664141464968e00,
        2.938163982698783e00,
    )
    d = (7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e00, 3.754408661907416e00)
    if q < 0.02425:
        t = math.sqrt(-2 * math.log(q))
        num = ((((c[0] * t + c[1]) * t + c[2]) * t + c[3]) * t + c[4]) * t + c[5]
        return num / ((((d[0] * t + d[1]) * t + d[2]) * t + d[3]) * t + 1)
    if q > 1 - 0.02425:
        return -_normal_ppf(1 - q)
    t = q - 0.5
    r = t * t
    num = (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * t
    return num / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1)
