"""The worked examples in the cost modules' docstrings (tier buckets, LCU, tier names) hold."""

from __future__ import annotations

import doctest
from types import ModuleType

import pytest

from archsel.cost import billing, lambda_cost, network
from archsel.pricing import savings_plans, tiers

MODULES = (billing, tiers, network, savings_plans, lambda_cost)


@pytest.mark.parametrize("module", MODULES, ids=lambda m: m.__name__)
def test_docstring_examples(module: ModuleType) -> None:
    failures, tried = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert tried > 0 and failures == 0
