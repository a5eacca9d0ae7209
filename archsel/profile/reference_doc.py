"""Renders docs/profile.md, the workload-profile reference, from the pydantic schema in archsel/profile/schema.py.

`python3 -m archsel.profile.reference_doc` rewrites docs/profile.md; `python3 -m archsel.profile.reference_doc --check` exits 1
when the file is out of date. Keys, types, defaults and meanings all come from the models, so
the reference cannot drift from what the loader accepts; only the introduction is prose.
"""

from __future__ import annotations

import argparse
import sys
import types
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, Union, get_args, get_origin

import annotated_types
from pydantic import BaseModel, BeforeValidator
from pydantic.fields import FieldInfo

from archsel.profile.distributions import Distribution
from archsel.profile.schema import WorkloadProfile
from archsel.profile.units import format_duration, parse_clock_s, parse_duration_s

PROFILE_DOC = Path(__file__).resolve().parents[2] / "docs" / "profile.md"
REGENERATE = "python3 -m archsel.profile.reference_doc"


@dataclass(frozen=True, slots=True)
class FieldDoc:
    """One row of a section's table."""

    key: str
    type_text: str
    default_text: str
    meaning: str


@dataclass(frozen=True, slots=True)
class SectionDoc:
    """One model of the schema, at its path in the profile (``traffic.bursts[]``)."""

    path: str
    summary: str
    fields: tuple[FieldDoc, ...]


def collect_sections(model: type[BaseModel] = WorkloadProfile, path: str = "") -> tuple[SectionDoc, ...]:
    """The model at ``path`` and every model nested in it, depth first, in field order."""
    fields = tuple(field_doc(name, info) for name, info in model.model_fields.items())
    sections = [SectionDoc(path, _summary(model), fields)]
    for name, info in model.model_fields.items():
        for child, suffix in _nested_models(info.annotation):
            sections.extend(collect_sections(child, f"{path}.{_key(name, info)}".lstrip(".") + suffix))
    return tuple(sections)


def field_doc(name: str, info: FieldInfo) -> FieldDoc:
    """Key, type, default and meaning of one field."""
    return FieldDoc(
        key=_key(name, info),
        type_text=type_text(info),
        default_text=default_text(info),
        meaning=_cell(info.description or ""),
    )


def type_text(info: FieldInfo) -> str:
    """A reader's name for the field's type, with its bounds: ``number or null (≥ 0)``."""
    base = _special_kind(info) or _describe(info.annotation)
    bounds = _bounds(info.metadata)
    return _cell(f"{base} ({bounds})" if bounds else base)


def default_text(info: FieldInfo) -> str:
    """The default as it would be written in the profile."""
    if info.is_required():
        return "required"
    value = info.default
    if isinstance(value, Distribution):
        return f"`{distribution_text(value)}`"
    if isinstance(value, BaseModel):
        return "see its section"
    kind = _special_kind(info)
    if kind == "duration" and isinstance(value, float):
        return f"`{format_duration(value)}`"
    if kind == "clock time" and isinstance(value, float):
        return f"`{int(value // 3_600):02d}:{int(value % 3_600 // 60):02d}`"
    return f"`{_scalar(value)}`"


def distribution_text(value: Distribution) -> str:
    """A distribution in the profile's flow style: ``{distribution: lognormal, p50: 80, p95: 400}``."""
    data = value.model_dump(by_alias=True, exclude_none=True)
    if data.get("distribution") == "fixed":
        data.pop("distribution")
    return "{" + ", ".join(f"{key}: {_scalar(item)}" for key, item in data.items()) + "}"


def render_profile_reference() -> str:
    """The whole of docs/profile.md."""
    parts = [INTRO.strip() + "\n"]
    for section in collect_sections():
        parts.append(_render_section(section))
    return "\n".join(parts)


def _render_section(section: SectionDoc) -> str:
    depth = section.path.count(".") + 2 if section.path else 2
    title = f"`{section.path}`" if section.path else "Top level"
    lines = [f"{'#' * depth} {title}", "", section.summary, ""]
    lines += ["| key | type | default | meaning (and the default's source) |", "|---|---|---|---|"]
    lines += [f"| `{f.key}` | {f.type_text} | {f.default_text} | {f.meaning} |" for f in section.fields]
    return "\n".join(lines) + "\n"


def _key(name: str, info: FieldInfo) -> str:
    return info.alias or name


def _summary(model: type[BaseModel]) -> str:
    return " ".join((model.__doc__ or "").split())


def _nested_models(annotation: Any, suffix: str = "") -> Iterator[tuple[type[BaseModel], str]]:
    """Sections inside a field's type: a model, a list of models (``[]``), or either in a union."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        if annotation is not Distribution:  # documented once, in the introduction
            yield annotation, suffix
        return
    origin = get_origin(annotation)
    if origin is tuple:
        yield from _nested_models(get_args(annotation)[0], suffix + "[]")
    elif _is_union(origin):
        for arg in get_args(annotation):
            yield from _nested_models(arg, suffix)


def _is_union(origin: Any) -> bool:
    return origin is Union or origin is types.UnionType


def _special_kind(info: FieldInfo) -> str | None:
    """Durations and clock times are floats in the model but strings like 10m or 18:00 in YAML."""
    for item in info.metadata:
        if isinstance(item, BeforeValidator) and item.func is parse_duration_s:
            return "duration"
        if isinstance(item, BeforeValidator) and item.func is parse_clock_s:
            return "clock time"
    return None


_PLAIN_TYPES: dict[Any, str] = {
    bool: "boolean",
    int: "integer",
    float: "number",
    str: "string",
    type(None): "null",
    Distribution: "distribution",
}


def _describe(annotation: Any) -> str:
    if annotation in _PLAIN_TYPES:
        return _PLAIN_TYPES[annotation]
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return "mapping"
    origin = get_origin(annotation)
    if origin is Literal:
        return " | ".join(f"`{_scalar(value)}`" for value in get_args(annotation))
    if origin is tuple:
        return f"list of {_plural(_describe(get_args(annotation)[0]))}"
    if _is_union(origin):
        return " or ".join(_describe(arg) for arg in get_args(annotation))
    return str(annotation)


def _plural(word: str) -> str:
    return word if word.endswith("s") or " " in word else word + "s"


def _bounds(metadata: list[Any]) -> str:
    symbols = {"ge": "≥", "gt": ">", "le": "≤", "lt": "<"}
    parts = []
    for item in metadata:
        for attr, symbol in symbols.items():
            if isinstance(item, annotated_types.BaseMetadata) and getattr(item, attr, None) is not None:
                parts.append(f"{symbol} {_scalar(getattr(item, attr))}")
        if isinstance(item, annotated_types.MinLen) and item.min_length == 1:
            parts.append("not empty")
        pattern = getattr(item, "pattern", None)
        if isinstance(pattern, str):
            parts.append(f"matching `{pattern}`")
    return ", ".join(parts)


def _scalar(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return f"{value:g}" if abs(value) < 1e6 else str(int(value))
    if isinstance(value, tuple | list):
        return "[" + ", ".join(_scalar(item) for item in value) + "]"
    return str(value)


def _cell(text: str) -> str:
    """Markdown table cells cannot hold a bare pipe (GFM unescapes \\| even in code) or a line break."""
    return " ".join(text.replace("|", "\\|").split())


INTRO = """
<!-- Generated from archsel/profile/schema.py by `python3 -m archsel.profile.reference_doc`; do not edit by hand. -->
# The workload profile

A profile is a YAML file that describes a web application's workload: how many requests
arrive and when, what each request does, the database, files, front end and sign-in around
the API, and the objectives the answer must meet. Every archsel command reads one.

```yaml
version: 1
name: my-api
traffic: {requests_per_month: 3000000, shape: diurnal, peak_rps: 3}
```

Only `version`, `name` and `traffic` are required; every other key has the default shown
below, with its source. `archsel init --list` shows the shipped example profiles
(`scenarios/`), and `archsel init --preset NAME` copies one to start from.
`archsel validate PROFILE` checks a profile and prints what it implies.

## Rules

- **Unknown keys are errors**, and every error names the file, the line and the field path
  (`profile.yaml:12: traffic.peak_rps: ...`), then says what is allowed.
- **Units live in the key names**: `_ms` milliseconds, `_s` seconds, `_kb`/`_mb`/`_gb`
  kilo-, mega-, gigabytes, `_rps` requests per second, `_usd` US dollars.
- **Durations** (`horizon`, `warmup`, `every`) are a number with a unit, `s`, `m`, `h` or
  `d` (`90s`, `10m`, `6h`, `1d`, `0s`), or a plain number of seconds.
- **Clock times** (`start`, `from`, `to`, `peak_hour_utc`) are UTC within the simulated
  day, which starts at 00:00: `"18:30"` (quote it: YAML reads a bare 18:30 as a number in
  base 60), `"18:30:15"`, or an hour number such as `18` or `18.5`.
- **Distributions** (`request.duration_ms`, `lambda.cold_start_ms`, `lambda.keep_alive_s`,
  `fargate.task_start_s`) take one of four forms; the key's name gives the unit:
  - `{fixed: 120}`, or just `120`: always that value;
  - `{distribution: lognormal, p50: 80, p95: 400}`: a lognormal fitted to its median and
    95th percentile (sigma = ln(p95/p50) / 1.645), the usual shape of request latencies;
    p95 must be >= p50;
  - `{distribution: exponential, mean: 100}`: memoryless, with that mean;
  - `{distribution: uniform, min: 30, max: 90}`: every value in [min, max] equally likely;
    max must be >= min.
- **The rate is the total, bursts included.** Give one of `traffic.requests_per_month`
  or `traffic.mean_rps`. The shape (`constant`, `diurnal`, `weekly`, `trace`) and the
  `bursts` on top of it decide *when* the requests arrive; the curve is then scaled so that
  its mean over a whole cycle (a day, a week, the longest burst period, the trace) equals
  the rate. Adding a burst therefore moves traffic into the spike rather than adding
  requests: with one 10-minute 50x burst a day the peak is about 37x the mean, not 50x.
  A `trace` without a rate keeps its own counts; with a rate it is scaled to it.
- **A trace CSV** (`traffic.trace`) has a `minute,count` row per minute (a first row of
  names is a header). Minutes count from the start of the trace, 0; a minute with no row had
  no requests, so a sparse trace lists only its busy minutes. Rows must be in increasing
  order of minute: an unsorted or repeated minute is an error naming the row, as is a minute
  past a year. A CSV with a single column is read as consecutive minutes.
- **A month** is `pricing.hours_per_month` hours (730, the AWS Price List convention);
  `requests_per_month` and every monthly figure use it.
- **Routes** (`request.routes`, optional) split the traffic over method + path pairs by
  `share`; a route without its own `duration_ms`, `memory_mb` or `payload_kb` takes the
  request's (and `lambda.memory_mb`). `lambda.layout` maps routes to functions: `single`
  (one router function sized for the largest memory need, one warm pool), `per-route` (a
  function, warm pool and scaling bucket per route) or `grouped` (one per `group`). The
  concurrency quota stays account-wide; `reserved_concurrency` and
  `provisioned_concurrency` apply to each function. Fargate serves every route from one
  service: each request takes its route's duration. Without routes the API is one route.
- **Scheduled scaling** (`fargate.schedule`, optional) gives the Fargate service other task
  bounds by time of day, as Application Auto Scaling scheduled actions do: each window
  (`from`, `to`, UTC, repeated daily; windows must not overlap) sets `min_tasks`,
  `max_tasks` or both, and the base `fargate.min_tasks`/`max_tasks` hold outside the
  windows (and for the bound a window leaves out). At each window edge the desired count
  moves into the new bounds at once (up to a new min, down to a new max); target tracking
  keeps working inside them, so a surplus left by a lower min goes through its usual
  scale-in rules. A run that starts inside a window starts with its bounds.
- **Sources**: a default's description says where its value comes from: the AWS
  documentation and pricing pages, or published measurements where AWS gives no number.
  AWS changes these numbers; the defaults are the values when they were last checked.
"""


def main(argv: list[str] | None = None) -> int:
    """Write docs/profile.md (or the given path); with --check, only report whether it is current."""
    parser = argparse.ArgumentParser(prog="python3 -m archsel.profile.reference_doc", description=main.__doc__)
    parser.add_argument("path", nargs="?", type=Path, default=PROFILE_DOC, help="file to write (docs/profile.md)")
    parser.add_argument("--check", action="store_true", help="exit 1 if the file differs from the schema")
    args = parser.parse_args(argv)
    target: Path = args.path
    text = render_profile_reference()
    if args.check:
        current = target.read_text(encoding="utf-8") if target.exists() else ""
        if current != text:
            sys.stderr.write(f"{target} is out of date with archsel/profile/schema.py; run `{REGENERATE}`\n")
            return 1
        return 0
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")
    sys.stdout.write(f"wrote {target}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
