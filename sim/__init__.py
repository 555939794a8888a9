"""govsim: an agent-based model of smart-city governance and the public value it creates.

The public entry point is `sim.run(config, seed) -> pandas.DataFrame` (one row per month).
The package is layered, imports pointing down only:

    cli, app          entry points (parse, then call)
    report, studies   the advisors' brief; patterns, experiments, sensitivity analyses
    viz               figures shared by the CLI, the report and the app
    runs              run(config, seed), seeds, the task runner, presets, files, sweeps
    analysis          pattern metrics and statistics over run tables (pure)
    core              configuration, model, agents, governance, value (pure: no I/O)

Heavy modules (plotting, Hydra, the browser app) are imported only where they are used.
"""

from sim.core.config import ConfigError, ModelConfig, scenario
from sim.runs.runner import run

__all__ = ["ConfigError", "ModelConfig", "run", "scenario"]
