"""What openness costs before it yields: the open programmes' start-up (source §3.6, §4.1).

The source's recommendation is conditional: combine proactive and open governance from the start
*and give openness the appropriate resources* (§4.1); its cases say that open work "demands an
enormous amount of time" (§3.6). The open programmes — the participation platform, the
partnership office (outreach) and the open-data work — carry that cost here:

* a **budget start-up** for the platform and the partnership office: a line below
  `programme_startup` M€/month buys nothing (a platform licence and a community manager are paid
  before the first contribution), above it the effect rises linearly to full funding;
* a **staff start-up** for all of them: every department owes `programme_hours` × scale(o) a
  month to the programmes (moderation, data governance, partnership meetings) before they yield;
  programmes staffed below `MIN_STAFFING` of that start-up yield nothing, above it the effect
  rises linearly. Open *practice* (model: funding × staffing × scale) drives culture,
  institutions and the publication of open data.

These hours produce no value themselves: under tight resources they are the opportunity cost of
opening early, taken from deployment and from the programmes' own work.
"""

from __future__ import annotations

PLATFORM_FULL = 0.075  # M€/month: half the participation line runs a full platform (assumption)
MEDIATION_FULL = 0.10  # M€/month: the other half reaches every illectronic resident (assumption)
OUTREACH_FULL = 0.15  # M€/month of the partnership line that funds full outreach (assumption)
MIN_STAFFING = 0.5  # a programme staffed below half its start-up hours yields nothing (assumption)
OPEN_RAMP = 0.5  # openness from which the programmes run at full scale (assumption)


def funding(amount: float, startup: float, full: float) -> float:
    """Share of a programme's full effect that `amount` buys: 0 up to the start-up, 1 at `full`."""
    if amount <= startup:
        return 0.0
    if full <= startup:
        return 1.0
    return min(1.0, (amount - startup) / (full - startup))


def scale(openness: float) -> float:
    """How far the open programmes are rolled out at this openness (0 when closed)."""
    return min(1.0, max(0.0, openness) / OPEN_RAMP)


def staffing_effect(staffed: float) -> float:
    """Share of its effect a programme gives when it received `staffed` of its start-up hours."""
    return min(1.0, max(0.0, (staffed - MIN_STAFFING) / (1.0 - MIN_STAFFING)))
