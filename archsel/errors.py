"""The one error tree archsel raises for users, and the documented exit codes."""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    """Process exit codes; documented in README.md and relied on by CI scripts."""

    OK = 0
    ERROR = 1
    USAGE = 2
    INVALID_INPUT = 3
    DEPLOY_FAILED = 4
    SLO_NOT_MET = 5
    INTERRUPTED = 130
    TERMINATED = 143
    """SIGTERM, handled like Ctrl-C (128 + the signal's number, as shells report it)."""


class ArchselError(Exception):
    """An error meant for a person: what went wrong (with where) and how to fix it."""

    exit_code: ExitCode = ExitCode.ERROR

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


class UsageError(ArchselError):
    """The command line itself is wrong (bad option combination, missing argument)."""

    exit_code = ExitCode.USAGE


class ProfileError(ArchselError):
    """A workload profile cannot be read or is invalid; the message names file, line and field."""

    exit_code = ExitCode.INVALID_INPUT


class PricingError(ArchselError):
    """A price table is missing, malformed, or lacks a price a component needs."""

    exit_code = ExitCode.INVALID_INPUT


class SimulationError(ArchselError):
    """A simulation cannot run with the given settings."""


class TemplateError(ArchselError):
    """A template set is missing or cannot render."""


class DeployError(ArchselError):
    """A CloudFormation operation failed or was refused."""

    exit_code = ExitCode.DEPLOY_FAILED


class TelemetryError(ArchselError):
    """Logs or metrics to import cannot be read: no line parsed, no datapoint, or AWS refused the call."""

    exit_code = ExitCode.INVALID_INPUT
