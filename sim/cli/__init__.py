"""Thin command-line entry points: `python -m sim` (main job) and `python -m sim compare`."""

import sys


def dispatch() -> None:
    """Route `python -m sim [compare] ...` to its Hydra app."""
    if len(sys.argv) > 1 and sys.argv[1] == "compare":
        del sys.argv[1]
        from sim.cli.compare import main
    else:
        from sim.cli.main import main
    main()
