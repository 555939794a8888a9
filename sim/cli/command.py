"""The one entry point of both commands: check the command line, run Hydra, report in words.

    run(["replications=5", "city=small"])        # python -m sim replications=5 city=small
    run(["compare", "scenarios=[open,phased]"])  # python -m sim compare scenarios=[open,phased]

Returns the exit status (sim.cli.errors). The command line is checked before Hydra parses it
(sim.cli.arguments): unknown keys with a suggestion, group options, scenario files, settings.
Hydra then composes the configuration; the callbacks (sim.cli.callbacks) check every value,
the size and the output folder before anything is created; the job runs. Every error on the
way is printed as one message without a traceback (GOVSIM_DEBUG=1 shows it); Hydra's own
errors are rewritten with a "did you mean". The tests call `run` in-process.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence

from sim.cli import arguments, errors
from sim.core.config import ConfigError

PROGRAM = {"main": "python -m sim", "compare": "python -m sim compare"}


def run(argv: Sequence[str]) -> int:
    """Run `python -m sim <argv>` (or `compare` when argv starts with it); the exit status."""
    argv = list(argv)
    command = "compare" if argv[:1] == ["compare"] else "main"
    args = argv[1:] if command == "compare" else argv
    prefix = "govsim compare" if command == "compare" else "govsim"
    try:
        parsed = arguments.parse(command, args)
        if parsed.help is not None:
            from sim.cli.help import text

            print(text(command, parsed.help))
            return errors.OK
        return _hydra(command, parsed.argv(), prefix)
    except ConfigError as err:
        errors.say(prefix, f"error: {err} (nothing was run)")
        return errors.REFUSED
    except errors.Stop as stop:
        errors.say(prefix, f"error: {stop.message}")
        return int(stop.code)
    except BrokenPipeError:
        raise
    except Exception as err:  # the checks themselves failed: a bug
        return errors.internal(prefix, err)


def _hydra(command: str, argv: list[str], prefix: str) -> int:
    """Hydra's main with `argv`, its exceptions caught (HYDRA_FULL_ERROR makes Hydra re-raise
    them instead of printing its own traceback) and reported in words."""
    from hydra.errors import HydraException
    from omegaconf.errors import OmegaConfBaseException

    if command == "compare":
        from sim.cli.compare import main as app
    else:
        from sim.cli.main import main as app
    saved_argv, saved_env = sys.argv, os.environ.get("HYDRA_FULL_ERROR")
    sys.argv = [PROGRAM[command], *argv]
    os.environ["HYDRA_FULL_ERROR"] = "1"
    try:
        app()
        return errors.OK
    except errors.Stop as stop:
        status = int(stop.code)
        errors.say(prefix, f"{'error' if status else 'note'}: {stop.message}")
        return status
    except SystemExit as exit_:  # Hydra's own exits (--hydra-help, argparse)
        return exit_.code if isinstance(exit_.code, int) else errors.INTERNAL
    except ConfigError as err:
        errors.say(prefix, f"error: {err} (nothing was run)")
        return errors.REFUSED
    except (HydraException, OmegaConfBaseException) as err:
        if errors.debug():
            import traceback

            traceback.print_exception(err)
        known = arguments.known_keys(command)
        errors.say(prefix, f"error: {errors.hydra_message(err, known)} (nothing was run)")
        return errors.REFUSED
    except Exception as err:
        package = errors.launcher_package(err)
        if package is not None:
            return errors.launcher_refusal(prefix, err, package)
        return errors.internal(prefix, err)
    finally:
        sys.argv = saved_argv
        if saved_env is None:
            os.environ.pop("HYDRA_FULL_ERROR", None)
        else:
            os.environ["HYDRA_FULL_ERROR"] = saved_env
