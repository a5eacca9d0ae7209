"""Aggregate ALB + ECS Fargate model: the exact control plane over a fluid request side, for traffic too big per request.

The fleet, its task launches, health checks, draining and the autoscaling alarms run as in the exact
model (archsel.sim.fargate.model.run_fargate); only the requests become a fluid: each second the
ALB spreads that second's arrivals evenly over the tasks in service, which serve them at their
CPU-bound or concurrency-bound capacity; what they cannot serve waits in a shared backlog (up to
the queue limits, beyond them 503s). Latency is a seeded sample of the per-request path at each
second's load: handler time slowed by the requests in service beside it (Poisson around the
second's mean), the backlog's wait and the ALB's own latency. Memory is a few per-second arrays
over one traffic cycle, whatever the rate or horizon.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from archsel.profile.architecture import Architecture
from archsel.profile.schema import WorkloadProfile
from archsel.sim.aggregate.fluid_plane import FluidPlane
from archsel.sim.fargate.dataplane import DataPlaneSetup, RequestSide
from archsel.sim.fargate.model import run_fargate
from archsel.sim.result import SimOptions, SimRun
from archsel.sim.seam import run_generator
from archsel.sim.sizing import aggregate_window_s


def simulate_fargate_aggregate(profile: WorkloadProfile, options: SimOptions) -> SimRun:
    """The aggregate model of ``profile`` on ALB + ECS Fargate (a `Simulator`)."""
    windowed = replace(options, horizon_s=aggregate_window_s(profile, options.horizon_s))
    outcome = run_fargate(
        profile, rng=run_generator(Architecture.FARGATE, options), options=windowed, request_side=_fluid
    )
    return replace(outcome.run, model="aggregate")


def _fluid(setup: DataPlaneSetup, rate: np.ndarray, rng: np.random.Generator) -> RequestSide:
    return FluidPlane(setup, rate, rng)
