"""`python -m sim`: the main job (a Hydra app, see `sim.cli`); `python -m sim compare ...`: the
advisors' comparison report (its own Hydra app, see `sim.compare`)."""

import sys

if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "compare":
        del sys.argv[1]
        from sim.compare import main
    else:
        from sim.cli import main
    main()
