"""`sim.ema`: govsim as an EMA Workbench model in one call (`sim.ema.model("open")`); the
implementation lives in `sim.studies.ema`."""

from sim.studies.ema import OUTCOMES, field_of, model, prim, prim_ready, uncertainty_parameters

__all__ = ["OUTCOMES", "field_of", "model", "prim", "prim_ready", "uncertainty_parameters"]
