"""The sections of a run's configuration: city, resources, trajectory, mechanisms, parameters.

Every numeric field carries its *allowed* interval (what validation accepts); every behavioural
field also carries a *plausible* interval (what sensitivity and robustness analyses explore), its
unit and its source, so there is one list of parameters, read by the validation, by SALib, by the
robustness map and by the ODD's parameter tables (docs/ODD.md §7).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any

TRAJECTORY_KINDS = ("proactive", "open", "phased", "combined", "custom")
SWITCH_RULES = ("readiness", "month")
WEIGHT_PROFILES = ("equal", "green", "app", "socially_sensitive", "participatory")


def bounded(default: Any, lo: float | None = None, hi: float | None = None, **meta: Any) -> Any:
    """A dataclass field with its allowed closed interval [lo, hi] (None = unbounded)."""
    return field(default=default, metadata={"bounds": (lo, hi), **meta})


@dataclass(frozen=True)
class CityConfig:
    """Who is in the municipality (docs/ODD.md §2)."""

    departments: int = bounded(10, 1, 40)
    dgas: int = bounded(4, 1, 10)
    citizens: int = bounded(5000, 10, 1_000_000)
    partner_pool: int = bounded(120, 0, 1000)
    vendor_share: float = bounded(0.2, 0.0, 1.0)
    datasets_per_department: int = bounded(8, 0, 100)
    initial_infrastructure: float = bounded(0.05, 0.0, 1.0)
    initial_culture: float = bounded(0.05, 0.0, 1.0)
    initial_institutions: float = bounded(0.0, 0.0, 1.0)


@dataclass(frozen=True)
class ResourceConfig:
    """The resource constraints of the mission (docs/ODD.md §7.3, §8.1). 'Adequate' defaults.

    Budget, staff hours and DGA attention are what every activity draws on; coordination and the
    open programmes' start-up are what openness costs in them (source §3.6, §4.1).
    """

    budget: float = bounded(
        1.0,
        0.0,
        10.0,
        plausible=(0.3, 1.8),
        unit="M€/month",
        source="Angers 178 M€ and Dijon 105 M€ over 12 years ≈ 1.2 and 0.7 M€/month (source §2.1)",
    )
    staff_hours: float = bounded(
        40.0,
        1.0,
        1000.0,
        plausible=(20.0, 160.0),
        unit="h/department/month",
        source="assumption: 0.1–1 FTE of digital staff per department (source §3.2–3.3)",
    )
    dga_hours: float = bounded(
        60.0,
        0.0,
        1000.0,
        plausible=(30.0, 120.0),
        unit="h/DGA/month",
        source="assumption: a fifth to two thirds of a DGA's month on the programme (source §3.2)",
    )
    coordination_hours: float = bounded(
        12.0,
        0.0,
        200.0,
        plausible=(6.0, 20.0),
        unit="h/partner/month",
        source="assumption: 1.5–2.5 working days a month per partnership (Bitterman & Koliba 2020)",
    )
    pairwise_hours: float = bounded(
        1.5,
        0.0,
        50.0,
        plausible=(0.5, 3.0),
        unit="h/pair of partners/month",
        source="assumption: network overhead grows with pairs (source §3.6)",
    )
    update_hours: float = bounded(
        2.0,
        0.0,
        50.0,
        plausible=(0.5, 4.0),
        unit="h/dataset update",
        source="assumption: extracting, checking and republishing one dataset (source §3.2)",
    )
    answer_hours: float = bounded(
        1.0,
        0.0,
        50.0,
        plausible=(0.5, 2.0),
        unit="h/department per % residents contributing",
        source="assumption: answering residents' contributions (source §3.4)",
    )
    dga_partner_hours: float = bounded(
        2.0,
        0.0,
        50.0,
        plausible=(1.0, 4.0),
        unit="h/partner/month",
        source="assumption: DGA brokering of each partnership (source §3.2, §3.6)",
    )
    programme_hours: float = bounded(
        8.0,
        0.0,
        100.0,
        plausible=(4.0, 16.0),
        unit="h/department/month",
        source="assumption: moderation, data governance and partnership meetings an open "
        "programme needs before it yields (source §3.6 'ça demande énormément de temps')",
    )
    programme_attention: float = bounded(
        2.0,
        0.0,
        100.0,
        plausible=(1.0, 4.0),
        unit="h/department/month of DGA attention",
        source="assumption: transversal committees of the open programmes (source §3.2)",
    )
    programme_startup: float = bounded(
        0.02,
        0.0,
        1.0,
        plausible=(0.01, 0.04),
        unit="M€/month per open budget line",
        source="platform licence and a community manager, 120–480 k€ a year (assumption)",
    )


@dataclass(frozen=True)
class TrajectoryConfig:
    """A governance trajectory: a policy mapping the model state to (proactivity, openness)."""

    kind: str = "phased"
    proactive_point: tuple[float, float] = (0.9, 0.1)
    open_point: tuple[float, float] = (0.2, 0.9)
    combined_point: tuple[float, float] = (0.85, 0.85)
    switch_rule: str = "readiness"
    readiness_threshold: float = bounded(
        0.385,
        0.0,
        1.0,
        plausible=(0.2, 0.6),
        unit="I·√C",
        source="prototype starting value: open once infrastructure works and culture has moved "
        "(source §3.6 'objets solides, opérants')",
    )
    switch_month: int = bounded(48, 0, 10_000)
    transition_months: int = bounded(12, 0, 240)
    waypoints: tuple[tuple[float, float, float], ...] = ()
    after_turnover: str = ""


@dataclass(frozen=True)
class MechanismConfig:
    """Switches for the rules the counterfactual tests turn off (docs/ODD.md §1.2)."""

    technology_prerequisite: bool = True  # culture grows only once infrastructure works (§3.6)
    culture_prerequisite: bool = True  # institutions grow only once culture has moved (§3.6)
    coordination_costs: bool = True  # partnerships cost host hours, pair overhead, DGA brokering
    pairwise_coordination: bool = True  # the n(n - 1)/2 network overhead alone
    reflex_override: float | None = bounded(None, 0.0, 1.0)
    mediation: bool = True
    elections: bool = True
    legitimacy_budget: bool = True
    fatigue: bool = True
    forced_partners: int | None = bounded(None, 0, 500)


def _p(default: Any, lo: float, hi: float, plausible: tuple[float, float], unit: str, source: str):
    """A behavioural parameter: allowed bounds, plausible range (for sensitivity), unit, source."""
    return bounded(default, lo, hi, plausible=plausible, unit=unit, source=source)


@dataclass(frozen=True)
class Parameters:
    """Behavioural rates, per month. Equations in docs/ODD.md §7; each field names its source."""

    # Infrastructure (stage 6)
    infra_growth: float = _p(
        0.04, 0.0, 1.0, (0.02, 0.08), "1/month per M€^β", "prototype starting value (assumption)"
    )
    budget_returns: float = _p(
        0.6,
        0.1,
        2.0,
        (0.5, 1.0),
        "exponent β",
        "diminishing returns of deployment spending (assumption)",
    )
    infra_decay: float = _p(
        0.0104,
        0.0,
        1.0,
        (0.0069, 0.0167),
        "1/month",
        "1/service life: 5–12 years for sensors, networks and platforms (mean 8 years = 96 months)",
    )
    # Culture and institutions (stage 6, the phasing of source §3.6)
    culture_growth: float = _p(
        0.08,
        0.0,
        1.0,
        (0.04, 0.16),
        "1/month",
        "assumption (organisational change over several years, §3.6)",
    )
    culture_decay: float = _p(
        0.003,
        0.0,
        1.0,
        (0.001, 0.006),
        "1/month",
        "assumption: habits fade over decades without practice",
    )
    technology_threshold: float = _p(
        0.35,
        0.0,
        1.0,
        (0.2, 0.5),
        "infrastructure level",
        "source §3.6: 'objets solides, opérants' first (assumption)",
    )
    prerequisite_width: float = _p(
        0.05, 0.001, 1.0, (0.02, 0.1), "level", "assumption: how sharp the prerequisite gates are"
    )
    institution_growth: float = _p(
        0.12,
        0.0,
        1.0,
        (0.04, 0.2),
        "1/month",
        "assumption (charters and frameworks take years, §3.6)",
    )
    institution_decay: float = _p(
        0.004, 0.0, 1.0, (0.002, 0.008), "1/month", "assumption: frameworks outlive a mandate"
    )
    culture_threshold: float = _p(
        0.3,
        0.0,
        1.0,
        (0.2, 0.5),
        "culture level",
        "source §3.6: institutions follow cultural change (assumption)",
    )
    maturity_growth: float = _p(
        0.03,
        0.0,
        1.0,
        (0.015, 0.06),
        "1/month",
        "assumption: staff digital skills over 2–5 years (§3.3)",
    )
    # Partnerships (stage 4)
    recruitment_rate: float = _p(
        0.5,
        0.0,
        10.0,
        (0.25, 1.0),
        "partners/month",
        "assumption: 3–12 new partnerships a year at full openness, "
        "outreach and slack (source §3.6)",
    )
    push: float = _p(
        0.2,
        0.0,
        1.0,
        (0.0, 1.0),
        "share",
        "source §3.6 'on essaye de multiplier les partenariats' (assumption)",
    )
    starvation_months: int = _p(
        3, 1, 120, (2, 6), "months", "assumption: a quarter without the promised time"
    )
    co_creation_value: float = _p(
        0.125,
        0.0,
        10.0,
        (0.0625, 0.25),
        "value per unit of output",
        "assumption: 8 fully productive partners = one generator unit",
    )
    # Open data (stages 3 and 6)
    base_reflex: float = _p(
        0.15,
        0.0,
        1.0,
        (0.0, 0.3),
        "probability/month",
        "prototype; source §3.2 (Courmont: data attachment)",
    )
    stale_after: int = _p(
        2, 1, 120, (1, 4), "months", "source §3.2 'obsolète au bout de deux mois'"
    )
    publish_rate: float = _p(
        0.08,
        0.0,
        1.0,
        (0.04, 0.16),
        "probability/month",
        "assumption: a catalogue opened within 2–4 years",
    )
    # Citizens (stage 5)
    participation_scale: float = _p(
        0.03,
        0.0,
        10.0,
        (0.015, 0.06),
        "monthly pull",
        "calibration target: 2–8% of residents a year at full channel (participatory budgets ≈ 4%)",
    )
    trust_step: float = _p(
        0.05,
        0.0,
        1.0,
        (0.02, 0.1),
        "share/month",
        "prototype (Ansell & Gash 2008: trust built by small wins)",
    )
    fatigue_rate: float = _p(
        0.15, 0.0, 1.0, (0.05, 0.3), "share", "prototype: unanswered participation discourages"
    )
    fatigue_recovery: float = _p(
        0.02, 0.0, 1.0, (0.0, 0.05), "share/month", "assumption: propensity recovers over years"
    )
    inclusion_rate: float = _p(
        0.01,
        0.0,
        1.0,
        (0.0, 0.03),
        "probability/month",
        "calibration target: illectronism falls ≈ 1 point a year (INSEE 2019–2021)",
    )
    breach_hazard: float = _p(
        0.004, 0.0, 1.0, (0.001, 0.02), "breaches/month per exposure", "prototype (source §4.2)"
    )
    breach_trust_drop: float = _p(0.12, 0.0, 1.0, (0.05, 0.25), "trust", "prototype (source §4.2)")
    legitimacy_smoothing: float = _p(
        0.1, 0.0, 1.0, (0.05, 0.3), "share/month", "assumption: opinion follows trust within a year"
    )
    new_mayor_commitment: float = _p(
        0.5,
        0.0,
        1.0,
        (0.2, 0.8),
        "commitment",
        "assumption: a new executive rebuilds 'pilotage fort'",
    )
    # Value destruction (stage 7, source §4.2)
    exclusion_harm: float = _p(
        2.25,
        0.0,
        10.0,
        (1.5, 3.0),
        "× a user's gain",
        "loss aversion: losing a service weighs ≈ 2.25 times gaining it (Tversky & Kahneman "
        "1992); a resident cut off loses what a user of the same services gains",
    )
    privacy_harm: float = _p(
        0.1, 0.0, 10.0, (0.05, 0.2), "value per unit of exposure", "assumption (source §4.2)"
    )
    breach_harm: float = _p(
        0.5, 0.0, 10.0, (0.25, 1.0), "value per breach", "assumption (source §4.2)"
    )
    stale_harm: float = _p(
        0.5,
        0.0,
        10.0,
        (0.25, 1.0),
        "value per fully stale catalogue",
        "assumption: a dead catalogue misleads (source §3.2)",
    )
    footprint_operating: float = _p(
        0.1,
        0.0,
        10.0,
        (0.05, 0.2),
        "value per unit of I",
        "assumption (ADEME/Arcep: use phase ≈ a fifth)",
    )
    footprint_embodied: float = _p(
        2.0,
        0.0,
        100.0,
        (1.0, 4.0),
        "value per unit of new I",
        "ADEME/Arcep: manufacturing ≈ 80% of digital footprints",
    )


def parameter_rows() -> list[dict[str, Any]]:
    """Every field with a plausible range: path, default, allowed, plausible, unit, source.

    The ODD's parameter table (docs/parameters.md) is generated from these rows, so the
    documentation cannot drift from the code.
    """
    rows = []
    for section, cls in (("resources", ResourceConfig), ("trajectory", TrajectoryConfig),
                         ("parameters", Parameters)):  # fmt: skip
        for f in dataclasses.fields(cls):
            if "plausible" not in f.metadata:
                continue
            rows.append(
                {
                    "path": f"{section}.{f.name}",
                    "default": f.default,
                    "allowed": f.metadata["bounds"],
                    "plausible": f.metadata["plausible"],
                    "unit": f.metadata.get("unit", ""),
                    "source": f.metadata.get("source", ""),
                }
            )
    return rows
