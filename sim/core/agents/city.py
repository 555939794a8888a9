"""What an agent sees of its municipality: a structural type, so that the agents need not import
the model that creates them (the model imports the agents, never the reverse)."""

from __future__ import annotations

from typing import Protocol

import numpy as np

from sim.core.config import ModelConfig


class City(Protocol):
    """The parts of `GovernanceModel` the agents read: configuration, randomness, stocks."""

    config: ModelConfig
    rng: np.random.Generator
    infrastructure: float
    culture: float
    institutions: float

    @property
    def technology(self) -> float:
        """I, or 1 when the technology prerequisite is knocked out."""
        ...
