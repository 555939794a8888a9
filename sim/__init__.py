"""govsim: an agent-based model of smart-city governance and the public value it creates.

The public entry point is `sim.run(config, seed) -> pandas.DataFrame` (one row per month).
Heavy modules (plotting, Hydra, the browser app) are imported only where they are used.
"""

from sim.config import ConfigError, ModelConfig, scenario
from sim.runner import run

__all__ = ["ConfigError", "ModelConfig", "run", "scenario"]
