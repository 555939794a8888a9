"""MkDocs hooks of the documentation site (mkdocs.yml `hooks:`), run by `mkdocs build`.

- Pages carry markers that are replaced by text generated from the code, so the site cannot
  drift from it: `<!-- generated:cli main -->` (and `compare`, `model`) by the command's own
  help (`sim.cli.help.text`), `<!-- generated:config-groups -->` by the files of each
  configuration group in sim/configs/.
- A link from a page to a file of the repository outside docs/ (`../sim/core/config.py`) is not
  a page of the site: it becomes the path in code font. A link to a file that does not exist is
  left alone, so the strict build reports it.
- The built site must be readable offline: mkdocs-jupyter's MathJax loader (a CDN script, and the
  tutorials have no mathematics) is removed, and the build fails if any page still loads a
  script, style sheet or font from the network.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from mkdocs.exceptions import PluginError

ROOT = Path(__file__).resolve().parents[1]
CONFIGS = ROOT / "sim" / "configs"
GROUPS = {
    "scenario": "Scenario files: `scenario=NAME` (one, sweepable) or `scenarios=[A,B]` (compared"
    " in one job); `python -m sim compare scenarios=[A,B]`. A path to a .yaml file of your own"
    " works wherever a name does.",
    "city": "City sizes: `city=NAME` (`model.city`).",
    "resources": "Resource levels: `resources=NAME` (`model.resources`).",
    "experiment": "Named experiments: `+experiment=NAME`, output in `results/NAME/`.",
}
MARKER = re.compile(r"<!-- generated:([a-z-]+)(?: ([a-z]+))? -->")
LINK = re.compile(r"(?<!!)\[([^\]]+)\]\(([^)\s#]+)(#[^)\s]*)?\)")
MATHJAX = re.compile(r"<script data-mkdocs-jupyter-mathjax=.*?</script>", re.S)
REMOTE = re.compile(
    r"<(?:script|link|img|iframe)\b[^>]*\b(?:src|href)=[\"']?(https?:)?//[^\"'\s>]+", re.I
)


def _cli(topic: str) -> str:
    from sim.cli.help import text

    help_text = text("main", "model") if topic == "model" else text(topic)
    return f"```text\n{help_text.rstrip()}\n```"


def _config_groups() -> str:
    parts = []
    for group, intro in GROUPS.items():
        parts.append(f"## `{group}`\n\n{intro}\n")
        for path in sorted((CONFIGS / group).glob("*.yaml")):
            body = path.read_text(encoding="utf-8").rstrip()
            key = f"+{group}" if group == "experiment" else group
            parts.append(f"### `{key}={path.stem}`\n\n`sim/configs/{group}/{path.name}`:\n")
            parts.append(f"```yaml\n{body}\n```\n")
    return "\n".join(parts)


def _generated(match: re.Match[str]) -> str:
    kind, arg = match.group(1), match.group(2)
    if kind == "cli" and arg in ("main", "compare", "model"):
        return _cli(arg)
    if kind == "config-groups":
        return _config_groups()
    raise PluginError(f"unknown generated block {match.group(0)!r}")


def _repository_links(markdown: str, page_path: Path, docs: Path) -> str:
    """Links to repository files outside docs/ become the file's path in code font."""

    def replace(match: re.Match[str]) -> str:
        text, target = match.group(1), match.group(2)
        if "://" in target or target.startswith(("mailto:", "/")):
            return match.group(0)
        resolved = (page_path.parent / target).resolve()
        if resolved.is_relative_to(docs) or not resolved.exists():
            return match.group(0)
        try:
            shown = resolved.relative_to(ROOT).as_posix()
        except ValueError:
            return match.group(0)
        plain = text.strip("`")
        return text if plain == shown else f"{text} (`{shown}`)"

    return LINK.sub(replace, markdown)


def on_page_markdown(markdown: str, page: Any, config: Any, files: Any) -> str:
    markdown = MARKER.sub(_generated, markdown)
    if page.file.src_path.endswith(".md"):
        docs = Path(config["docs_dir"]).resolve()
        markdown = _repository_links(markdown, docs / page.file.src_path, docs)
    return markdown


def on_post_page(output: str, page: Any, config: Any) -> str:
    return MATHJAX.sub("", output)


def on_post_build(config: Any) -> None:
    site = Path(config["site_dir"])
    remote = []
    for path in sorted(site.rglob("*.html")):
        for match in REMOTE.finditer(path.read_text(encoding="utf-8")):
            remote.append(f"{path.relative_to(site)}: {match.group(0)[:120]}")
    if remote:
        raise PluginError("pages load from the network (the site must work offline):\n" +
                          "\n".join(remote[:20]))  # fmt: skip
