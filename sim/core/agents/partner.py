"""Private partners: vendors build infrastructure, co-creation partners co-produce (§3.6)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import mesa

if TYPE_CHECKING:
    from sim.core.agents.city import City
    from sim.core.agents.department import Department

KINDS = ("vendor", "start-up", "association", "university", "utility")
# Appetite for data (drives privacy exposure): vendors and start-ups monetise data (assumption).
DATA_APPETITE = {
    "vendor": 0.8,
    "start-up": 0.7,
    "association": 0.2,
    "university": 0.3,
    "utility": 0.5,
}


class PrivatePartner(mesa.Agent):
    """One candidate partner of the pool; `active` says whether it is in a partnership now.

    Vendors are under contract and turn the infrastructure budget into I. Co-creation partners
    (start-ups, associations, universities, utilities) join when solicited and aligned, need hours
    of their host department and DGA attention, and contribute
    capability × min(1, hours received / hours needed) × I × C × data reuse, where data reuse is
    (1 − r) + r × the fresh share of the open-data catalogue, r = `parameters.data_reuse`
    (co-created services reuse the city's data). One starved or idle for several months leaves
    ("ça demande énormément de temps", source §3.6).
    """

    model: City

    def __init__(self, model: City, kind: str, capability: float, alignment: float) -> None:
        super().__init__(model)
        self.kind = kind
        self.capability = capability
        self.alignment = alignment
        self.base_alignment = alignment
        self.appetite = DATA_APPETITE[kind]
        self.active = kind == "vendor"
        self.host: Department | None = None
        self.months_starved = 0
        self.output = 0.0
        self.hours_share = 1.0

    @property
    def co_creates(self) -> bool:
        return self.kind != "vendor"

    def join(self, host: Department) -> None:
        self.active, self.host, self.months_starved = True, host, 0
        host.partners_hosted += 1

    def leave(self) -> None:
        if self.host is not None:
            self.host.partners_hosted -= 1
        self.active, self.host, self.output = False, None, 0.0

    def cooperate(self, fresh_data: float) -> None:
        """Stage 4: produce with the hours received; leave after too many starved months."""
        if not (self.active and self.co_creates):
            return
        m = self.model
        params, host = m.config.parameters, self.host
        self.hours_share = min(host.fraction("partnerships"), host.dga_support)
        reuse = (1.0 - params.data_reuse) + params.data_reuse * fresh_data
        productivity = min(1.0, self.hours_share) * m.technology * m.culture * reuse
        self.output = self.capability * productivity
        starved = self.hours_share < params.starved_below or productivity < params.idle_below
        self.months_starved = self.months_starved + 1 if starved else 0
        forced = m.config.mechanisms.forced_partners is not None
        if not forced and self.months_starved >= params.starvation_months:
            # A disappointed partner is harder to win back (once: it does not compound).
            self.alignment = params.burnt_alignment * self.base_alignment
            self.leave()
