"""Documentation generated from the code stays in step with it, and its examples run."""

from __future__ import annotations

import ast
import importlib.util
import re
import runpy
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def test_parameter_table_matches_the_configuration():
    render = runpy.run_path(str(ROOT / "scripts" / "parameter_table"))["render"]
    on_disk = (ROOT / "docs" / "parameters.md").read_text(encoding="utf-8")
    assert on_disk == render(), "run `python scripts/parameter_table` and commit docs/parameters.md"


def test_every_plausible_parameter_has_a_unit_and_a_source():
    from sim.core.sections import parameter_rows

    for row in parameter_rows():
        assert row["unit"], row["path"]
        assert row["source"], row["path"]


# ---- the pages' examples ------------------------------------------------------------------------
# Every ```python block of README.md and of the site's pages (docs/**/*.md) is executed, the
# blocks of one page in order in one namespace, from an empty folder, so a wrong module path or
# name cannot survive in the documentation. A block preceded by the line
# `<!-- docs-test: imports-only -->` is too long to run in the suite (a study): its imports are
# executed and every dotted name it reads from them (`sim.core.config.plausible_ranges`) must
# exist. Commands in the prose (`python -m MODULE`, `python FILE.py`, `bash scripts/NAME`) must
# name a module or file that exists.
IMPORTS_ONLY = "<!-- docs-test: imports-only -->"
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]
BLOCK = re.compile(r"^```python\n(.*?)^```", re.S | re.M)


def _blocks(path: Path) -> list[tuple[int, str, bool]]:
    text = path.read_text(encoding="utf-8")
    out = []
    for match in BLOCK.finditer(text):
        before = text[: match.start()].rstrip("\n").rsplit("\n", 1)[-1]
        line = text.count("\n", 0, match.start()) + 2
        out.append((line, match.group(1), before.strip() == IMPORTS_ONLY))
    return out


def _dotted(node: ast.AST) -> list[str] | None:
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        return [node.id, *reversed(parts)]
    return None


def _check_names(source: str, where: str) -> None:
    tree = ast.parse(source)
    imports = ast.Module(
        body=[n for n in tree.body if isinstance(n, (ast.Import, ast.ImportFrom))], type_ignores=[]
    )
    namespace: dict[str, object] = {}
    exec(compile(imports, where, "exec"), namespace)
    for node in ast.walk(tree):
        chain = _dotted(node) if isinstance(node, ast.Attribute) else None
        if not chain or chain[0] not in namespace:
            continue
        value = namespace[chain[0]]
        for i, name in enumerate(chain[1:], start=1):
            if not hasattr(value, name):
                pytest.fail(f"{where}: {'.'.join(chain[: i + 1])} does not exist")
            value = getattr(value, name)


PYTHON_PAGES = [p for p in PAGES if _blocks(p)]
# EMA Workbench names the optional back end it lacks when imported (not a fault of the page).
NO_IPYPARALLEL = pytest.mark.filterwarnings("ignore:ipyparallel not installed:UserWarning")


@NO_IPYPARALLEL
@pytest.mark.parametrize(
    "path", PYTHON_PAGES, ids=[p.relative_to(ROOT).as_posix() for p in PYTHON_PAGES]
)
def test_python_examples_run(path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    namespace: dict[str, object] = {"__name__": "__docs__"}
    for line, source, imports_only in _blocks(path):
        where = f"{path.relative_to(ROOT)}:{line}"
        if imports_only:
            _check_names(source, where)
        else:
            exec(compile(source, where, "exec"), namespace)


def test_commands_in_the_pages_name_what_exists() -> None:
    sys.path.insert(0, str(ROOT))  # benchmarks/ and experiments/ run from the repository's root
    try:
        for path in PAGES:
            text = path.read_text(encoding="utf-8")
            where = path.relative_to(ROOT)
            for module in set(re.findall(r"python3? -m ([A-Za-z_][\w.]*)", text)):
                module = module.rstrip(".")
                assert importlib.util.find_spec(module) is not None, f"{where}: -m {module}"
            for name in set(re.findall(r"python3? ([\w/]+\.py)\b", text)):
                assert (ROOT / name).is_file(), f"{where}: {name}"
            for name in set(re.findall(r"bash (scripts/[\w.]+|\.ci/run)", text)):
                assert (ROOT / name).is_file(), f"{where}: {name}"
    finally:
        sys.path.remove(str(ROOT))


def test_the_readme_documents_the_commands_ci_runs() -> None:
    """The README's test and documentation commands are the ones `.ci/run` calls."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    for command in (".venv/bin/python -m pytest", ".venv/bin/mkdocs build --strict"):
        assert command in ci, f".ci/run no longer runs {command!r}"
        assert command in readme, f"README.md does not document {command!r}"
