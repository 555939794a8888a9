"""`python -m sim`: the main job; `python -m sim compare ...`: the advisors' comparison report."""

from sim.cli import dispatch

if __name__ == "__main__":
    dispatch()
