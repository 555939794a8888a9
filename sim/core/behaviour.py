"""The behavioural rates and coefficients: how the stocks, departments, partners, residents and
the mayor respond (docs/ODD.md §7).

Each field carries its allowed interval, its plausible interval (what the sensitivity and
robustness analyses explore), its unit and its source; "assumption (±50% band)" marks a
coefficient with no measurement behind it, explored over half to one and a half times its value.
How the state is turned into public value is priced separately (sim/core/value.py `Valuation`);
`Parameters` (sim/core/sections.py) joins the two.
"""

from __future__ import annotations

from dataclasses import dataclass

from sim.core.fields import parameter as _p


@dataclass(frozen=True)
class Behaviour:
    """Behavioural rates (per month) and response coefficients; each field names its source."""

    # Infrastructure (stage 6)
    infra_growth: float = _p(
        0.04,
        0.0,
        1.0,
        (0.02, 0.08),
        "1/month per M€^β",
        "Angers 2020–25 (≈57% of the planned equipment connected at 3.5 years, ≈80% at 5, at "
        "≈1.1 M€/month), read as I, gives 0.03–0.08; IT overruns of 27–37% (Flyvbjerg & Budzier "
        "2011; Cour des comptes 2020) keep the lower tail (docs/ODD.md §10, item 11)",
    )
    budget_returns: float = _p(
        0.6,
        0.1,
        2.0,
        (0.5, 1.0),
        "exponent β",
        "assumption: no measurement on cities; the one analogy, COCOMO II's schedule multipliers "
        "(Boehm et al. 2000), gives β ≈ 1 below a programme's nominal spending rate and "
        "0.45–0.55 above it (docs/ODD.md §10, item 11)",
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
    culture_drive_practice: float = _p(
        0.3,
        0.0,
        10.0,
        (0.15, 0.45),
        "M€/month of HR line per unit of P",
        "assumption (±50% band): full open practice moves culture as 0.3 M€/month of HR spending "
        "would (§3.6)",
    )
    culture_drive_cross_silo: float = _p(
        0.2,
        0.0,
        10.0,
        (0.1, 0.3),
        "M€/month of HR line per unit of x",
        "assumption (±50% band): brokered cross-silo work moves culture as 0.2 M€/month of HR "
        "spending would (§3.2)",
    )
    institution_budget: float = _p(
        0.15,
        0.001,
        10.0,
        (0.075, 0.225),
        "M€/month",
        "assumption (±50% band): the institutions line that fully funds charters and frameworks",
    )
    training_budget: float = _p(
        0.2,
        0.001,
        10.0,
        (0.1, 0.3),
        "M€/month",
        "assumption (±50% band): the HR line that funds full training of the digital staff (source "
        "§3.3)",
    )
    tools_learning: float = _p(
        0.3,
        0.0,
        10.0,
        (0.15, 0.45),
        "× full training",
        "assumption (±50% band): staff also learn by using the tools, a third as fast as by full "
        "training",
    )
    maturity_decay: float = _p(
        0.002,
        0.0,
        1.0,
        (0.001, 0.003),
        "1/month",
        "assumption (±50% band): unpractised skills fade, half-life 19–58 years (29 at the "
        "default)",
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
    data_reuse: float = _p(
        0.5,
        0.0,
        1.0,
        (0.25, 0.75),
        "share of a partner's potential",
        "assumption (±50% band): co-created services rest on the city's fresh open data for half "
        "their potential",
    )
    starved_below: float = _p(
        0.5,
        0.0,
        1.0,
        (0.25, 0.75),
        "share of the hours needed",
        "assumption (±50% band): a partnership given under half the hours it needs is starved that "
        "month (§3.6)",
    )
    idle_below: float = _p(
        0.1,
        0.0,
        1.0,
        (0.05, 0.15),
        "share of a partner's potential",
        "assumption (±50% band): a partner yielding under a tenth of its potential is idle: the "
        "city cannot use it yet",
    )
    burnt_alignment: float = _p(
        0.5,
        0.0,
        1.0,
        (0.25, 0.75),
        "× initial alignment",
        "assumption (±50% band): a partner who left disappointed is harder to win back "
        "(reputation)",
    )
    # Open programmes: what openness costs before it yields (stage 3, sim/core/openness.py)
    platform_full: float = _p(
        0.075,
        0.0,
        10.0,
        (0.05, 0.1125),
        "M€/month",
        "assumption: half the participation line runs a full platform; ±50% band, its floor kept "
        "above the largest plausible start-up (0.04)",
    )
    mediation_full: float = _p(
        0.1,
        0.0,
        10.0,
        (0.05, 0.15),
        "M€/month",
        "assumption (±50% band): the other half of the participation line reaches every "
        "illectronic resident",
    )
    outreach_full: float = _p(
        0.15,
        0.0,
        10.0,
        (0.075, 0.225),
        "M€/month",
        "assumption (±50% band): the partnership line that funds full outreach",
    )
    min_staffing: float = _p(
        0.5,
        0.0,
        0.95,
        (0.25, 0.75),
        "share of start-up hours",
        "assumption (±50% band): a programme staffed below half its start-up hours yields nothing "
        "(§3.6)",
    )
    open_ramp: float = _p(
        0.5,
        0.01,
        1.0,
        (0.25, 0.75),
        "openness",
        "assumption (±50% band): the openness from which the open programmes run at full scale",
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
    update_tools: float = _p(
        0.5,
        0.0,
        1.0,
        (0.25, 0.75),
        "share of an update's hours",
        "assumption (±50% band): full infrastructure automates half the work of a dataset update",
    )
    reflex_culture: float = _p(
        0.4,
        0.0,
        1.0,
        (0.2, 0.6),
        "probability/month per unit of C",
        "assumption (±50% band): an open culture builds the data-sharing reflex (source §3.2, "
        "Courmont 2019)",
    )
    reflex_institutions: float = _p(
        0.3,
        0.0,
        1.0,
        (0.15, 0.45),
        "probability/month per unit of Q",
        "assumption (±50% band): data-governance charters make sharing a routine (source §3.2)",
    )
    reflex_silo: float = _p(
        0.2,
        0.0,
        1.0,
        (0.1, 0.3),
        "probability/month per unit of silo",
        "assumption (±50% band): attachment to one's own data erodes the reflex until culture "
        "moves (Courmont 2019)",
    )
    reflex_passing: float = _p(
        0.1,
        0.0,
        1.0,
        (0.05, 0.2),
        "probability/month per sharing colleague",
        "assumption (±50% band): a colleague who shares routinely convinces a department one "
        "month in ten (source §3.2 'prêcher la bonne parole en interne'; Rogers 2003, diffusion "
        "through peers' example)",
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
        0.02,
        0.0,
        1.0,
        (0.0, 0.05),
        "share/month",
        "assumption: a propensity drifts back to the resident's disposition over years",
    )
    reinforcement_gain: float = _p(
        0.084,
        0.0,
        1.0,
        (0.042, 0.126),
        "share of the way to the ceiling",
        "Sjoberg, Mellon & Peixoto 2017 (FixMyStreet, n = 399,364): a first report that is fixed "
        "raises the probability of a second by 57%; an answered contribution lifts a propensity "
        "to 1 + g(ceiling − 1) of the disposition, an ignored one to 1 − fatigue_rate, so "
        "g = (1.57 × 0.85 − 1) / (5 − 1) = 0.084 (±50% band)",
    )
    propensity_ceiling: float = _p(
        5.0,
        1.0,
        100.0,
        (2.0, 10.0),
        "× disposition",
        "assumption: a resident answered every time participates at most five times as readily "
        "as at the start (Bush & Mosteller 1955 learning towards a bound)",
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
    literacy_threshold: float = _p(
        0.3,
        0.05,
        0.95,
        (0.15, 0.45),
        "literacy",
        "assumption (±50% band): below it a resident cannot use online services unaided; the "
        "initial illectronic share per age group is INSEE's whatever the threshold",
    )
    literacy_boost: float = _p(
        0.15,
        0.0,
        1.0,
        (0.075, 0.225),
        "literacy",
        "assumption (±50% band): literacy gained from one mediation session",
    )
    propensity_spread: float = _p(
        2.0,
        0.0,
        5.0,
        (1.0, 3.0),
        "σ of log-propensity",
        "set in the first version against the 90-9-1 participation inequality target (ODD §8.2); "
        "±50% band (assumption)",
    )
    appetite_floor: float = _p(
        0.5,
        0.0,
        10.0,
        (0.25, 0.75),
        "exposure per unit of I",
        "assumption (±50% band): the city's own data handling exposes residents before any "
        "partner's appetite",
    )
    privacy_circle: float = _p(
        10.0,
        0.1,
        1000.0,
        (5.0, 15.0),
        "co-creation partners",
        "assumption (±50% band): every 10 partners handling the data double the circle exposed "
        "(source §4.2)",
    )
    privacy_charters: float = _p(
        0.7,
        0.0,
        1.0,
        (0.35, 1.0),
        "share of the exposure",
        "assumption (±50% band, capped at 1): full data-governance charters remove 70% of the "
        "exposure (source §4.2)",
    )
    # Politics: budget, commitment, elections (stages 1 and 8, source §3.2)
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
    budget_floor: float = _p(
        0.6,
        0.0,
        2.0,
        (0.3, 0.9),
        "× resources.budget",
        "assumption (±50% band): the share of the base budget voted whatever the legitimacy (Moore "
        "1995)",
    )
    budget_legitimacy: float = _p(
        0.8,
        0.0,
        2.0,
        (0.4, 1.2),
        "× resources.budget per unit of L",
        "assumption (±50% band): the extra share a fully trusted executive obtains (Moore 1995)",
    )
    commitment_recovery: float = _p(
        0.05,
        0.0,
        1.0,
        (0.025, 0.075),
        "commitment/month",
        "assumption (±50% band): a new executive regains 'pilotage fort' within 7–20 months "
        "(source §3.2)",
    )
    reelection_midpoint: float = _p(
        0.45,
        0.0,
        1.0,
        (0.225, 0.675),
        "legitimacy",
        "assumption (±50% band): the legitimacy at which re-election is a coin toss",
    )
    reelection_spread: float = _p(
        0.08,
        0.001,
        1.0,
        (0.04, 0.12),
        "legitimacy",
        "assumption (±50% band): the logistic spread of the re-election odds in legitimacy",
    )
