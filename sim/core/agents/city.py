"""What an agent sees of its municipality: a structural type, so that the agents need not import
the model that creates them (the model imports the agents, never the reverse)."""

from __future__ import annotations

from typing import Any, Protocol

from sim.core.state import State


class City(Protocol):
    """The parts of `GovernanceModel` the agents read: the batch state (the model is run 0 of a
    batch of one) and what the last month's stages handed on."""

    state: State
    last: dict[str, Any]

    @property
    def month(self) -> int: ...
