"""The notice on stderr that the simulation kernels are being compiled (a first run's silent seconds)."""

from __future__ import annotations

import sys
from collections.abc import Iterable
from typing import TextIO

NOTICE = "compiling simulation kernels, once per machine"
NAMES = {"lambda": "Lambda", "fargate": "Fargate", "lambda-managed": "Lambda Managed Instances"}


def announce_compiling(architectures: Iterable[str] | None = None, *, stream: TextIO | None = None) -> bool:
    """Say on stderr that the kernels of ``architectures`` (default: all) are compiled now, if any need it.

    Returns whether it said so.

    The first run on a machine compiles them (seconds; up to a minute on a busy machine); every
    later run loads them from numba's cache.
    """
    from archsel import api

    missing = api.kernels_to_compile() if architectures is None else api.kernels_to_compile(tuple(architectures))
    if not missing:
        return False
    named = [NAMES.get(name, name) for name in missing]
    names = " and ".join((", ".join(named[:-1]), named[-1])) if len(named) > 1 else named[0]
    out = stream if stream is not None else sys.stderr
    out.write(f"{NOTICE} ({names}; later runs load them from the cache)\n")
    out.flush()
    return True
