"""Command-line entry points: `python -m sim` (main job, sweeps, experiments) and
`python -m sim compare`, both through `sim.cli.command.run` (checks, Hydra, exit status)."""

import sys


def dispatch() -> None:
    """`python -m sim [compare] ...`: run the command and exit with its status."""
    from sim.cli.command import run

    try:
        status = run(sys.argv[1:])
        sys.stdout.flush()
    except BrokenPipeError:  # `python -m sim --help | head`: the reader left, not an error
        status = 0
        sys.stdout = None  # nothing more to flush at exit
    sys.exit(status)
