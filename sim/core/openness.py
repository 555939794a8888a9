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
  programmes staffed below `parameters.min_staffing` of it yield nothing, above it the effect
  rises linearly. Open *practice* (model: funding × staffing × scale) drives culture,
  institutions and the publication of open data.

These hours produce no value themselves: under tight resources they are the opportunity cost of
opening early, taken from deployment and from the programmes' own work. The full-funding levels
(`parameters.platform_full`, `mediation_full`, `outreach_full`), the staffing minimum and the
ramp (`parameters.open_ramp`) are parameters, passed in by the callers, so these functions stay
pure.
"""

from __future__ import annotations


def funding(amount: float, startup: float, full: float) -> float:
    """Share of a programme's full effect that `amount` buys: 0 up to the start-up, 1 at `full`."""
    if amount <= startup:
        return 0.0
    if full <= startup:
        return 1.0
    return min(1.0, (amount - startup) / (full - startup))


def scale(openness: float, ramp: float) -> float:
    """How far the open programmes are rolled out at this openness: 0 when closed, 1 from `ramp`."""
    return min(1.0, max(0.0, openness) / ramp)


def staffing_effect(staffed: float, minimum: float) -> float:
    """Share of its effect a programme gives when it received `staffed` of its start-up hours:
    nothing up to `minimum`, then linear to the full effect at full staffing."""
    return min(1.0, max(0.0, (staffed - minimum) / (1.0 - minimum)))
