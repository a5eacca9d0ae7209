"""Issue 15: the biggest profile the limits allow (1 MB, 150,000 values) loads in seconds, not ~15 s."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
import yaml

from archsel.errors import ProfileError
from archsel.profile import loader
from archsel.profile.input_limits import MAX_NODES, PROFILE_MAX_BYTES, TooManyNodes, check_node_count
from archsel.profile.loader import load_profile, parse_profile

# Nodes besides the counts: the root mapping, 3 top-level key/value pairs, the traffic mapping,
# its shape pair and the trace_counts key and list.
_OTHER_NODES = 1 + 3 * 2 + 1 + 2 + 2


def biggest_profile(style: str) -> str:
    """A legal profile at the value limit: per-minute counts inline, as a block list or a flow list."""
    count = MAX_NODES - _OTHER_NODES
    if style == "block":  # "  - 7\n": six bytes a value keeps 150,000 of them under 1 MB
        counts = "".join(f"  - {minute % 10}\n" for minute in range(count))
        text = f"version: 1\nname: big\ntraffic:\n  shape: trace\n  trace_counts:\n{counts}"
    else:
        counts = ", ".join(str(100 + minute % 900) for minute in range(count))
        text = f"version: 1\nname: big\ntraffic: {{shape: trace, trace_counts: [{counts}]}}\n"
    assert len(text.encode()) <= PROFILE_MAX_BYTES
    return text


@pytest.mark.parametrize("style", ["block", "flow"])
def test_the_biggest_legal_profile_loads_in_seconds(tmp_path: Path, style: str) -> None:
    path = tmp_path / "big.yaml"
    path.write_text(biggest_profile(style), encoding="utf-8")
    started = time.process_time()
    profile = load_profile(path)
    elapsed = time.process_time() - started
    assert profile.traffic.trace_counts is not None
    assert len(profile.traffic.trace_counts) == MAX_NODES - _OTHER_NODES
    # ~1 s of CPU with libyaml (was ~3.6 s idle, ~15 s on a loaded machine); generous not to flake
    assert elapsed < 10.0, f"{elapsed:.1f} s of CPU to load a {path.stat().st_size:,}-byte profile"


def test_one_value_more_is_refused_naming_its_line() -> None:
    text = biggest_profile("block") + "simulation: {seed: 1}\n"
    with pytest.raises(ProfileError, match=rf"^big.yaml:{MAX_NODES - _OTHER_NODES + 6}: more than {MAX_NODES:,}"):
        parse_profile(text, source="big.yaml")


SAMPLE = """version: 1
name: same
x-dur: &d {distribution: lognormal, p50: 50, p95: 200}
traffic: {mean_rps: 2, bursts: [{start: 18:30, duration_s: 60, multiplier: 2}]}
fargate:
  min_tasks: 2
  schedule:
    - {from: "22:00", to: 06:00, max_tasks: 2}
"""


def _message(text: str) -> str:
    with pytest.raises(ProfileError) as caught:
        parse_profile(text, source="p.yaml")
    return caught.value.message


@pytest.mark.parametrize(
    "text",
    [
        SAMPLE,  # the anchor's key is unknown: an error naming its line
        SAMPLE.replace("x-dur: &d", "request:\n  duration_ms: &d").replace("traffic:", "t: *d\ntraffic:"),
        SAMPLE.replace("min_tasks: 2", "min_tasks: 2\n  min_tasks: 3"),  # a duplicate key
    ],
)
def test_libyaml_and_the_pure_python_parser_give_the_same_errors(text: str, monkeypatch: pytest.MonkeyPatch) -> None:
    fast = _message(text)
    monkeypatch.setattr(loader, "_FAST", False)
    assert _message(text) == fast


def test_both_parsers_place_a_yaml_error_on_the_same_line(monkeypatch: pytest.MonkeyPatch) -> None:
    text = SAMPLE.replace("mean_rps: 2", "mean_rps: [1")
    fast = _message(text)
    monkeypatch.setattr(loader, "_FAST", False)
    slow = _message(text)
    # libyaml words the problem its own way ("did not find expected ',' or ']'"); the place is the same
    assert fast.startswith("p.yaml:4: not valid YAML: ") and slow.startswith("p.yaml:4: not valid YAML: ")


def test_libyaml_and_the_pure_python_parser_read_the_same_profile(monkeypatch: pytest.MonkeyPatch) -> None:
    text = SAMPLE.replace("x-dur: &d", "request:\n  duration_ms: &d")
    fast = parse_profile(text)
    assert fast.fargate.schedule[0].to == 6 * 3600  # a clock time, not the base-60 number 360
    monkeypatch.setattr(loader, "_FAST", False)
    assert parse_profile(text) == fast


def test_the_node_count_stops_at_the_limit_in_document_order() -> None:
    node = yaml.compose("a: [1, 2, 3]\nb: 4\n")
    check_node_count(node, limit=8)  # the mapping, 2 keys, the list, its 3 items and 4: eight nodes
    with pytest.raises(TooManyNodes) as caught:
        check_node_count(node, limit=7)
    assert caught.value.line == 2  # the eighth node, 4, is on line 2
