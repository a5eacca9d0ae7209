"""`archsel init` writes a comment on each key of the profile: its meaning, type and default, from the schema."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from archsel import api
from archsel.profile.annotate import annotate_profile, field_docs
from tests.conftest import SCENARIOS


def _paths(document: Any, prefix: str = "") -> Iterator[str]:
    """Every key path of a parsed YAML document, list items as []."""
    if isinstance(document, dict):
        for key, value in document.items():
            path = f"{prefix}.{key}".lstrip(".")
            yield path
            yield from _paths(value, path)
    elif isinstance(document, list):
        for item in document:
            yield from _paths(item, f"{prefix}[]")


@pytest.mark.parametrize("scenario", sorted(path.stem for path in SCENARIOS.glob("*.yaml")))
def test_every_documented_key_of_a_scenario_gets_its_comment_and_the_values_stay(scenario: str) -> None:
    text = (SCENARIOS / f"{scenario}.yaml").read_text(encoding="utf-8")
    annotated = annotate_profile(text)
    assert yaml.safe_load(annotated) == yaml.safe_load(text)
    comments = " ".join(
        line.strip().lstrip("#").strip() for line in annotated.splitlines() if line.strip().startswith("#")
    )
    docs = field_docs()
    documented = [path for path in _paths(yaml.safe_load(text)) if path in docs]
    assert documented
    for path in documented:
        doc = docs[path]
        first_words = " ".join(doc.meaning.replace("`", "").split()[:4])
        assert f"{doc.key}: {first_words}" in comments, path


def test_init_writes_the_commented_profile_and_it_validates(tmp_path: Path) -> None:
    result = api.init_profile(path=tmp_path / "api.yaml", preset="startup-mvp")
    text = result.profile_path.read_text(encoding="utf-8")
    assert "# memory_mb: Function memory, MB" in text or "# cpu_fraction: Share of the duration" in text
    assert "# horizon: Simulated window" in text
    assert api.validate(result.profile_path).profile.name == "startup-mvp"
