"""Private partners: vendors build infrastructure, co-creation partners co-produce (§3.6).

A `PrivatePartner` agent views its entry of the batch state; its rules are stage 4
(sim/core/stages/partners.py)."""

from __future__ import annotations

import mesa

from sim.core.agents.city import City
from sim.core.agents.department import Department
from sim.core.stages.partners import DATA_APPETITE, KINDS

__all__ = ["DATA_APPETITE", "KINDS", "PrivatePartner"]


class PrivatePartner(mesa.Agent):
    """One partner of the pool. Vendors (`slot` None) are under contract and always active;
    co-creation candidates (`slot` = their column in the state) are active while in a
    partnership, hosted by a department."""

    model: City

    def __init__(self, model: City, kind: str, vendor: int | None = None,
                 slot: int | None = None) -> None:  # fmt: skip
        super().__init__(model)
        self.kind = kind
        self.vendor, self.slot = vendor, slot
        self.appetite = DATA_APPETITE[kind]

    @property
    def co_creates(self) -> bool:
        return self.slot is not None

    def _get(self, name: str) -> float:
        return getattr(self.model.state, name)[0, self.slot]

    @property
    def capability(self) -> float:
        if self.slot is None:
            return float(self.model.state.vendor_capability[0, self.vendor])
        return float(self._get("capability"))

    @property
    def alignment(self) -> float:
        return float(self._get("alignment")) if self.co_creates else 1.0

    @property
    def base_alignment(self) -> float:
        return float(self._get("base_alignment")) if self.co_creates else 1.0

    @property
    def active(self) -> bool:
        return True if self.slot is None else bool(self._get("active"))

    @property
    def host(self) -> Department | None:
        if self.slot is None or not self.active:
            return None
        return self.model.departments[int(self._get("host"))]  # type: ignore[attr-defined]

    @property
    def months_starved(self) -> int:
        return int(self._get("months_starved")) if self.co_creates else 0

    @property
    def output(self) -> float:
        return float(self._get("output")) if self.co_creates and self.active else 0.0

    @property
    def hours_share(self) -> float:
        return float(self._get("hours_share")) if self.co_creates else 1.0
