"""Booleans are not numbers: pydantic would read `mean_rps: true` as 1; profile sections refuse it instead."""

from __future__ import annotations

import types
import typing
from collections.abc import Mapping
from functools import cache
from typing import Any

from pydantic import BaseModel
from pydantic_core import PydanticCustomError

# The loader reads ctx["key"] of this error type to point at the key's own line.
BOOL_NOT_NUMBER = "bool_not_number"
_NUMBERS = (int, float)


def refuse_booleans(model: type[BaseModel], data: object) -> object:
    """``data`` unchanged, or a validation error naming the first numeric field given true or false."""
    if not isinstance(data, Mapping):
        return data
    for key, holds_items in _numeric_keys(model).items():
        value = data.get(key)
        values = value if holds_items and isinstance(value, list | tuple) else (value,)
        if any(isinstance(item, bool) for item in values):
            raise PydanticCustomError(
                BOOL_NOT_NUMBER,
                "{key}: true/false is not a number; give a number",
                {"key": key},
            )
    return data


@cache
def _numeric_keys(model: type[BaseModel]) -> dict[str, bool]:
    """Every key (name and alias) of a number field, mapped to whether it holds a list of numbers."""
    keys: dict[str, bool] = {}
    for name, field in model.model_fields.items():
        kind = _number_kind(field.annotation)
        if kind is None:
            continue
        keys[name] = kind
        if field.alias:
            keys[field.alias] = kind
    return keys


def _number_kind(annotation: Any) -> bool | None:
    """False for a number (or an optional one), True for a tuple or list of numbers, None otherwise."""
    origin = typing.get_origin(annotation)
    if annotation in _NUMBERS:
        return False
    if origin in (typing.Union, types.UnionType):
        options = [arg for arg in typing.get_args(annotation) if arg is not type(None)]
        kinds = {_number_kind(option) for option in options}
        return kinds.pop() if len(kinds) == 1 else None
    if origin in (tuple, list):
        args = [arg for arg in typing.get_args(annotation) if arg is not Ellipsis]
        return True if args and all(arg in _NUMBERS for arg in args) else None
    return None
