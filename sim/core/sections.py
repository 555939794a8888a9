"""The sections of a run's configuration: city, resources, trajectory, mechanisms, parameters.

Every numeric field carries its *allowed* interval (what validation accepts); every behavioural
field also carries a *plausible* interval (what sensitivity and robustness analyses explore), its
unit and its source, so there is one list of parameters, read by the validation, by SALib, by the
robustness map and by the ODD's parameter tables (docs/ODD.md §7). The `parameters` section is
declared by concept in sim/core/behaviour.py and sim/core/value.py; `parameter_rows` lists all.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from sim.core.behaviour import Behaviour
from sim.core.fields import bounded
from sim.core.value import Valuation

TRAJECTORY_KINDS = ("proactive", "open", "phased", "combined", "custom")
SWITCH_RULES = ("readiness", "month")
WEIGHT_PROFILES = ("equal", "green", "app", "socially_sensitive", "participatory")


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
    # The organisation chart: org_chart[d] is the DGA (0 to dgas − 1) whose portfolio holds
    # department d; empty means in turn (d mod dgas). Departments of one DGA pass their
    # data-sharing reflex on to each other (source §3.2; docs/ODD.md §7.3).
    org_chart: tuple[int, ...] = ()
    # Residents aged 15 and over by age group (sim/core/population.py AGE_GROUPS), summing to 1;
    # empty means France's adult mix (INSEE). A commune profile sets its own (sim/runs/commune.py).
    age_shares: tuple[float, ...] = ()
    # Co-creation partnerships the city already has at month 0 (a commune profile's partners):
    # the most aligned candidates, free to leave like any other (docs/ODD.md §5).
    initial_partners: int = bounded(0, 0, 1000)


@dataclass(frozen=True)
class ResourceConfig:
    """The resource constraints of the mission (docs/ODD.md §7.3, §8.1). 'Adequate' defaults.

    Budget, staff hours and DGA attention are what every activity draws on; coordination and the
    open programmes' start-up are what openness costs in them (source §3.6, §4.1); the task hours
    are what deployment, operation, training and brokering ask of them at full intensity.
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
    # What each task asks of the hours above at full intensity (stages 2–3)
    push_hours: float = bounded(
        6.0,
        0.0,
        100.0,
        plausible=(3.0, 9.0),
        unit="h/department/month of DGA attention",
        source="calibrated to the resource-tension target (ODD §8.2; was 4): a DGA's push of "
        "deployment at full proactivity; ±50% band (assumption)",
    )
    cross_silo_hours: float = bounded(
        6.0,
        0.0,
        100.0,
        plausible=(3.0, 9.0),
        unit="h/department/month of DGA attention",
        source="calibrated as push_hours (ODD §8.2): a DGA's brokering of transversal data "
        "projects at full openness; ±50% band (assumption)",
    )
    operation_hours: float = bounded(
        6.0,
        0.0,
        200.0,
        plausible=(3.0, 9.0),
        unit="h/department/month",
        source="assumption (±50% band): staff hours to run the tools at full infrastructure",
    )
    deployment_hours: float = bounded(
        10.0,
        0.0,
        200.0,
        plausible=(5.0, 15.0),
        unit="h/department/month",
        source="assumption (±50% band): staff hours of deployment projects at full proactivity, "
        "commitment and DGA support",
    )
    training_hours: float = bounded(
        4.0,
        0.0,
        200.0,
        plausible=(2.0, 6.0),
        unit="h/department/month",
        source="assumption (±50% band): training hours when the HR line is fully funded "
        "(source §3.3)",
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
    reinforcement: bool = True  # answered contributions raise a resident's propensity (§3.4)
    reflex_contagion: bool = True  # departments pass the data-sharing reflex on (§3.2)
    identical_residents: bool = False  # every resident at the population's mean (P9's control)
    forced_partners: int | None = bounded(None, 0, 500)


@dataclass(frozen=True)
class Parameters(Valuation, Behaviour):
    """The behavioural rates and coefficients, then the valuation: one flat section, so that every
    field is `parameters.<name>` (sim/core/behaviour.py, sim/core/value.py declare them by concept;
    a dataclass lists the fields of its last base first, hence the order of the bases)."""


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
