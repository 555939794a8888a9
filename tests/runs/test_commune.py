"""My commune (sim.runs.commune): the profile is read, checked in its own words and converted.

Every conversion is checked on known values, every refusal names the file, the line, the
profile's field, the value and the allowed range, and the converted profile is a valid model
configuration that runs.
"""

from __future__ import annotations

import dataclasses
import math
from pathlib import Path
from typing import Any

import pytest
import yaml

from sim.core.config import ConfigError, ModelConfig, plausible_ranges, scenario
from sim.runs import commune as c
from sim.runs.runner import run

EXAMPLE = c.folder() / "example.yaml"
TEXT = EXAMPLE.read_text(encoding="utf-8")
HOUR = 1607 / 12  # one FTE's hours a month


def profile(tmp_path: Path, text: str, name: str = "commune.yaml") -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def edited(old: str, new: str) -> str:
    """The example's text with one line replaced (so the line of an error is known)."""
    assert TEXT.count(old) == 1, old
    return TEXT.replace(old, new)


def line_of(text: str, start: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if line.startswith(start))


# ---- loading -------------------------------------------------------------------------------------
def test_the_example_loads_by_name_and_by_path():
    commune = c.load("example")
    assert dataclasses.replace(c.load(str(EXAMPLE)), where=commune.where) == commune
    assert commune.name == "Exemple-sur-Loire" and commune.population == 62_000
    assert len(commune.departments) == 12 and len(commune.dgas) == 4
    assert commune.chart == (0, 0, 0, 1, 1, 1, 2, 2, 2, 3, 3, 3)
    assert commune.total_fte == pytest.approx(8.3)
    assert commune.budget_keur_per_year == 4800 and commune.dga_time_percent == 40
    assert commune.partners == 4 and len(commune.partner_names) == 4
    assert sum(commune.age_shares) == pytest.approx(1.0)


def test_the_templates_are_valid_and_say_the_same_in_both_languages():
    assert {"example", "template", "template.fr"} <= set(c.names())
    english, french = c.load("template"), c.load("template.fr")
    assert c.overrides(english) == c.overrides(french)
    assert (
        c.title(english, "fr")
        == c.title(french, "fr")
        == "Ma commune, 40\u202f000 habitants, 8 directions"
    )


def test_the_templates_quote_the_ranges_the_code_uses():
    """The comments' numbers (plausible FTE, budget, partners, DGA default) come from the code."""
    low, high = plausible_ranges()["resources.staff_hours"]
    budget_low, budget_high = (12_000 * x for x in plausible_ranges()["resources.budget"])
    default_share = ModelConfig().resources.dga_hours / HOUR
    english = (c.folder() / "template.yaml").read_text(encoding="utf-8")
    french = (c.folder() / "template.fr.yaml").read_text(encoding="utf-8")
    assert f"about {low / HOUR:.2f} to {high / HOUR:.1f} FTE" in english
    assert f"{budget_low:,.0f} to {budget_high:,.0f} k€ a year" in english
    assert f"(0 to {c.limits(c.load('template'))['partners'][1]}" in english
    assert f"({ModelConfig().resources.dga_hours:g} h, {100 * default_share:.0f} %)" in english
    assert f"{budget_low:,.0f} à {budget_high:,.0f} k€".replace(",", " ") in french
    assert f"0,{round(100 * low / HOUR)} à {high / HOUR:.1f}".replace(".", ",") in french


def test_a_name_or_path_that_names_no_profile_is_refused():
    with pytest.raises(ConfigError, match="did you mean 'example'"):
        c.load("exampel")
    with pytest.raises(ConfigError, match="no such file"):
        c.load("./nowhere.yaml")
    for bad in ("", "a/b", None, 3):
        with pytest.raises(ConfigError, match="commune"):
            c.resolve(bad)


# ---- the conversion ------------------------------------------------------------------------------
def test_each_conversion_on_known_values():
    assert c.fte_to_hours_per_month(1.0) == pytest.approx(133.9166, abs=1e-3)
    assert c.fte_to_hours_per_month(12.0) == pytest.approx(1607.0)
    assert c.budget(12_000) == 1.0 and c.budget(4800) == 0.4 and c.budget(0) == 0.0
    assert c.dga_hours(100) == pytest.approx(HOUR) and c.dga_hours(0) == 0.0
    assert c.citizens(62_000) == c.SAMPLE_RESIDENTS == 5000 and c.citizens(800) == 800
    example = c.load("example")
    assert c.staff_hours(example) == pytest.approx(8.3 * 1607 / 12 / 12)


def test_the_overrides_are_the_documented_model_fields():
    changes = c.overrides(c.load("example"))
    assert changes == {
        "city.citizens": 5000,
        "city.departments": 12,
        "city.dgas": 4,
        "city.org_chart": [0, 0, 0, 1, 1, 1, 2, 2, 2, 3, 3, 3],
        "resources.staff_hours": round(8.3 * HOUR / 12, 1),  # to a tenth of an hour
        "resources.budget": 0.4,
        "resources.dga_hours": round(0.4 * HOUR, 1),
        **{k: v for k, v in changes.items() if k in ("city.age_shares", "city.initial_partners")},
    }


def test_a_total_fte_and_counts_of_departments_and_dgas(tmp_path):
    text = "name: X\npopulation: 800\ndepartments: 5\ndgas: 2\ndigital_staff_fte: 2.5\n"
    commune = c.load(profile(tmp_path, text + "budget_keur_per_year: 3600\n"))
    assert commune.staff_given_as_total and commune.staff_fte == (0.5,) * 5
    assert commune.departments[0] == "department 1" and commune.dgas == ("DGA 1", "DGA 2")
    changes = c.overrides(commune)
    assert changes["city.org_chart"] == [] and changes["city.citizens"] == 800
    assert "resources.dga_hours" not in changes  # not given: the model's default stays


@pytest.mark.parametrize(
    "shares",
    [
        {"0-14": 20, "15-29": 16, "30-44": 16, "45-59": 16, "60-74": 16, "75-89": 12, "90+": 4},
        {"15-29": 0.2, "30-44": 0.2, "45-59": 0.2, "60-74": 0.2, "75+": 0.2},
        {"15-29": 20.4, "30-44": 20, "45-59": 20, "60-74": 20, "75+": 20},  # rounding
    ],
)
def test_insee_age_shares_become_the_models_five_adult_groups(shares):
    data = yaml.safe_load(TEXT) | {"age_shares": shares}
    assert c.from_dict(data).age_shares == pytest.approx((0.2,) * 5, abs=0.005)


def test_the_overrides_make_a_valid_config_that_runs():
    config = scenario("phased").replace(**c.overrides(c.load("example")), months=12)
    assert config.city.org_chart == (0, 0, 0, 1, 1, 1, 2, 2, 2, 3, 3, 3)
    table = run(config.replace(**{"city.citizens": 500}), seed=1)  # a smaller sample: fast
    assert len(table) == 12
    assert table["hours_capacity"].iloc[0] == pytest.approx(8.3 * HOUR, abs=12 * 0.05)  # FTE


def test_values_outside_the_plausible_ranges_are_warned_not_refused():
    data = yaml.safe_load(TEXT) | {"budget_keur_per_year": 1200, "digital_staff_fte": 0.5}
    found = {w.field: w for w in c.warnings(c.from_dict(data))}
    assert set(found) == {"budget_keur_per_year", "digital_staff_fte"}
    assert found["budget_keur_per_year"].value == 0.1
    assert found["budget_keur_per_year"].plausible == plausible_ranges()["resources.budget"]
    assert found["digital_staff_fte"].unit == "h/department/month"
    assert c.warnings(c.load("example")) == []


def test_what_the_model_cannot_use_is_said():
    notes = " ".join(c.not_used(c.load("example")))
    assert "digital_staff_fte" in notes  # per-department FTE -> one mean
    if "age_shares" not in ModelConfig().to_dict()["city"]:
        assert "age_shares" in notes
    if "initial_partners" not in ModelConfig().to_dict()["city"]:
        assert "partners: 4" in notes


# ---- naming and recording ------------------------------------------------------------------------
def test_the_title_in_both_languages():
    example = c.load("example")
    assert c.title(example) == "Exemple-sur-Loire, 62,000 residents, 12 departments"
    assert c.title(example, "fr") == "Exemple-sur-Loire, 62\u202f000 habitants, 12 directions"
    one = c.from_dict(
        yaml.safe_load(TEXT) | {"name": {"en": "Pau-like commune", "fr": "Commune type Pau"}}
    )
    assert c.title(one).startswith("Pau-like commune, 62,000 residents")
    assert c.title(one, "fr").startswith("Commune type Pau, 62\u202f000 habitants")


@pytest.mark.parametrize("x", [0, 7, 999, 1000, 62_000, 2_133_111])
def test_numbers_are_written_as_the_report_writes_them(x):
    from sim.report.lang import Lang

    for code in ("en", "fr"):
        assert c.thousands(x, code) == Lang(code).number(x)


def test_the_record_is_plain_data_with_the_files_digest():
    record = c.record(c.load("example"), EXAMPLE)
    assert yaml.safe_load(yaml.safe_dump(record, allow_unicode=True)) == record
    assert record["digest"] and record["model_fields"]["city.departments"] == 12


def test_the_documentation_names_every_profile_field():
    doc = (Path(__file__).resolve().parents[2] / "docs" / "commune.md").read_text("utf-8")
    for key in c.KEYS:
        assert f"`{key}`" in doc, key
    assert "1,607" in doc and "12,000" in doc


def test_the_documentations_example_gives_what_it_says(tmp_path):
    doc = (Path(__file__).resolve().parents[2] / "docs" / "commune.md").read_text("utf-8")
    block = doc.split("## An example")[1].split("```yaml")[1].split("```")[0]
    pau = c.load(profile(tmp_path, block))
    flat = " ".join(doc.split())
    assert f'title "{c.title(pau)}" ("{" ".join(c.title(pau, "fr").split())}")' in flat
    changes = c.overrides(pau)
    assert f"resources.staff_hours={changes['resources.staff_hours']:.1f}" in doc
    assert f"city.org_chart={changes['city.org_chart']}" in doc


# ---- refusals, in the profile's words ------------------------------------------------------------
RANGES = [  # (line of the example, its replacement, field, allowed range as printed)
    ("budget_keur_per_year: 4800", "budget_keur_per_year: -5", "budget_keur_per_year = -5",
     "allowed 0 to 120,000 k€ a year"),
    ("budget_keur_per_year: 4800", "budget_keur_per_year: 200000",
     "budget_keur_per_year = 200000", "allowed 0 to 120,000 k€ a year"),
    ("population: 62000", "population: 50", "population = 50",
     "allowed 100 to 3,000,000 residents"),
    ("dga_time_percent: 40", "dga_time_percent: 150", "dga_time_percent = 150",
     "allowed 0 to 100 % of each DGA's working time"),
    ("  Systèmes d'information: 3.0", "  Systèmes d'information: 900", "digital_staff_fte = ",
     "allowed 0.09 to 89.60 FTE in total for 12 departments"),
    ("  Sports: 0.2", "  Sports: -0.2", "digital_staff_fte.Sports = -0.2", "allowed 0 FTE or more"),
    ("population: 62000", "population: 62000.5", "population = 62000.5", "a whole number"),
    ("population: 62000", "population: many", "population = 'many'", "a finite number"),
    ("name: Exemple-sur-Loire", "name: ''", "name = ''", "a text, not empty"),
    ('  "90+": 2.0', '  "90+": 12.0', "age_shares = ", "summing to 1 or to 100 (±1 %), not 110"),
    ('  "90+": 2.0', '  "95+": 2.0', "age_shares.95+ = 2", "an INSEE age group"),
    ('  "90+": 2.0', '  "90+": 2.0\n  "75+": 11.0', "age_shares = ", "not both"),
    ("  Sports: 0.2", "  Sportz: 0.2", "digital_staff_fte.Sportz = 0.2", "did you mean 'Sports'"),
    ("  - Sports\n", "", "dgas.DGA Culture, sports et vie associative = 'Sports'",
     "a department listed in departments"),
    ("[Urbanisme, Mobilités", "[Sports, Urbanisme, Mobilités", "dgas.DGA Aménagement",
     "one DGA per department (Sports is in DGA Culture"),
    ("[Culture, Sports, Vie", "[Culture, Vie", 'dgas = ["Sports"]', "every department held"),
    ("dga_time_percent: 40", "dga_time_pourcent: 40", "dga_time_pourcent = 40",
     "did you mean 'dga_time_percent'"),
]  # fmt: skip


@pytest.mark.parametrize(("old", "new", "field", "allowed"), RANGES)
def test_every_refusal_names_file_line_field_value_and_range(tmp_path, old, new, field, allowed):
    text = edited(old, new)
    path = profile(tmp_path, text)
    with pytest.raises(c.ProfileError) as caught:
        c.load(path)
    message = str(caught.value)
    assert message.startswith(f"{path}, line "), message
    assert field in message and allowed in message, message
    assert isinstance(caught.value, ConfigError)  # the CLI prints it as any config error


def test_the_line_is_the_fields_own(tmp_path):
    text = edited("budget_keur_per_year: 4800", "budget_keur_per_year: -5")
    with pytest.raises(c.ProfileError, match=f", line {line_of(text, 'budget_keur')}: "):
        c.load(profile(tmp_path, text))


@pytest.mark.parametrize(
    ("data", "field", "allowed"),
    [
        ({"departments": 41, "dgas": 3}, "departments = 41", "1 to 40 departments"),
        ({"departments": 3, "dgas": 11}, "dgas = 11", "1 to 10 DGAs"),
        ({"departments": 3, "dgas": 4}, "dgas = 4", "at most 3, one a department"),
        ({"departments": ["A", "A"], "dgas": 1}, "departments = [", "distinct names"),
        ({"departments": 3, "dgas": {"G": ["A"]}}, "departments = 3", "a list of department"),
        ({"partners": 97}, "partners = 97", "0 to 96 existing partners"),
        ({"budget_keur_per_year": None}, "budget_keur_per_year = None", "required"),
        ({"digital_staff_fte": {"A": 1}}, 'digital_staff_fte = ["B"]', "every department"),
        ({"age_shares": [1, 2]}, "age_shares = [1, 2]", "a share for each age group"),
        ({"age_shares": {"15-29": 1}}, "age_shares = ", "a share for every group"),
        ({"name": {"de": "X"}}, "name = ", "a text, or {en:, fr:}"),
    ],
)
def test_refusals_of_the_organisation_and_counts(data: dict[str, Any], field, allowed):
    base = {"name": "X", "population": 5000, "departments": ["A", "B"], "dgas": 1,
            "digital_staff_fte": 1.0, "budget_keur_per_year": 6000}  # fmt: skip
    with pytest.raises(c.ProfileError) as caught:
        c.from_dict(base | data, "x.yaml")
    message = str(caught.value)
    assert message.startswith("x.yaml: ") and field in message and allowed in message, message


@pytest.mark.parametrize(("text", "allowed"), [("a: [", "valid YAML"), ("- 1\n", "a mapping")])
def test_a_file_that_is_no_profile_is_refused(tmp_path, text, allowed):
    with pytest.raises(c.ProfileError, match=allowed):
        c.load(profile(tmp_path, text))


def test_a_displayed_bound_is_accepted():
    """The ranges printed are rounded inwards: a value written at a printed bound passes."""
    data = yaml.safe_load(TEXT)
    low, high, *_ = c.limits(c.from_dict(data))["digital_staff_fte"]
    for bound in (math.ceil(low * 100) / 100, math.floor(high * 100) / 100):
        assert c.from_dict(data | {"digital_staff_fte": bound}).total_fte == bound
