"""`compare commune=...`: the advisor's own commune reaches the model and the brief (issue #25
part 2). The profile's fields are written into the command line right after `commune=`, so a
later override still wins; the brief is titled with the commune's name; scenarios.yaml records
the profile and the model fields it became; a bad profile is refused before any run."""

from __future__ import annotations

from pathlib import Path

import pytest
from reporting import read_config

from sim.cli.arguments import parse
from sim.cli.compare import compare, compose_config
from sim.core.config import ConfigError
from sim.runs import commune

TINY = ["scenarios=[phased,combined]", "months=12", "replications=2",
        "sensitivity_replications=0", "ensemble=none"]  # fmt: skip


def test_the_profile_becomes_model_fields_that_a_later_override_beats() -> None:
    cfg = compose_config(["commune=example", "model.resources.staff_hours=60", *TINY])
    fields = commune.overrides(commune.load("example"))
    assert cfg.model.city.departments == fields["city.departments"] == 12
    assert list(cfg.model.city.org_chart) == fields["city.org_chart"]
    assert cfg.model.resources.budget == fields["resources.budget"]
    assert cfg.model.resources.staff_hours == 60  # written after commune=: it wins
    before = compose_config(["model.resources.budget=1.3", "commune=example", *TINY])
    assert before.model.resources.budget == fields["resources.budget"]  # the profile wins


def test_the_brief_names_the_commune_and_records_its_profile(tmp_path: Path) -> None:
    written = compare(["commune=example", *TINY], tmp_path / "en", jobs=1)
    html = written.files["report.html"].read_text(encoding="utf-8")
    assert "<title>Decision brief for Exemple-sur-Loire:" in html
    assert "Exemple-sur-Loire, " in html and "62,000" in html
    config = read_config(tmp_path / "en")
    assert config["commune"]["profile"]["population"] == 62000
    assert config["model"]["city"]["departments"] == 12
    assert config["model"]["city"]["initial_partners"] == 4
    fr = compare(["commune=example", "language=fr", *TINY], tmp_path / "fr", jobs=1)
    text = fr.files["report.html"].read_text(encoding="utf-8")
    assert "Note de synthèse pour Exemple-sur-Loire" in text
    assert 'data-key="commune.profile.population">62\u202f000</span> habitants' in text


def test_without_a_commune_the_brief_speaks_of_a_model_commune(tmp_path: Path) -> None:
    written = compare(TINY, tmp_path, jobs=1)
    html = written.files["report.html"].read_text(encoding="utf-8")
    assert "a model commune of" in html and "commune" not in read_config(tmp_path)


@pytest.mark.parametrize(
    ("line", "field"),
    [("budget_keur_per_year: -5", "budget_keur_per_year"), ("population: 12", "population")],
)
def test_a_bad_profile_is_refused_in_its_own_words_before_any_run(
    tmp_path: Path, line: str, field: str
) -> None:
    text = (commune.folder() / "example.yaml").read_text(encoding="utf-8")
    key = line.split(":")[0]
    lines = [line if row.startswith(f"{key}:") else row for row in text.splitlines()]
    path = tmp_path / "commune.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        parse("compare", [f"commune={path}", *TINY])
    assert field in str(err.value) and "allowed" in str(err.value)
