"""Public value accounting: six generators -> nine dimensions, minus four kinds of destruction.

Harrison et al. (2012) name six *value generators* (efficiency, effectiveness, intrinsic
enhancements, transparency, participation, collaboration); Frucquet, Carassus, Chabaud & Marin
(GMP, hal-04344052) use them as mediators between governance and value. Csukás & Szabó (2021)
give the nine *components* of smart-city value the source's §1.4 table lists. The matrices below are
the model's assumptions, stated as data so that they can be read, cited and varied.

Destruction (source §4.2: illectronism, privacy, environmental footprint, plus stale open data) is
mapped onto the dimension it erodes, so every dimension has gross, destruction and net flows and
`gross - destruction == net` holds dimension by dimension.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from sim.core.fields import parameter as _p

GENERATORS = (
    "efficiency",
    "effectiveness",
    "intrinsic",
    "transparency",
    "participation",
    "collaboration",
)

DIMENSIONS = (
    "efficiency",
    "engagement",
    "quality_of_life",
    "inclusion",
    "connectivity",
    "knowledge",
    "cost_reduction",
    "scalability",
    "environment",
)

DESTRUCTIONS = ("exclusion", "privacy", "footprint", "stale_data")

# Rows: generators; columns: DIMENSIONS. Each row sums to 1, so a generator's output is shared
# out, never multiplied. Rationale per row:
# - efficiency (process performance) -> efficiency, cost reduction, environment (less waste);
# - effectiveness (services reaching users) -> quality of life, efficiency, connectivity,
#   inclusion;
# - intrinsic enhancements (better life, better city) -> quality of life, environment, inclusion;
# - transparency (fresh open data) -> knowledge, engagement, connectivity, scalability;
# - participation (answered contributions) -> engagement, inclusion, knowledge, quality of life;
# - collaboration (partners, cross-silo work) -> knowledge, scalability, connectivity, engagement.
GENERATOR_TO_DIMENSION = np.array(
    [
        # eff  eng  qol  inc  con  kno  cost scal env
        [0.50, 0.00, 0.00, 0.00, 0.00, 0.00, 0.35, 0.00, 0.15],
        [0.20, 0.00, 0.40, 0.20, 0.20, 0.00, 0.00, 0.00, 0.00],
        [0.00, 0.00, 0.40, 0.30, 0.00, 0.00, 0.00, 0.00, 0.30],
        [0.00, 0.20, 0.00, 0.00, 0.20, 0.40, 0.00, 0.20, 0.00],
        [0.00, 0.50, 0.15, 0.20, 0.00, 0.15, 0.00, 0.00, 0.00],
        [0.00, 0.20, 0.00, 0.00, 0.20, 0.30, 0.00, 0.30, 0.00],
    ]
)

# Rows: DESTRUCTIONS; columns: DIMENSIONS. Exclusion erodes social inclusion; privacy harm erodes
# engagement (trust) and quality of life; the footprint erodes environmental impact; a stale
# catalogue erodes knowledge creation and sharing.
DESTRUCTION_TO_DIMENSION = np.array(
    [
        [0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 0.0, 0.0],
        [0.0, 0.5, 0.5, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0],
        [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1.0],
        [0.0, 0.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0],
    ]
)

# Csukás & Szabó's (2021) four city profiles read as weightings of the nine components
# (normalised to mean 1 so that "equal" sums the nine net flows). Assumption: a profile doubles the
# weight of the components its cluster emphasises.
_PROFILE_EMPHASIS = {
    "equal": (),
    "green": ("environment", "quality_of_life", "cost_reduction"),
    "app": ("connectivity", "efficiency", "scalability"),
    "socially_sensitive": ("inclusion", "quality_of_life", "engagement"),
    "participatory": ("engagement", "knowledge", "inclusion"),
}


def weight_profile(name: str) -> np.ndarray:
    """Weights over DIMENSIONS for a named Csukás & Szabó profile (mean weight 1)."""
    raw = np.array([2.0 if d in _PROFILE_EMPHASIS[name] else 1.0 for d in DIMENSIONS])
    return raw * len(DIMENSIONS) / raw.sum()


# Seed §1.4: each Csukás & Szabó component -> Harrison et al. (2012) public value types ->
# Jørgensen & Bozeman (2007) public values. Used by reports; the dynamics do not read it.
HARRISON_VALUE_TYPES = {
    "efficiency": ("economic", "strategic"),
    "engagement": ("political", "social", "ideological", "stewardship"),
    "quality_of_life": ("quality of life",),
    "inclusion": ("social",),
    "connectivity": ("economic", "social", "strategic"),
    "knowledge": ("economic", "strategic"),
    "cost_reduction": ("economic", "strategic"),
    "scalability": ("economic", "strategic"),
    "environment": ("quality of life",),
}

JORGENSEN_BOZEMAN_VALUES = {
    "efficiency": ("common good", "public interest", "robustness"),
    "engagement": ("dialogue", "user democracy", "citizen involvement", "responsiveness"),
    "quality_of_life": ("common good",),
    "inclusion": ("social cohesion", "protection of minorities"),
    "connectivity": ("openness", "responsiveness", "listening to public opinion"),
    "knowledge": ("cooperativeness",),
    "cost_reduction": ("productivity", "parsimony"),
    "scalability": ("adaptability", "innovation"),
    "environment": ("sustainability",),
}


@dataclass(frozen=True)
class Valuation:
    """How the month's state is priced: the generators' forms and the destruction terms.

    The model turns its state into the six generators and four destruction terms with these
    coefficients (docs/ODD.md §7.7); the matrices above then share them over the dimensions.
    """

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
    # The generators' forms (stage 7, Harrison et al. 2012)
    co_creation_value: float = _p(
        0.125,
        0.0,
        10.0,
        (0.0625, 0.25),
        "value per unit of output",
        "assumption: 8 fully productive partners = one generator unit",
    )
    participation_reference: float = _p(
        0.04,
        0.001,
        1.0,
        (0.02, 0.08),
        "share of residents a year",
        "participatory-budget turnout, 2–8% of residents a year (median ≈ 4%, ODD §8.2): the "
        "participation generator saturates there",
    )
    maturity_share: float = _p(
        0.5,
        0.0,
        1.0,
        (0.25, 0.75),
        "share",
        "assumption (±50% band): half of what a tool gives rests on the skills of the staff who "
        "use it",
    )
    intrinsic_culture: float = _p(
        0.6,
        0.0,
        5.0,
        (0.3, 0.9),
        "value per unit of I·C",
        "assumption (±50% band): a better city rests on an open culture (Harrison et al. 2012)",
    )
    intrinsic_mediation: float = _p(
        0.4,
        0.0,
        5.0,
        (0.2, 0.6),
        "value per unit of I·μ",
        "assumption (±50% band): and on reaching every resident (digital inclusion, source §3.5)",
    )
    transparency_base: float = _p(
        0.3,
        0.0,
        1.0,
        (0.15, 0.45),
        "share",
        "assumption (±50% band): a fresh catalogue informs even before the infrastructure matures",
    )


class Accounts(NamedTuple):
    """One month's value of every run of a batch, per dimension `(runs, 9)` and weighted in total
    `(runs,)` (gross − destroyed = net); computed by sim/core/stages/accounts.py."""

    gross: np.ndarray
    destroyed: np.ndarray
    net: np.ndarray
    gross_total: np.ndarray
    destroyed_total: np.ndarray
    net_total: np.ndarray
