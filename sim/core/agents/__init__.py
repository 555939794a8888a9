"""The five roles of the municipality, one module each (docs/ODD.md §2)."""

from sim.core.agents.citizens import Citizen, Population
from sim.core.agents.department import Department
from sim.core.agents.dga import DGA
from sim.core.agents.mayor import Mayor
from sim.core.agents.partner import PrivatePartner

__all__ = ["DGA", "Citizen", "Department", "Mayor", "Population", "PrivatePartner"]
