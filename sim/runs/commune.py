"""My commune: a profile in the units a local authority uses, turned into model fields.

An advisor knows their population, departments and which DGA holds each, digital staff in FTE,
the programme's budget in k€ a year and their partners; the model reads residents,
h/department/month and M€/month. A profile (`commune.yaml`) is read and checked here in its own
words, then turned into dotted model-field changes by one conversion per field (docs/commune.md:
the table, each constant and its source):

    commune = load("example")  # or load("./commune.yaml")
    config = scenario("phased").replace(**overrides(commune))

The shipped example and the commented templates (en, fr) live in `sim/communes/`, beside, not
inside, the Hydra configs (as sim/ensembles): a folder of `sim/configs/` is a Hydra config group,
so `compare commune=example` would be read as a group choice and refused.
"""

from __future__ import annotations

import dataclasses
import json
import math
from collections.abc import Mapping
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path
from typing import Any

import yaml

from sim.core.config import CityConfig, ConfigError, ResourceConfig
from sim.core.population import AGE_GROUPS
from sim.runs import presets
from sim.runs.files import file_digest

# ---- the constants of the conversion (docs/commune.md) ------------------------------------------
ANNUAL_HOURS = 1607  # h a year of one FTE: décret 2000-815 art. 1, décret 2001-623 art. 1
#                    (territorial service): 1,600 h + 7 h journée de solidarité (loi 2004-626)
MONTHS, KEUR_PER_MEUR = 12, 1000  # months a year; k€ in one M€
SAMPLE_RESIDENTS = 5000  # residents simulated at most: the default city's (configs/city/default)
POPULATION = (100, 3_000_000)  # allowed residents (Paris has 2.1 million)
INSEE_GROUPS = ("0-14", "15-29", "30-44", "45-59", "60-74", "75+", "75-89", "90+")
SHARE_TOLERANCE = 0.01  # shares must sum to 1 (or 100 %) within rounding: ±1 %
KEYS = ("name", "population", "age_shares", "departments", "dgas", "digital_staff_fte",
        "budget_keur_per_year", "dga_time_percent", "partners", "notes")  # fmt: skip
REQUIRED = ("name", "population", "departments", "dgas", "digital_staff_fte",
            "budget_keur_per_year")  # fmt: skip
LABELS = {"departments": "department", "dgas": "DGA"}  # a count's generated names: 'DGA 2'
NBSP_THIN = "\u202f"  # narrow no-break space: French thousands (as sim.report.lang.Lang.number)


class ProfileError(ConfigError):
    """A profile value is wrong: the message names the file (and line), the profile's field, the
    value it got and what is allowed, in the profile's units, e.g.
    `commune.yaml, line 9: budget_keur_per_year = -5: allowed 0 to 120,000 k€ a year`."""

    def __init__(self, where: str, field: str, value: Any, allowed: str, line: int | None = None):
        super().__init__(field, value, allowed)
        self.where, self.line = where, line
        place = f"{where}, line {line}" if line else where
        self.args = (f"{place}: {field} = {_shown(value)}: allowed {allowed}",)


def _shown(value: Any) -> str:
    """A value as the profile wrote it: numbers bare, text quoted, lists and mappings as JSON."""
    if isinstance(value, str):
        return repr(value)
    if isinstance(value, (list, tuple, dict)):
        return json.dumps(_plain(value), ensure_ascii=False)
    return str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)


def _plain(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


@dataclass(frozen=True)
class Commune:
    """A checked profile, in the profile's units (the conversion to model fields is `overrides`).

    `chart[d]`: the index in `dgas` of department d's DGA (empty: in turn, when the profile gives
    only a count of DGAs); `staff_fte[d]`: department d's digital FTE (a total is shared
    equally); `age_shares`: the model's five adult groups (population.AGE_GROUPS), summing to 1,
    or None for the national default.
    """

    name: str
    name_fr: str
    population: int
    departments: tuple[str, ...]
    dgas: tuple[str, ...]
    chart: tuple[int, ...]
    staff_fte: tuple[float, ...]
    budget_keur_per_year: float
    age_shares: tuple[float, ...] | None = None
    dga_time_percent: float | None = None
    partners: int = 0
    partner_names: tuple[str, ...] = ()
    notes: str = ""
    staff_given_as_total: bool = False
    where: str = "commune profile"

    @property
    def total_fte(self) -> float:
        return float(sum(self.staff_fte))


# ---- finding a profile ---------------------------------------------------------------------------
def folder() -> Path:
    """The shipped profiles: sim/communes (package data beside the Hydra configs, not in them)."""
    return Path(str(files("sim") / "communes"))


def names() -> list[str]:
    """Names of the shipped profiles (example, template, template.fr), sorted."""
    return sorted(p.name[: -len(".yaml")] for p in folder().glob("*.yaml"))


def allowed() -> str:
    return f"the name of a shipped profile (one of {names()}) or the path of a .yaml profile"


def resolve(value: Any) -> Path:
    """The file `commune=` names: a shipped name (`example`) or a path ending in .yaml/.yml;
    ConfigError naming `commune` otherwise, as `ensemble=` and `scenarios=` do."""
    suffixes = (".yaml", ".yml")
    return presets.shipped_or_path("commune", value, folder(), suffixes, allowed(), names())


def load(value: str) -> Commune:
    """The profile `commune=` names, read and checked; ProfileError names file, line and field."""
    path = resolve(value)
    where = value if value.endswith((".yaml", ".yml")) else path.name
    try:
        text = path.read_text(encoding="utf-8")
        node, data = yaml.compose(text, Loader=yaml.SafeLoader), yaml.safe_load(text)
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        problem = getattr(err, "problem", None) or str(err)
        raise ProfileError(where, "(file)", problem, "valid YAML", line) from None
    except (OSError, UnicodeDecodeError) as err:
        raise ProfileError(where, "(file)", str(err), "a readable UTF-8 file") from None
    try:
        return from_dict(data, where)
    except ProfileError as err:
        if err.line is not None or err.path.startswith("("):
            raise
        line = presets._line(node, err.path)
        raise ProfileError(where, err.path, err.value, err.allowed, line) from None


# ---- reading a profile ---------------------------------------------------------------------------
@dataclass(frozen=True)
class _Reader:
    """Reads one profile's fields; every refusal names the profile (`where`) and the field."""

    where: str

    def check(self, ok: bool, field: str, value: Any, allowed: str) -> None:
        if not ok:
            raise ProfileError(self.where, field, value, allowed)

    def number(self, value: Any, field: str) -> float:
        finite = isinstance(value, (int, float)) and not isinstance(value, bool)
        self.check(finite and math.isfinite(value), field, value, "a finite number")
        return float(value)

    def integer(self, value: Any, field: str) -> int:
        self.check(self.number(value, field).is_integer(), field, value, "a whole number")
        return int(value)

    def text(self, value: Any, field: str, empty: bool = False) -> str:
        ok = isinstance(value, str) and (empty or bool(value.strip()))
        self.check(ok, field, value, "a text" if empty else "a text, not empty")
        return value.strip()

    def choice(self, ok: bool, field: str, value: Any, allowed: str, word: Any, among: Any) -> None:
        """check() with a did-you-mean for a name that is not one of `among`."""
        self.check(ok, field, value, allowed + presets.suggestion(word, among))


def from_dict(data: Any, where: str = "commune profile") -> Commune:
    """A Commune from plain profile data (a parsed commune.yaml), checked field by field."""
    r = _Reader(where)
    r.check(isinstance(data, dict), "(file)", data, f"a mapping of profile fields {list(KEYS)}")
    for key in data:
        r.choice(key in KEYS, str(key), data[key], f"a profile field, one of {list(KEYS)}", key,
                 KEYS)  # fmt: skip
    for key in REQUIRED:
        r.check(data.get(key) is not None, key, None, "a value: this field is required")
    name, name_fr = _names(r, data["name"])
    departments, dgas, chart = _organisation(r, data["departments"], data["dgas"])
    fte, as_total = _staff(r, data["digital_staff_fte"], departments)
    partners = data.get("partners") or 0
    listed = isinstance(partners, list)
    given_time = data.get("dga_time_percent")
    commune = Commune(
        name=name, name_fr=name_fr, population=r.integer(data["population"], "population"),
        departments=departments, dgas=dgas, chart=chart, staff_fte=fte,
        budget_keur_per_year=r.number(data["budget_keur_per_year"], "budget_keur_per_year"),
        age_shares=_age_shares(r, data.get("age_shares")),
        dga_time_percent=None if given_time is None else r.number(given_time, "dga_time_percent"),
        partners=len(partners) if listed else r.integer(partners, "partners"),
        partner_names=tuple(r.text(v, f"partners[{i}]") for i, v in enumerate(partners))
        if listed else (), notes=r.text(data.get("notes") or "", "notes", empty=True),
        staff_given_as_total=as_total, where=where,
    )  # fmt: skip
    validate(commune)
    return commune


def _names(r: _Reader, value: Any) -> tuple[str, str]:
    """The commune's name for the brief's title: one text, or {en: ..., fr: ...}."""
    if not isinstance(value, dict):
        return r.text(value, "name"), r.text(value, "name")
    r.check("en" in value and set(value) <= {"en", "fr"}, "name", value, "a text, or {en:, fr:}")
    english = r.text(value["en"], "name.en")
    return english, r.text(value.get("fr", english), "name.fr")


def _labels(r: _Reader, value: Any, field: str) -> tuple[str, ...]:
    """Names given as a list of distinct texts, or generated from a count ('department 3')."""
    (low, high), word = _bounds(CityConfig, field), LABELS[field]
    if isinstance(value, list):
        labels = tuple(r.text(v, f"{field}[{i}]") for i, v in enumerate(value))
        r.check(len(set(labels)) == len(labels), field, value, "distinct names")
    else:
        labels = tuple(f"{word} {i + 1}" for i in range(max(r.integer(value, field), 0)))
    ok = low <= len(labels) <= high
    r.check(ok, field, value, f"{low} to {high} {word}s (the model's range)")
    return labels


def _organisation(r: _Reader, listed: Any, held: Any) -> tuple[tuple[Any, ...], ...]:
    """Departments, DGAs and the chart: `dgas` as {DGA: [departments]} (the chart) or a count
    (the model then shares the departments among the DGAs in turn)."""
    departments = _labels(r, listed, "departments")
    dgas = _labels(r, list(held) if isinstance(held, dict) else held, "dgas")
    if not isinstance(held, dict):
        return departments, dgas, ()
    r.check(isinstance(listed, list), "departments", listed,
            "a list of department names when dgas says who holds which")  # fmt: skip
    owner: dict[str, int] = {}
    for i, (g, deps) in enumerate(zip(dgas, held.values(), strict=True)):
        r.check(isinstance(deps, list) and bool(deps), f"dgas.{g}", deps,
                "a list of at least one department")  # fmt: skip
        for dep in deps:
            r.choice(dep in departments, f"dgas.{g}", dep, "a department listed in departments",
                     dep, departments)  # fmt: skip
            r.check(dep not in owner, f"dgas.{g}", dep,
                    f"one DGA per department ({dep} is in {dgas[owner.get(dep, 0)]})")  # fmt: skip
            owner[dep] = i
    missing = [d for d in departments if d not in owner]
    r.check(not missing, "dgas", missing, "every department held by one DGA")
    return departments, dgas, tuple(owner[d] for d in departments)


def _staff(r: _Reader, value: Any, departments: tuple[str, ...]) -> tuple[tuple[float, ...], bool]:
    """Digital staff in FTE: one total (shared equally) or {department: FTE} for every one."""
    if not isinstance(value, dict):
        total = r.number(value, "digital_staff_fte")
        return tuple(total / len(departments) for _ in departments), True
    for dep in value:
        r.choice(dep in departments, f"digital_staff_fte.{dep}", value[dep],
                 "a department listed in departments", dep, departments)  # fmt: skip
    missing = [d for d in departments if d not in value]
    r.check(not missing, "digital_staff_fte", missing,
            "an FTE for every department (0 is allowed), or one total")  # fmt: skip
    fte = tuple(r.number(value[d], f"digital_staff_fte.{d}") for d in departments)
    for dep, x in zip(departments, fte, strict=True):
        r.check(x >= 0, f"digital_staff_fte.{dep}", x, "0 FTE or more")
    return fte, False


def _age_shares(r: _Reader, value: Any) -> tuple[float, ...] | None:
    """INSEE-style age shares -> the model's five adult groups, summing to 1 (None: national).

    Shares may be fractions (summing to 1) or percentages (summing to 100); 0-14 may be given
    (the model's residents are 15 and over, so it is dropped) and 75+ split as 75-89 and 90+.
    """
    if value is None:
        return None
    r.check(isinstance(value, dict), "age_shares", value,
            f"a share for each age group {AGE_GROUPS}, or none (national)")  # fmt: skip
    shares: dict[str, float] = {}
    for group, share in value.items():
        field = f"age_shares.{group}"
        r.choice(
            str(group) in INSEE_GROUPS,
            field,
            share,
            f"an INSEE age group, one of {list(INSEE_GROUPS)}",
            group,
            INSEE_GROUPS,
        )
        shares[str(group)] = r.number(share, field)
        r.check(shares[str(group)] >= 0, field, share, "a share of 0 or more")
    split = {"75-89", "90+"} & set(shares)
    r.check(not ("75+" in shares and split), "age_shares", value, "75+ or 75-89 and 90+, not both")
    if split == {"75-89", "90+"}:
        shares["75+"] = shares.pop("75-89") + shares.pop("90+")
    missing = [g for g in AGE_GROUPS if g not in shares]
    r.check(not missing, "age_shares", value, f"a share for every group {AGE_GROUPS}")
    total = sum(shares.values())
    near = any(abs(total - s) <= SHARE_TOLERANCE * s for s in (1.0, 100.0))
    r.check(near, "age_shares", value, f"shares summing to 1 or to 100 (±1 %), not {total:g}")
    adults = sum(shares[g] for g in AGE_GROUPS)
    r.check(adults > 0, "age_shares", value, "some residents aged 15 or over")
    return tuple(shares[g] / adults for g in AGE_GROUPS)


# ---- validation in the profile's words -----------------------------------------------------------
def _bounds(section: type, name: str) -> tuple[float, float]:
    return next(f.metadata["bounds"] for f in dataclasses.fields(section) if f.name == name)


def _range(low: float, high: float, unit: str, decimals: int = 0) -> str:
    """'0 to 120,000 k€ a year': the displayed bounds rounded inwards, so a value written at a
    displayed bound is accepted."""
    step = 10**decimals
    low, high = math.ceil(low * step - 1e-9) / step, math.floor(high * step + 1e-9) / step
    return f"{low:,.{decimals}f} to {high:,.{decimals}f} {unit}"


def limits(commune: Commune) -> dict[str, tuple[float, float, str, int]]:
    """Profile field -> (lowest, highest, unit, decimals shown) allowed: the bounds of the model
    field it becomes, converted back into the profile's unit, so the two cannot drift."""
    d, hour = len(commune.departments), fte_to_hours_per_month(1.0)
    staff, money = _bounds(ResourceConfig, "staff_hours"), _bounds(ResourceConfig, "budget")
    city = CityConfig()
    candidates = city.partner_pool - round(city.partner_pool * city.vendor_share)
    return {
        "population": (*POPULATION, "residents", 0),
        "budget_keur_per_year": (money[0] * MONTHS * KEUR_PER_MEUR,
                                 money[1] * MONTHS * KEUR_PER_MEUR, "k€ a year", 0),
        "digital_staff_fte": (d * staff[0] / hour, d * staff[1] / hour, f"FTE in total for {d} "
                              f"departments (the model's {staff[0]:g} to {staff[1]:,g} h per "
                              "department a month)", 2),
        "dga_time_percent": (0, 100, "% of each DGA's working time", 0),
        "partners": (0, candidates, "existing partners (the model's co-creation candidates)", 0),
    }  # fmt: skip


def validate(commune: Commune) -> None:
    """Ranges, in the profile's units, derived from the model fields they become; ProfileError."""
    values = {"population": commune.population, "partners": commune.partners,
              "budget_keur_per_year": commune.budget_keur_per_year,
              "digital_staff_fte": commune.total_fte,
              "dga_time_percent": commune.dga_time_percent}  # fmt: skip
    for field, (low, high, unit, decimals) in limits(commune).items():
        value = values[field]
        if value is not None and not low <= value <= high:
            raise ProfileError(commune.where, field, value, _range(low, high, unit, decimals))
    d = len(commune.departments)
    if len(commune.dgas) > d:
        raise ProfileError(
            commune.where, "dgas", len(commune.dgas), f"at most {d}, one a department"
        )


# ---- the conversion (docs/commune.md) ------------------------------------------------------------
def fte_to_hours_per_month(fte: float) -> float:
    """FTE -> hours a month: × 1,607 h a year (the French public service's legal annual working
    time, ANNUAL_HOURS) ÷ 12 months; 1 FTE = 133.9 h/month."""
    return fte * ANNUAL_HOURS / MONTHS


def staff_hours(commune: Commune) -> float:
    """resources.staff_hours (h/department/month): the digital FTE in hours, shared equally
    among the departments (the model gives every department the same hours)."""
    return fte_to_hours_per_month(commune.total_fte) / len(commune.departments)


def budget(keur_per_year: float) -> float:
    """resources.budget (M€/month) from k€ a year: ÷ 1,000 (k€ -> M€) ÷ 12 months."""
    return keur_per_year / (KEUR_PER_MEUR * MONTHS)


def dga_hours(percent: float) -> float:
    """resources.dga_hours (h/DGA/month) from the % of a DGA's working time on the programme."""
    return fte_to_hours_per_month(percent / 100)


def citizens(population: int) -> int:
    """city.citizens: the residents simulated, a sample of the population (at most
    SAMPLE_RESIDENTS). Every result is a share or a mean over residents (participation, trust,
    value per resident), so the sample estimates them; more residents would only slow the runs."""
    return min(population, SAMPLE_RESIDENTS)


def _model_has(section: type, name: str) -> bool:
    """Whether the model has a field yet (age shares, initial partners: see `not_used`)."""
    return any(f.name == name for f in dataclasses.fields(section))


def overrides(commune: Commune) -> dict[str, Any]:
    """Dotted model-field changes, for `ModelConfig.replace(**overrides(commune))`."""
    out: dict[str, Any] = {
        "city.citizens": citizens(commune.population),
        "city.departments": len(commune.departments),
        "city.dgas": len(commune.dgas),
        "city.org_chart": list(commune.chart),
        # hours to a tenth: what the brief prints is what the model reads
        "resources.staff_hours": round(staff_hours(commune), 1),
        "resources.budget": budget(commune.budget_keur_per_year),
    }
    if commune.dga_time_percent is not None:
        out["resources.dga_hours"] = round(dga_hours(commune.dga_time_percent), 1)
    if commune.age_shares is not None and _model_has(CityConfig, "age_shares"):
        out["city.age_shares"] = list(commune.age_shares)
    if commune.partners and _model_has(CityConfig, "initial_partners"):
        out["city.initial_partners"] = commune.partners
    return out


@dataclass(frozen=True)
class Extrapolation:
    """A converted value allowed but outside its plausible range: the brief says so."""

    field: str  # the profile's field
    model_field: str
    value: float  # in the model field's unit
    plausible: tuple[float, float]
    unit: str


PROFILE_FIELD = {"resources.staff_hours": "digital_staff_fte",
                 "resources.budget": "budget_keur_per_year",
                 "resources.dga_hours": "dga_time_percent"}  # fmt: skip


def warnings(commune: Commune) -> list[Extrapolation]:
    """Converted values outside the model's plausible ranges (results there extrapolate)."""
    changes = overrides(commune)
    out = []
    for f in dataclasses.fields(ResourceConfig):
        path = f"resources.{f.name}"
        if path in changes and "plausible" in f.metadata:
            low, high = f.metadata["plausible"]
            if not low <= changes[path] <= high:
                row = (PROFILE_FIELD[path], path, changes[path], (low, high), f.metadata["unit"])
                out.append(Extrapolation(*row))
    return out


def not_used(commune: Commune) -> list[str]:
    """What the profile says that the model cannot take yet, one sentence each (never silent)."""
    out = []
    if commune.age_shares is not None and not _model_has(CityConfig, "age_shares"):
        out.append("age_shares: recorded, not used: the model draws residents from the national "
                   "age structure (sim.core.population.AGE_SHARES)")  # fmt: skip
    if commune.partners and not _model_has(CityConfig, "initial_partners"):
        out.append(f"partners: {commune.partners} recorded, not used: every run starts with "
                   "no active partner")  # fmt: skip
    if len(set(commune.staff_fte)) > 1:
        out.append("digital_staff_fte: the model gives every department the mean, "
                   f"{staff_hours(commune):.1f} h a month")  # fmt: skip
    return out


# ---- naming and recording ------------------------------------------------------------------------
def thousands(n: float, lang: str) -> str:
    """An integer as the report writes it (Lang.number, which sim.runs may not import: a lower
    layer): 62,000 (en), 62 000 with a narrow no-break space (fr)."""
    text = f"{round(n):,d}"
    return text.replace(",", NBSP_THIN) if lang == "fr" else text


def title(commune: Commune, lang: str = "en") -> str:
    """The brief's title: 'Exemple-sur-Loire, 62,000 residents, 12 departments' or
    'Exemple-sur-Loire, 62 000 habitants, 12 directions'."""
    d = len(commune.departments)
    if lang == "fr":
        unit = "direction" if d < 2 else "directions"
        return f"{commune.name_fr}, {thousands(commune.population, 'fr')} habitants, {d} {unit}"
    unit = "department" if d == 1 else "departments"
    return f"{commune.name}, {thousands(commune.population, 'en')} residents, {d} {unit}"


def record(commune: Commune, path: str | Path | None = None) -> dict[str, Any]:
    """What scenarios.yaml records: the profile as read, its file and digest, the model fields
    it set, and what the model could not use."""
    data = {f.name: _plain(getattr(commune, f.name)) for f in dataclasses.fields(commune)}
    out = {"profile": data, "model_fields": overrides(commune), "not_used": not_used(commune)}
    if path is not None:
        out.update(file=str(path), digest=file_digest(path))
    return out
