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
  rises linearly. Open *practice* (funding × staffing × scale) drives culture, institutions and
  the publication of open data.

These hours produce no value themselves: under tight resources they are the opportunity cost of
opening early. The functions are pure and work on numbers and on arrays of runs alike.
"""

from __future__ import annotations

from typing import Any

import numpy as np


def funding(amount: Any, startup: Any, full: Any) -> Any:
    """Share of a programme's full effect that `amount` buys: 0 up to the start-up, 1 at `full`."""
    amount, startup, full = (np.asarray(x, dtype=float) for x in (amount, startup, full))
    with np.errstate(divide="ignore", invalid="ignore"):
        rising = np.minimum(1.0, (amount - startup) / (full - startup))
    return np.where(amount <= startup, 0.0, np.where(full <= startup, 1.0, rising))


def scale(openness: Any, ramp: Any) -> Any:
    """How far the open programmes are rolled out at this openness: 0 when closed, 1 from `ramp`."""
    return np.minimum(1.0, np.maximum(0.0, openness) / ramp)


def staffing_effect(staffed: Any, minimum: Any) -> Any:
    """Share of its effect a programme gives when it received `staffed` of its start-up hours:
    nothing up to `minimum`, then linear to the full effect at full staffing."""
    return np.minimum(1.0, np.maximum(0.0, (staffed - minimum) / (1.0 - minimum)))


def practice(openness: Any, ramp: Any, staffing: Any, platform: Any, outreach: Any) -> Any:
    """Open practice this month: the programmes' scale × their staffing × their mean funding.

    Openness written in a plan changes nothing by itself: practice is what a funded, staffed
    platform and partnership office actually do (source §4.1: openness with the resources)."""
    return scale(openness, ramp) * staffing * 0.5 * (platform + outreach)
