"""Running the model: run(config, seed), paired seeds, the task runner, provenance, presets
(scenario, resource and city files), atomic files, Hydra config -> ModelConfigs, sweeps."""
