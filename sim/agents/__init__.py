"""The five roles of the municipality, one module each (MODEL.md §2)."""

from sim.agents.citizens import Citizen, Population
from sim.agents.department import Department
from sim.agents.dga import DGA
from sim.agents.mayor import Mayor
from sim.agents.partner import PrivatePartner

__all__ = ["DGA", "Citizen", "Department", "Mayor", "Population", "PrivatePartner"]
