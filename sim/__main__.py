"""`python -m sim`: the main job (a Hydra app, see `sim.cli`)."""

from sim.cli import main

if __name__ == "__main__":
    main()
