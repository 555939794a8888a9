"""The presets shipped with the package: Hydra configs, scenario, city and resource files.

Read through `sim.runs.presets` (importlib.resources), so they are found after a plain
`pip install .` as well as in a clone; the repository's top-level `configs` is a link here.
"""
