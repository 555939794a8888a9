"""govsim benchmarks (issue 6): run them all with `python -m benchmarks` (see README, Performance).

Every figure is a median over repeated runs and is compared, as a ratio, with a named baseline
measured in the same run: the machines are shared and noisy, so absolute times are context only.
"""
