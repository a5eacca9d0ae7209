"""Aggregate API Gateway + Lambda Managed Instances model: the exact fleet and scaler over a per-second request side.

The capacity provider's instances, their launch delay, the three-instance floor and the
asynchronous CPU/saturation scaler run as in the exact model (archsel.sim.lambda_managed); only
the requests become aggregate (managed_plane.py): each second the arrivals meet the instances in
service in the stationary state of a birth-death chain of requests in flight, where the
environments of an instance share its vCPUs and a full fleet throttles (Lambda never queues a
synchronous invoke). Time and memory do not grow with the rate or the horizon: one traffic cycle
of per-second arrays.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from archsel.profile.architecture import Architecture
from archsel.profile.schema import WorkloadProfile
from archsel.sim.aggregate.managed_plane import ManagedPlane
from archsel.sim.fargate.dataplane import DataPlaneSetup
from archsel.sim.lambda_managed.model import run_lambda_managed
from archsel.sim.lambda_managed.scaler import ManagedRequestSide
from archsel.sim.result import SimOptions, SimRun
from archsel.sim.seam import run_generator
from archsel.sim.sizing import aggregate_window_s


def simulate_lambda_managed_aggregate(profile: WorkloadProfile, options: SimOptions) -> SimRun:
    """The aggregate model of ``profile`` on API Gateway + Lambda Managed Instances (a `Simulator`)."""
    windowed = replace(options, horizon_s=aggregate_window_s(profile, options.horizon_s))
    outcome = run_lambda_managed(
        profile, rng=run_generator(Architecture.LAMBDA_MANAGED, options), options=windowed, request_side=_aggregate
    )
    return replace(outcome.run, model="aggregate")


def _aggregate(setup: DataPlaneSetup, rate: np.ndarray, rng: np.random.Generator) -> ManagedRequestSide:
    return ManagedPlane(setup, rate, rng)
