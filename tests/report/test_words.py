"""The report's words: one catalogue in two languages, number formats, likelihood terms."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import sim.report
from sim.core.value import DESTRUCTIONS, DIMENSIONS
from sim.report.lang import (
    LANGUAGES,
    LIKELIHOOD,
    NNBSP,
    TOO_FEW,
    Lang,
    catalogue,
    check_language,
    french_typography,
    likelihood_key,
    placeholders,
)

SOURCES = sorted(Path(sim.report.__file__).parent.glob("*.py"))


def test_every_entry_has_both_languages_with_the_same_placeholders() -> None:
    entries = catalogue()
    assert len(entries) > 150
    for key, entry in entries.items():
        assert set(entry) == set(LANGUAGES), key
        assert placeholders(entry["en"]) == placeholders(entry["fr"]), key
        assert entry["en"].strip() and entry["fr"].strip(), key


def test_every_key_the_code_asks_for_exists() -> None:
    used = set()
    for path in SOURCES:
        source = path.read_text(encoding="utf-8")
        used |= set(re.findall(r'\.[th]\(\s*"([a-z_.]+)"', source))
        used |= set(re.findall(r'\.h\(\s*\n\s*"([a-z_.]+)"', source))
    assert len(used) > 60
    families = [f"dimension.{d}" for d in DIMENSIONS]
    families += [f"destruction.{k}" for k in DESTRUCTIONS]
    families += [f"destruction.{k}.short" for k in DESTRUCTIONS]
    families += [f"likelihood.{k}" for k, *_ in LIKELIHOOD] + [f"likelihood.{TOO_FEW}"]
    families += [f"level.{x}" for x in ("tight", "adequate", "generous", "custom")]
    missing = sorted(k for k in used | set(families) if k not in catalogue())
    assert missing == []


def test_french_strings_follow_french_typography() -> None:
    for key, entry in catalogue().items():
        fr, en = entry["fr"], entry["en"]
        assert not re.search(r"[ \u00a0][;:!?%]", fr), key
        assert not re.search(r"\w[;!?]", fr), key  # a space of some kind before ; ! ?
        assert '"' not in fr and "'" not in fr, key  # « guillemets » and ’ apostrophes
        assert "«" not in en and NNBSP not in en, key
    assert french_typography("« oui » : 5 %") == f"«{NNBSP}oui{NNBSP}»{NNBSP}: 5{NNBSP}%"


def test_number_formats() -> None:
    en, fr = Lang("en"), Lang("fr")
    assert en.number(12345.678, 1) == "12,345.7"
    assert fr.number(12345.678, 1) == f"12{NNBSP}345,7"
    assert en.number(-3.2, 1) == "\u22123.2" and fr.number(-0.001, 1) == "0,0"
    assert [en.value(x) for x in (382.06, 49.04, 7.261)] == ["382", "49.0", "7.26"]
    assert fr.value(7.261) == "7,26"
    assert fr.percent(0.5) == f"50{NNBSP}%" and en.percent(0.5) == "50%"
    assert en.plain(0.4) == "0.4" and fr.plain(1.25) == "1,25" and en.plain(40.0) == "40"
    assert [en.ordinal(n) for n in (1, 2, 3, 4, 11, 12, 13, 21)] == [
        "1st", "2nd", "3rd", "4th", "11th", "12th", "13th", "21st",
    ]  # fmt: skip
    assert [fr.ordinal(n) for n in (1, 2)] == ["1er", "2e"]
    assert en.years(144) == "12 years" and fr.years(12) == "1 an" and en.years(30) == "2.5 years"
    assert fr.years(18) == "1,5 an" and en.years(18) == "1.5 years" and en.years(12) == "1 year"
    assert fr.p_value(0.0001) == "p < 0,001" and en.p_value(0.03125) == "p = 0.031"
    assert en.join(["a", "b", "c"]) == "a, b and c" and fr.join(["a", "b"], "or") == "a ou b"
    assert en.semicolons(["a", "b", "c"]) == "a; b; c"
    assert fr.semicolons(["a", "b"]) == f"a{NNBSP}; b"


@pytest.mark.parametrize(
    ("ahead", "futures", "term"),
    [
        (100, 100, "virtually_certain"),
        (50, 50, "very_likely"),  # 50 futures cannot tell 99% from 98%
        (20, 20, "very_likely"),
        (6, 6, "likely"),  # 6 futures cannot tell 90% from 83%
        (45, 50, "very_likely"),
        (40, 50, "likely"),
        (25, 50, "about_as_likely_as_not"),
        (10, 50, "unlikely"),
        (2, 50, "very_unlikely"),
        (0, 100, "exceptionally_unlikely"),
        (0, 50, "very_unlikely"),
        (2, 2, TOO_FEW),
    ],
)
def test_likelihood_terms_follow_the_share_and_what_the_count_supports(
    ahead: int, futures: int, term: str
) -> None:
    assert likelihood_key(ahead / futures, futures) == term


def test_likelihood_ranges_are_the_ipcc_ones() -> None:
    ranges = {key: (low, high) for key, low, high in LIKELIHOOD}
    assert ranges["virtually_certain"] == (0.99, 1.0)
    assert ranges["very_likely"] == (0.90, 1.0)
    assert ranges["likely"] == (0.66, 1.0)
    assert ranges["about_as_likely_as_not"] == (0.33, 0.66)
    assert ranges["unlikely"] == (0.0, 0.33)
    assert ranges["very_unlikely"] == (0.0, 0.10)


def test_scenario_labels_and_the_fallback_to_the_file_name() -> None:
    en, fr = Lang("en"), Lang("fr")
    assert en.scenario("phased") == "Phased (proactive, then open)"
    assert fr.scenario("phased") == "Par étapes (proactif, puis ouvert)"
    for name in ("proactive", "open", "phased", "combined"):
        assert en.scenario(name) != name and fr.scenario(name) != en.scenario(name)
        assert en.scenario_about(name) and fr.scenario_about(name)
    assert en.scenario("my_option") == "my_option" and fr.scenario("my_option") == "my_option"
    assert en.scenario_about("my_option") is None


def test_language_check_names_the_setting() -> None:
    from sim.core.config import ConfigError

    assert check_language("fr") == "fr"
    with pytest.raises(ConfigError, match="language"):
        check_language("de")


def test_an_own_scenario_file_is_named_by_its_stem_never_its_path() -> None:
    """The brief is read by people who do not know the advisor's folders (issue #25)."""
    from sim.report.lang import Lang

    for code in ("en", "fr"):
        assert Lang(code).scenario("./studies/my_option.yaml") == "my_option"
        assert Lang(code).scenario("/home/advisor/pau/bold.yml") == "bold"
        assert Lang(code).scenario("phased") == Lang(code).t("scenario.phased")  # the catalogue's


def test_staff_hours_are_said_per_month_in_both_languages() -> None:
    from sim.report.lang import Lang

    values = {"budget": "0.4", "staff": "20", "dga": "30"}
    assert "20 staff hours per department a month" in Lang("en").h("cond.details", **values)
    assert "20 h d’agents par service et par mois" in Lang("fr").h("cond.details", **values)
    assert "Fréquence où" not in Lang("fr").t("rank.how_sure")
