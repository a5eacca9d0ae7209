"""Wait for change sets and stack operations: bounded polling with an injected clock, events passed on live."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from archsel.deploy.events import chronological
from archsel.deploy.models import ChangeSetState, Clock, EventSink, StackEvent, StackState
from archsel.errors import DeployError

CHANGE_SET_DONE = frozenset({"CREATE_COMPLETE", "FAILED", "DELETE_COMPLETE", "DELETE_FAILED"})


class StackReader(Protocol):
    """The read calls waiting needs (cfn.CloudFormation, or a fake)."""

    def find_stack(self, name: str) -> StackState | None:
        """The stack, or None."""

    def describe_change_set(self, change_set_id: str) -> ChangeSetState:
        """A change set."""

    def events(self, stack_id: str, known: frozenset[str]) -> tuple[StackEvent, ...]:
        """Events not in ``known``, newest first."""


@dataclass(frozen=True, slots=True)
class Watched:
    """How a stack operation ended: the final stack (None once deleted) and this operation's events."""

    state: StackState | None
    events: tuple[StackEvent, ...]

    @property
    def status(self) -> str:
        """The final status (DELETE_COMPLETE when the stack is gone)."""
        return "DELETE_COMPLETE" if self.state is None else self.state.status


@dataclass(frozen=True, slots=True)
class Operation:
    """A stack operation to follow: the stack, the events it had before, and words for messages."""

    stack_id: str
    known: frozenset[str]
    """Event ids from before the operation (not shown again)."""
    name: str
    """What runs, e.g. "update of stack shop"."""
    watch_hint: str
    """The command that watches it without archsel."""


def wait_change_set(reader: StackReader, change_set_id: str, clock: Clock) -> ChangeSetState:
    """Poll a change set until CloudFormation has worked it out (CREATE_COMPLETE or FAILED)."""
    started = clock.now()
    while True:
        state = reader.describe_change_set(change_set_id)
        if state.status in CHANGE_SET_DONE:
            return state
        if clock.now() - started > clock.change_set_timeout_s:
            raise DeployError(
                f"change set still {state.status} after {clock.change_set_timeout_s:.0f}s",
                hint="CloudFormation is slow or stuck; look at it in the console and run again",
            )
        clock.sleep(clock.poll_s)


def known_events(reader: StackReader, stack_id: str) -> frozenset[str]:
    """Ids of the events a stack already has, so that following shows only the new operation's."""
    return frozenset(event.event_id for event in reader.events(stack_id, frozenset()))


def follow(reader: StackReader, operation: Operation, clock: Clock, sink: EventSink) -> Watched:
    """Pass each new event to ``sink`` until the stack leaves *_IN_PROGRESS (or is deleted).

    Bounded by ``clock.stack_timeout_s``: past it, archsel stops watching (CloudFormation goes
    on) and says how to keep watching. An AWS error while watching says the same.
    """
    started = clock.now()
    stack_id = operation.stack_id
    seen = set(operation.known)
    collected: list[StackEvent] = []
    while True:
        try:
            state = reader.find_stack(stack_id)
            fresh = chronological(reader.events(stack_id, frozenset(seen)))
        except DeployError as error:
            raise DeployError(
                f"{error.message}\nwhile watching the {operation.name}; it goes on in CloudFormation",
                hint=f"{error.hint + '; ' if error.hint else ''}watch it with `{operation.watch_hint}`",
            ) from error
        elapsed = clock.now() - started
        for event in fresh:
            seen.add(event.event_id)
            collected.append(event)
            sink.event(event, elapsed)
        status = "DELETE_COMPLETE" if state is None else state.status
        sink.tick(elapsed, status)
        if not status.endswith("_IN_PROGRESS"):
            return Watched(state, tuple(collected))
        if elapsed > clock.stack_timeout_s:
            raise DeployError(
                f"the {operation.name} is still {status} after {elapsed / 60:.0f} min; "
                "archsel stopped watching, CloudFormation carries on",
                hint=f"watch it with `{operation.watch_hint}` (or wait longer with --timeout)",
            )
        clock.sleep(clock.poll_s)
