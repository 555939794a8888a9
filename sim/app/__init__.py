"""The classroom app (`python -m sim.app`): trajectories unfolding live in the browser."""
