"""The corpus of bad inputs (tests/cli/corpus.py), each refused in words before any run.

For each case: a non-zero exit status, no traceback, the key (or file) named, no result written.
They run in-process through `sim.cli.command.run` (a subprocess costs 1–2 s of start-up each);
tests/cli/test_cli.py runs a few of the same mistakes as real subprocesses.
"""

from __future__ import annotations

import contextlib
import io
from pathlib import Path

import corpus
import pytest

from sim.cli.command import run

ROOT_CASES = corpus.cases(Path("/ROOT"))  # names only; the files are made per session


@pytest.fixture(scope="session")
def corpus_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("corpus")
    corpus.materialise(root)
    return root


def test_the_corpus_is_large_enough() -> None:
    assert len(ROOT_CASES) >= 60
    assert len({c.name for c in ROOT_CASES}) == len(ROOT_CASES)
    modes = {c.mode for c in ROOT_CASES}
    assert modes == {"main", "multirun", "compare", "raw"}


@pytest.mark.parametrize("index", range(len(ROOT_CASES)), ids=[c.name for c in ROOT_CASES])
def test_bad_input_is_refused_in_words(corpus_root: Path, index: int) -> None:
    case = corpus.cases(corpus_root)[index]
    out = corpus_root / "out" / f"case{index}"
    buffer = io.StringIO()
    with contextlib.redirect_stderr(buffer), contextlib.redirect_stdout(buffer):
        status = run(corpus.argv(case, out))
    output = buffer.getvalue()
    assert corpus.verdict(case, status, output, out) == "refused", (status, output)
    assert status == 2, output  # refused before any run
