"""Studies built on runs: the pattern measurements, experiments and sensitivity analyses."""
