"""Oracle for the Lambda simulator: a plain SimPy model with one process per request.

Written for obviousness, not speed (about 50,000 requests per second): Python objects for
execution environments, a list for the warm pool (most recently used last), a SimPy timer per
idle period for keep-alive expiry, SimPy processes for provisioned-concurrency changes. It reads
the same `LambdaConfig` and consumes the same random inputs as the fast model, so on the same
seed the two must agree request for request.

Event order at equal times, by SimPy priority: completions, then expiries, then control
changes, then arrivals (the fast kernel's documented conventions).
"""

from __future__ import annotations

import math
from collections.abc import Generator, Iterator
from dataclasses import dataclass, field

import numpy as np
import simpy
from simpy.events import EventPriority

from archsel.profile.schema import WorkloadProfile
from archsel.sim.lambda_.config import LambdaConfig
from archsel.sim.lambda_.inputs import ColdBlock, Streams, cold_blocks, request_chunks

COMPLETION, EXPIRY, CONTROL, ARRIVAL = 0, 1, 2, 3


class _At(simpy.Timeout):
    """A timeout with an explicit SimPy priority (smaller fires first at equal times)."""

    def __init__(self, env: simpy.Environment, delay: float, priority: int) -> None:
        simpy.Event.__init__(self, env)
        self._delay = delay
        self._ok = True
        self._value = None
        env.schedule(self, EventPriority(priority), delay)


@dataclass
class TokenBucket:
    """Continuous-refill token bucket: ``capacity`` tokens, ``rate`` per second."""

    capacity: float
    rate: float
    tokens: float
    last: float

    def take(self, now: float) -> bool:
        self.tokens = min(self.capacity, self.tokens + self.rate * (now - self.last))
        self.last = now
        if self.tokens < 1.0 - 1e-9:
            return False
        self.tokens -= 1.0
        return True


@dataclass(eq=False)
class ExecEnv:
    serial: int
    birth: float
    retire_at: float
    idle_generation: int = 0
    reset: bool = False


@dataclass
class Outcome:
    """Everything the reference observed, reduced to the fast model's statistics."""

    requests: int = 0
    api_throttled: int = 0
    concurrency_throttled: int = 0
    scaling_throttled: int = 0
    cold: int = 0
    warm: int = 0
    provisioned: int = 0
    gateway_timeouts: int = 0
    function_timeouts: int = 0
    init_retries: int = 0
    ondemand_ms: int = 0
    init_ms: int = 0
    provisioned_ms: int = 0
    busy_s: float = 0.0
    alive_s: float = 0.0
    occupancy_s: float = 0.0
    latencies_ms: list[float] = field(default_factory=list)
    log: list[tuple[float, str, int, int]] = field(default_factory=list)


def _billed_ms(seconds: float) -> int:
    return math.ceil(seconds * 1_000.0 - 1e-6)


class ReferenceLambda:
    """The model, one SimPy process per request."""

    def __init__(self, env: simpy.Environment, config: LambdaConfig, cold: Iterator[ColdBlock]) -> None:
        self.env, self.config = env, config
        self.cold_values = (pair for block in cold for pair in zip(block.init_s, block.age, strict=True))
        start = -config.warmup_s
        self.api = TokenBucket(config.api_burst, config.api_rate_per_s, config.api_burst, start)
        self.scaling = TokenBucket(config.scaling_bucket, config.scaling_refill_per_s, config.scaling_bucket, start)
        self.idle: list[ExecEnv] = []
        self.od_inflight = self.pc_inflight = 0
        self.pc_ready = self.pc_configured = config.provisioned_initial
        self.serial = 0
        self.out = Outcome()

    def _note(self, time: float, kind: str, request: int, env: int) -> None:
        self.out.log.append((time, kind, request, env))

    # ------------------------------------------------------------------ arrivals

    def arrivals(self, profile: WorkloadProfile, streams: Streams) -> Generator[simpy.Event, object, None]:
        request = 0
        for chunk in request_chunks(profile, self.config, streams.requests):
            for k in range(chunk.size):
                yield _At(self.env, float(chunk.time_s[k]) - self.env.now, ARRIVAL)
                self.arrive(request, float(chunk.duration_s[k]), float(chunk.keep_alive_s[k]), float(chunk.api_s[k]))
                request += 1

    def arrive(self, request: int, duration: float, keep_alive: float, api: float) -> None:
        now = self.env.now
        measured = now >= 0
        self.out.requests += measured
        if not self.api.take(now):
            self.out.api_throttled += measured
            self._note(now, "api_throttle", request, -1)
            return
        if self.pc_inflight < self.pc_ready:
            self.pc_inflight += 1
            self.out.provisioned += measured
            self._note(now, "provisioned", request, -1)
            self.env.process(self.invoke(request, None, 0.0, duration, keep_alive, api))
            return
        self.on_demand(request, duration, keep_alive, api)

    def on_demand(self, request: int, duration: float, keep_alive: float, api: float) -> None:
        now = self.env.now
        measured = now >= 0
        if self.od_inflight >= self.config.concurrency_limit - self.pc_configured:
            self.out.concurrency_throttled += measured
            self._note(now, "concurrency_throttle", request, -1)
            return
        if self.idle:
            environment = self.idle.pop()  # most recently used
            environment.idle_generation += 1  # cancels its expiry timer
            self.out.warm += measured
            self._note(now, "warm", request, environment.serial)
            init_s = 0.0
        else:
            if not self.scaling.take(now):
                self.out.scaling_throttled += measured
                self._note(now, "scaling_throttle", request, -1)
                return
            init_s, age = next(self.cold_values)
            life = self.config.max_lifetime_s * (1.0 if now >= 0 else 1.0 - float(age))
            environment = ExecEnv(self.serial, now, now + life)
            self.serial += 1
            self.out.cold += measured
            retry = init_s > self.config.init_cap_s
            self.out.init_retries += measured and retry
            self._note(now, "cold_init_retry" if retry else "cold", request, environment.serial)
        self.od_inflight += 1
        self.env.process(self.invoke(request, environment, float(init_s), duration, keep_alive, api))

    # ------------------------------------------------------------------ one invocation

    def invoke(
        self, request: int, environment: ExecEnv | None, init_s: float, duration: float, keep_alive: float, api: float
    ) -> Generator[simpy.Event, object, None]:
        config, start = self.config, self.env.now
        if init_s > config.init_cap_s:
            init_phase, extra = config.init_cap_s, init_s
        else:
            init_phase, extra = init_s, 0.0
        raw = extra + duration
        run = min(raw, config.timeout_s)
        busy = init_phase + run
        serial = environment.serial if environment else -1
        self._account(start, busy, run, init_phase, raw, api, request, serial, environment is None)
        yield _At(self.env, busy, COMPLETION)
        self._note(self.env.now, "done", request, serial)
        if environment is None:
            self.pc_inflight -= 1
            return
        self.od_inflight -= 1
        if raw > config.timeout_s:
            self.die(environment, "reset")
        elif self.env.now >= environment.retire_at:
            self.die(environment, "retire")
        else:
            self.idle.append(environment)
            self.env.process(self.keep_alive(environment, min(self.env.now + keep_alive, environment.retire_at)))

    def _account(
        self,
        start: float,
        busy: float,
        run: float,
        init: float,
        raw: float,
        api: float,
        request: int,
        env: int,
        pc: bool,
    ) -> None:
        config, out = self.config, self.out
        out.busy_s += max(0.0, min(start + busy, config.horizon_s) - max(start, 0.0))
        if busy > config.integration_timeout_s:
            self._note(start + config.integration_timeout_s, "gateway_timeout", request, env)
        elif raw > config.timeout_s:
            self._note(start + busy, "function_timeout", request, env)
        if start < 0:
            return
        out.occupancy_s += busy
        if pc:
            out.provisioned_ms += _billed_ms(run)
        else:
            out.ondemand_ms += _billed_ms(run)
            out.init_ms += _billed_ms(init)
        if busy > config.integration_timeout_s:
            out.gateway_timeouts += 1
        elif raw > config.timeout_s:
            out.function_timeouts += 1
        else:
            out.latencies_ms.append((api + busy) * 1_000.0)

    def keep_alive(self, environment: ExecEnv, expiry: float) -> Generator[simpy.Event, object, None]:
        generation = environment.idle_generation
        yield _At(self.env, expiry - self.env.now, EXPIRY)
        if environment.idle_generation == generation:  # still idle since it was parked
            self.idle.remove(environment)
            self.die(environment, "retire" if expiry >= environment.retire_at else "expire")

    def die(self, environment: ExecEnv, kind: str) -> None:
        now = self.env.now
        self.out.alive_s += max(0.0, min(now, self.config.horizon_s) - max(environment.birth, 0.0))
        self._note(now, kind, -1, environment.serial)

    # ------------------------------------------------------------------ provisioned concurrency

    def provisioned(self) -> Generator[simpy.Event, object, None]:
        for change in self.config.provisioned_changes:
            yield _At(self.env, change.time_s - self.env.now, CONTROL)
            self.pc_configured = change.count
            self._note(self.env.now, "provisioned_configured", -1, change.count)
            if change.count < self.pc_ready:
                self.pc_ready = change.count
                self._note(self.env.now, "provisioned_ready", -1, change.count)
            self.env.process(self.allocate(change.count))

    def allocate(self, count: int) -> Generator[simpy.Event, object, None]:
        yield _At(self.env, self.config.provisioned_allocation_s, CONTROL)
        target = max(self.pc_ready, min(count, self.pc_configured))
        if target != self.pc_ready:
            self.pc_ready = target
            self._note(self.env.now, "provisioned_ready", -1, target)


def run_reference(profile: WorkloadProfile, config: LambdaConfig, rng: np.random.Generator) -> Outcome:
    """Run the reference model to the end (every environment retired or expired)."""
    streams = Streams.from_rng(rng)
    env = simpy.Environment(initial_time=-config.warmup_s)
    model = ReferenceLambda(env, config, cold_blocks(config, streams.cold_starts))
    env.process(model.arrivals(profile, streams))
    if config.provisioned_changes:
        env.process(model.provisioned())
    env.run()
    model.out.log = sorted((entry for entry in model.out.log if entry[0] < config.horizon_s), key=lambda e: e[0])
    return model.out
