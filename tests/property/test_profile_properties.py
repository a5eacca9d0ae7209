"""Any YAML document gives a WorkloadProfile or a clean ProfileError from parse_profile, never another exception."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel

from archsel.errors import ProfileError
from archsel.profile.loader import parse_profile
from archsel.profile.schema import WorkloadProfile
from archsel.resources import scenarios_dir

SOURCE = "fuzz.yaml"
SCENARIO_PATHS = sorted(scenarios_dir().glob("*.yaml"))
Path_ = tuple[str | int, ...]


def schema_keys(model: type[BaseModel] = WorkloadProfile) -> set[str]:
    """Every key the profile format knows, so random documents often hit real fields."""
    keys: set[str] = set()
    for name, info in model.model_fields.items():
        keys.add(info.alias or name)
        for sub in BaseModel.__subclasses__():
            if sub.__module__.startswith("archsel") and sub.__name__ in str(info.annotation):
                keys |= schema_keys(sub)
    return keys


KEYS = sorted(schema_keys() | {"distribution", "p50", "p95", "mean", "min", "max", "fixed"})

# Values that broke parsers before, drawn often: overflowing ints, inf/nan, wrong types.
edge_values: st.SearchStrategy[Any] = st.sampled_from(
    [
        *(10**400, -(10**400), float("inf"), float("-inf"), float("nan"), -1, 0, "abc", "", True, None, [], {}),
        *("9" * 400, "9" * 400 + "d", "25:00", "1e400", "a\0b", "2001-13-45"),
    ]
)
scalars = st.one_of(
    edge_values,
    st.none(),
    st.booleans(),
    st.integers(),
    st.sampled_from([0, -1, 10**400, -(10**400), 2**63]),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=12),
    st.from_regex(r"\A-?[0-9]{1,3}(\.[0-9])?[smhd]?\Z"),  # durations, some invalid
    st.from_regex(r"\A[0-9]{1,2}:[0-9]{2}(:[0-9]{2})?\Z"),  # clock times, some invalid
    st.sampled_from(["lognormal", "uniform", "exponential", "fixed", "trace", "diurnal", "weekly", "arm64"]),
)
keys = st.one_of(st.sampled_from(KEYS), st.text(max_size=8), st.integers(-3, 3))
documents = st.recursive(
    scalars,
    lambda children: st.one_of(st.lists(children, max_size=4), st.dictionaries(keys, children, max_size=5)),
    max_leaves=25,
)
near_profiles = st.fixed_dictionaries(
    {"version": st.one_of(st.just(1), scalars), "name": st.one_of(st.just("api"), scalars)},
    optional={
        (info.alias or name): documents
        for name, info in WorkloadProfile.model_fields.items()
        if name not in {"version", "name"}
    },
)


def check(text: str, base_dir: Path | None = None) -> None:
    """The property: a profile, or a ProfileError whose message starts with the source."""
    try:
        profile = parse_profile(text, source=SOURCE, base_dir=base_dir)
    except ProfileError as error:
        assert error.message.startswith(SOURCE), error.message
        assert error.message.strip()
    else:
        assert isinstance(profile, WorkloadProfile)


def dump(document: Any) -> str:
    return yaml.safe_dump(document, sort_keys=False, allow_unicode=True)


@pytest.mark.slow  # ~3-6 s on a loaded 2-core machine
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents)
def test_any_yaml_document(document: Any) -> None:
    check(dump(document))


@pytest.mark.slow  # ~3-6 s on a loaded 2-core machine
@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(near_profiles)
def test_documents_that_look_like_profiles(document: dict[str, Any]) -> None:
    check(dump(document))


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("{}[]:-,'\"\n #&*!|>%@`?~.0123456789abcdefz_\t\\")), max_size=60))
def test_any_yaml_like_text(text: str) -> None:
    check(text)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=80))
def test_any_text(text: str) -> None:
    check(text)


# ----------------------------------------------------------------------------- mutations of valid profiles


def node_paths(node: Any, path: Path_ = ()) -> list[Path_]:
    """Every key and list item in a document, parents before children."""
    found = [path]
    if isinstance(node, dict):
        for key, value in node.items():
            found += node_paths(value, (*path, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found += node_paths(value, (*path, index))
    return found


def mutate(document: Any, path: Path_, kind: str, value: Any) -> Any:
    """A copy of ``document`` with the node at ``path`` replaced, removed, or given an extra key."""
    if not path:
        return value if kind == "replace" else document
    head, rest = path[0], path[1:]
    copy: Any = dict(document) if isinstance(document, dict) else list(document)
    if rest:
        copy[head] = mutate(copy[head], rest, kind, value)
    elif kind == "remove":
        del copy[head]
    elif kind == "add_key" and isinstance(copy[head], dict):
        copy[head] = {**copy[head], "surely_not_a_key": value}
    else:
        copy[head] = value
    return copy


VALID = {path.stem: yaml.safe_load(path.read_text(encoding="utf-8")) for path in SCENARIO_PATHS}


@pytest.mark.parametrize("name", sorted(VALID))
def test_shipped_scenarios_are_the_valid_starting_points(name: str) -> None:
    assert isinstance(parse_profile(dump(VALID[name]), base_dir=scenarios_dir()), WorkloadProfile)


@pytest.mark.slow  # ~3-6 s on a loaded 2-core machine
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_mutated_valid_profiles(data: st.DataObject) -> None:
    name = data.draw(st.sampled_from(sorted(VALID)), label="scenario")
    document = VALID[name]
    path = data.draw(st.sampled_from(node_paths(document)[1:]), label="path")
    kind = data.draw(st.sampled_from(["replace", "remove", "add_key"]), label="mutation")
    value = data.draw(st.one_of(edge_values, scalars, documents), label="value")
    check(dump(mutate(document, path, kind, value)), base_dir=scenarios_dir())


# ----------------------------------------------------------------------------- the crashes found, kept as examples


@pytest.mark.parametrize(
    "text",
    [
        "a: " + "[" * 5_000 + "]" * 5_000 + "\n",  # RecursionError in PyYAML
        "".join("  " * depth + "k:\n" for depth in range(3_000)),
        "version: 1\nname: a\ntraffic: {mean_rps: 1}\nsimulation: {horizon: " + "9" * 400 + "}\n",  # OverflowError
        "version: 1\nname: a\ntraffic: {mean_rps: 1, peak_hour_utc: " + "9" * 400 + "}\n",
        "version: 1\nname: a\ntraffic: {mean_rps: " + "1" * 5_000 + "}\n",  # int digit limit inside PyYAML
        "version: 1\nname: 2001-13-45\n",  # ValueError from PyYAML's timestamp constructor
        "version: 1\nname: !!float abc\n",
        'version: 1\nname: a\ntraffic: {shape: trace, trace: "a\\0b"}\n',  # NUL in a path
        "version: 1\nname: a\ntraffic: {mean_rps: .inf}\n",  # crashed the traffic curve later
        "version: 1\nname: a\ntraffic: {mean_rps: 1, bursts: [{start: 0, every: .inf, duration_s: 1, multiplier: 2}]}\n",
    ],
    ids=[
        "deep-list",
        "deep-map",
        "huge-duration",
        "huge-clock",
        "5000-digit-int",
        "bad-date",
        "bad-float-tag",
        "nul-in-trace-path",
        "infinite-rate",
        "infinite-period",
    ],
)
def test_former_crashes_are_profile_errors(text: str) -> None:
    with pytest.raises(ProfileError) as caught:
        parse_profile(text, source=SOURCE)
    assert caught.value.message.startswith(SOURCE)


def test_unreadable_trace_files_are_profile_errors(tmp_path: Path) -> None:
    (tmp_path / "binary.csv").write_bytes(b"\xff\xfe\x00minute,count\n")
    (tmp_path / "huge.csv").write_text("minute,count\n0," + "1" * 200_000 + "\n", encoding="utf-8")
    (tmp_path / "nan.csv").write_text("minute,count\n0,nan\n", encoding="utf-8")
    for name in ("binary.csv", "huge.csv", "nan.csv"):
        text = f"version: 1\nname: a\ntraffic: {{shape: trace, trace: {name}}}\n"
        with pytest.raises(ProfileError, match=r"fuzz\.yaml:3: traffic\.trace"):
            parse_profile(text, source=SOURCE, base_dir=tmp_path)


# ----------------------------------------------------------------------------- every leaf x every edge value


FULL_TEXT = """
version: 1
name: full
region: us-east-1
traffic:
  mean_rps: 2
  shape: weekly
  peak_rps: 5
  peak_hour_utc: "18:00"
  weekend_factor: 0.5
  bursts: [{start: "12:00", every: 6h, duration_s: 60, multiplier: 3}]
  arrival: poisson
  growth: 5%/month
request:
  duration_ms: {distribution: lognormal, p50: 80, p95: 400}
  cpu_fraction: 0.5
  payload_kb: 4
  response_kb: 16
  routes:
    - {method: GET, path: "/items/{id}", share: 0.7, duration_ms: {distribution: lognormal, p50: 40, p95: 200},
       memory_mb: 512, payload_kb: 1, group: reads}
    - {method: POST, path: /items, share: 0.3, group: writes}
lambda:
  memory_mb: 1024
  architecture: arm64
  runtime: python3.12
  package_mb: 5
  vpc: false
  nat_gateway: false
  ephemeral_storage_mb: 512
  timeout_s: 29
  api: http
  provisioned_concurrency: [{from: "08:00", to: "20:00", count: 2}]
  provisioned_allocation_s: 90
  reserved_concurrency: 10
  account_concurrency: 1000
  scaling_rule: legacy
  burst_concurrency: 3000
  cold_start_ms: {distribution: exponential, mean: 250}
  keep_alive_s: {distribution: uniform, min: 300, max: 420}
  max_lifetime_s: 14400
  api_rate_limit_rps: 10000
  api_burst: 5000
  layout: grouped
fargate:
  vcpu: 0.5
  memory_gb: 1
  architecture: x86_64
  concurrency_per_task: 50
  queue_limit: 100
  min_tasks: 1
  max_tasks: 20
  scaling:
    metric: cpu
    target: 60
    scale_out_cooldown_s: 300
    scale_in_cooldown_s: 300
    metric_period_s: 60
    scale_out_datapoints: 3
    scale_in_datapoints: 15
    policy: step
    scale_out: {threshold: 70, datapoints: 3, adjustment: percent, cooldown_s: 300, min_adjustment_magnitude: 1,
                aggregation: average, steps: [{lower: 0, upper: 20, change: 10}, {lower: 20, upper: null, change: 30}]}
    scale_in: {threshold: 30, datapoints: 15, adjustment: percent, cooldown_s: 300, min_adjustment_magnitude: 1,
               aggregation: average, steps: [{lower: -10, upper: 0, change: -10}, {lower: null, upper: -10, change: -20}]}
  schedule: [{from: "08:00", to: "20:00", min_tasks: 4, max_tasks: 30}]
  task_start_s: {fixed: 60}
  health_check_interval_s: 30
  deregistration_delay_s: 300
  load_balancing: least_outstanding
  ephemeral_storage_gb: 20
  spot: 0.5
  spot_interruptions_per_task_hour: 0.005
  nat_gateway: false
  vcpu_quota: 4000
  alb: {requests_per_connection: 5, connection_duration_s: 120, rules_evaluated: 1}
database:
  kind: aurora-postgres
  reads_per_request: 1
  writes_per_request: 0.2
  item_kb: 1
  storage_gb: 10
  aurora: {min_acu: 0.5, max_acu: 8, mean_acu: 1, rds_proxy: auto, io_per_request: 2}
storage: {stored_gb: 100, uploads_per_month: 1000, upload_mb: 5, downloads_per_month: 100, presigned_urls: true,
          efs_gb: 0}
frontend: {enabled: true, visits_per_month: 1000, page_weight_mb: 2, requests_per_visit: 20, cache_hit_ratio: 0.9,
           domain: example.com}
auth: {provider: oidc, monthly_active_users: 100, tier: essentials, issuer: "https://idp.example.com", audience: [api],
  monthly_usd: 25}
logs: {kb_per_request: 0.5, retention_days: 30, compression_ratio: 0.2}
lambda_managed:
  {instance_type: m7g.large, architecture: arm64, memory_mb: 2048, memory_gib_per_vcpu: 2, per_environment_concurrency: 16,
   min_instances: 3, max_instances: 30, target_cpu: 50, metric_period_s: 60, launch_s: 120, scale_in_cooldown_s: 600,
   cpu_admission: 2}
slo: {p99_latency_ms: 500, p95_latency_ms: 200, max_error_ratio: 0.001, monthly_budget_usd: 100}
simulation:
  {horizon: 1d, warmup: 10m, seed: 1, replications: 3, allow_short_horizon: false, budget: {seconds: 30, memory_gb: 2, model: auto}}
pricing: {free_tier: false, hours_per_month: 730, savings_plan: {term: 1y, payment: none, coverage: 0.8}}
"""
FULL: dict[str, Any] = yaml.safe_load(FULL_TEXT)
# Four kinds of wrong (null and the rest come from the hypothesis tests above): an int that
# overflows a float, infinity, a string, a nested list.
EDGE_LIST: list[Any] = [10**400, float("inf"), "abc", [[]]]


def leaf_paths(node: Any) -> list[Path_]:
    """Paths to the scalars of a document."""
    return [path for path in node_paths(node) if not isinstance(get(node, path), dict | list)]


def get(node: Any, path: Path_) -> Any:
    for part in path:
        node = node[part]
    return node


def test_the_full_document_is_valid_and_spells_out_every_key() -> None:
    from archsel.profile import reference_doc as docs

    parse_profile(FULL_TEXT)  # valid as written
    written = {".".join(str(part) for part in path if isinstance(part, str)) for path in node_paths(FULL)}
    documented = {
        f"{section.path.replace('[]', '')}.{row.key}".lstrip(".")
        for section in docs.collect_sections()
        for row in section.fields
    }
    # exclusive with keys the document spells out: a trace or a rate; a coverage or a commitment
    loader_only = {
        "traffic.trace",
        "traffic.trace_counts",
        "traffic.requests_per_month",
        "pricing.savings_plan.commitment_usd_per_hour",
    }
    assert documented - loader_only <= written, documented - loader_only - written


@pytest.mark.parametrize("path", leaf_paths(FULL), ids=lambda path: ".".join(map(str, path)))
def test_every_leaf_with_every_edge_value(path: Path_) -> None:
    for value in EDGE_LIST:
        check(dump(mutate(FULL, path, "replace", value)))
    check(dump(mutate(FULL, path, "remove", None)))


@pytest.mark.parametrize(
    "path", [p for p in node_paths(FULL)[1:] if isinstance(get(FULL, p), dict)], ids=lambda p: ".".join(map(str, p))
)
def test_every_mapping_with_an_unknown_key(path: Path_) -> None:
    with pytest.raises(ProfileError, match="surely_not_a_key: unknown key"):
        parse_profile(dump(mutate(FULL, path, "add_key", 1)))
