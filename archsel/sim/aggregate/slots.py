"""Task and instance slots of the fluid request sides: only how many are routable matters to a fluid."""

from __future__ import annotations


class RoutableSlots:
    """The slot bookkeeping the control planes drive (archsel.sim.fargate.dataplane.RequestSide)."""

    def __init__(self) -> None:
        self._routable: set[int] = set()
        self._alive: set[int] = set()
        self._slots = 0
        self._free: list[int] = []

    def allocate_slot(self) -> int:
        """A slot number for a new task or instance."""
        if self._free:
            return self._free.pop()
        self._slots += 1
        return self._slots - 1

    def release_slot(self, slot: int) -> None:
        """The task or instance in ``slot`` stopped."""
        self._alive.discard(slot)
        self._routable.discard(slot)
        self._free.append(slot)

    def set_alive(self, slot: int) -> None:
        """The task or instance in ``slot`` exists."""
        self._alive.add(slot)

    def set_routable(self, slot: int, routable: bool) -> None:
        """Route to ``slot`` or stop doing so."""
        if routable:
            self._routable.add(slot)
        else:
            self._routable.discard(slot)

    @property
    def routable_count(self) -> int:
        """Tasks or instances taking requests now."""
        return len(self._routable)
